/**
 * `dynamodb` requests (awsJson1_0, `X-Amz-Target: DynamoDB_20120810.<Operation>`): the body is
 * read (DynamoDB bounds it: 16 MiB), the signature verified over it, the checks derived per
 * dynamodb-actions.ts with each table's key schema (learned from the upstream with DescribeTable
 * and cached), then the call is re-signed and forwarded; the response streams back unchanged.
 *
 * The schema is needed for dynamodb:LeadingKeys; when the upstream cannot say (unreachable), the
 * request is refused with 503 rather than authorised without the key, since a `ForAllValues`
 * condition on an absent key holds.
 */
import { createHash } from 'node:crypto';
import type { Principal } from '../credentials/principal.js';
import { parseStrictJson } from '../json/strict-json.js';
import { verifySigV4 } from '../sigv4/index.js';
import { authorizeAll, decisionFields, deniedMessage, globalContext } from './authorize.js';
import { dynamoChecks, tablesNeedingSchema, type DynamoDbInput, type KeySchema } from './dynamodb-actions.js';
import { GatewayError, noteFailure, renderDynamoDbError, toGatewayError } from './errors.js';
import { readBody, singleHeader, type GatewayDeps, type GatewayRequest } from './types.js';
import { relayResponse, UpstreamUnavailable, type Upstream } from './upstream.js';

export const MAX_DYNAMODB_BODY = 16 * 1024 * 1024 + 64 * 1024;
const TARGET_PREFIX = 'DynamoDB_20120810.';
/** Key schemas do not change for a table's lifetime; a re-created table is re-learned after this. */
const SCHEMA_TTL_MS = 5 * 60 * 1000;
const SCHEMA_CACHE_MAX = 1000;

interface CachedSchema {
  schema: KeySchema | undefined;
  until: number;
}

export function createDynamoDbHandler(deps: GatewayDeps, upstream: Upstream) {
  const schemas = new Map<string, CachedSchema>();

  async function describe(table: string): Promise<KeySchema | undefined> {
    const now = deps.clock().getTime();
    const hit = schemas.get(table);
    if (hit && hit.until > now) return hit.schema;
    const body = Buffer.from(JSON.stringify({ TableName: table }), 'utf8');
    const { request, response } = upstream.open(
      {
        method: 'POST',
        path: '/',
        query: '',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `${TARGET_PREFIX}DescribeTable`, 'content-length': String(body.length) },
        payloadHash: createHash('sha256').update(body).digest('hex'),
      },
      'dynamodb',
      deps.clock(),
    );
    request.end(body);
    const res = await response;
    const parts: Buffer[] = [];
    for await (const chunk of res) parts.push(chunk as Buffer);
    const text = Buffer.concat(parts).toString('utf8');
    let parsed: { Table?: { KeySchema?: Array<{ AttributeName: string; KeyType: string }>; GlobalSecondaryIndexes?: Array<{ IndexName: string; KeySchema: Array<{ AttributeName: string; KeyType: string }> }>; LocalSecondaryIndexes?: Array<{ IndexName: string; KeySchema: Array<{ AttributeName: string; KeyType: string }> }> }; __type?: string };
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UpstreamUnavailable(upstream.base.origin, new Error(`DescribeTable ${table}: not JSON (status ${res.statusCode})`));
    }
    let schema: KeySchema | undefined;
    if (res.statusCode === 200 && parsed.Table?.KeySchema) {
      const hash = (ks: Array<{ AttributeName: string; KeyType: string }>) => ks.find((k) => k.KeyType === 'HASH')?.AttributeName;
      const range = parsed.Table.KeySchema.find((k) => k.KeyType === 'RANGE')?.AttributeName;
      const indexes: Record<string, string> = {};
      for (const i of [...(parsed.Table.GlobalSecondaryIndexes ?? []), ...(parsed.Table.LocalSecondaryIndexes ?? [])]) {
        const pk = hash(i.KeySchema ?? []);
        if (pk) indexes[i.IndexName] = pk;
      }
      const pk = hash(parsed.Table.KeySchema);
      if (pk) schema = { partitionKey: pk, ...(range ? { sortKey: range } : {}), indexes };
    } else if (!(res.statusCode === 400 && String(parsed.__type ?? '').endsWith('ResourceNotFoundException'))) {
      throw new UpstreamUnavailable(upstream.base.origin, new Error(`DescribeTable ${table}: status ${res.statusCode} ${String(parsed.__type ?? '')}`));
    }
    // A table that does not exist (yet) is not cached: it may be created next.
    if (schema) {
      schemas.delete(table);
      schemas.set(table, { schema, until: now + SCHEMA_TTL_MS });
      if (schemas.size > SCHEMA_CACHE_MAX) schemas.delete(schemas.keys().next().value as string);
    }
    return schema;
  }

  return async function handleDynamoDb(g: GatewayRequest): Promise<void> {
    const { req, res } = g;
    g.note.service = 'dynamodb';
    try {
      const body = await readBody(req, MAX_DYNAMODB_BODY, () => new GatewayError(413, 'RequestEntityTooLarge', 'Request body is too large'));
      const verified = await verifySigV4<Principal>(
        { method: req.method ?? 'POST', path: g.path, query: g.query, headers: req.headers, rawHeaders: req.rawHeaders, body },
        { now: g.now, lookup: deps.lookupCredentials, services: ['dynamodb'] },
      );
      const principal = verified.principal;
      g.note.principal = principal.arn;
      const target = singleHeader(req, 'x-amz-target') ?? '';
      if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
        throw new GatewayError(400, 'UnknownOperationException', `Unknown operation ${JSON.stringify(target)}`);
      }
      const operation = target.slice(TARGET_PREFIX.length);
      g.note.operation = operation;
      let input: DynamoDbInput;
      try {
        // Strict: a member named twice could be read one way here and another way upstream.
        const parsed: unknown = parseStrictJson(body.length ? body.toString('utf8') : '{}');
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        input = parsed as DynamoDbInput;
      } catch {
        throw new GatewayError(400, 'SerializationException', 'Start of structure or map found where not expected.');
      }
      const learned = new Map<string, KeySchema>();
      for (const table of tablesNeedingSchema(operation, input)) {
        const schema = await describe(table);
        if (schema) learned.set(table, schema);
      }
      const checks = dynamoChecks(operation, input, learned, deps.region, deps.accountId);
      if (!checks) throw new GatewayError(400, 'ValidationException', `The gateway cannot authorise this ${operation} request: its tables, keys or statements could not be read.`);
      const decision = await authorizeAll(deps.authorizer, principal, checks, globalContext(req, g.now, deps.region));
      Object.assign(g.note, decisionFields(decision));
      if (!decision.allowed) {
        const { check, result } = decision.denied!;
        throw new GatewayError(400, 'AccessDeniedException', deniedMessage(principal, check, result), result.reason);
      }
      const headers: Record<string, string> = { 'content-type': singleHeader(req, 'content-type') ?? 'application/x-amz-json-1.0', 'x-amz-target': target, 'content-length': String(body.length) };
      const acceptEncoding = singleHeader(req, 'accept-encoding');
      if (acceptEncoding !== undefined) headers['accept-encoding'] = acceptEncoding;
      const { request, response } = upstream.open({ method: 'POST', path: '/', query: '', headers, payloadHash: createHash('sha256').update(body).digest('hex') }, 'dynamodb', deps.clock());
      request.end(body);
      const upstreamRes = await response;
      g.note.status = upstreamRes.statusCode;
      await relayResponse(res, upstreamRes);
    } catch (err) {
      const error = toGatewayError(err, 'dynamodb');
      noteFailure(g, deps.log, err, error, 'ServiceUnavailable');
      renderDynamoDbError(res, error, g.requestId);
    }
  };
}
