/**
 * `POST /`: the one pipeline every AWS operation goes through.
 *
 *   protocol detection → parse → authenticate (SigV4, or none) → decode + validate against the
 *   model → authorise (IAM policies of the caller) → handler → render
 *
 * Dispatch (aws-surface.md §1): awsJson1_1 by the `X-Amz-Target` prefix, awsQuery by the form's
 * `Version` (2011-06-15 = STS, 2010-05-08 = IAM). Every failure leaves as the AWS error shape of
 * the protocol the client spoke; a client mistake is never a 5xx.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { Refusal, ServiceError, type ErrorCode } from '../errors/index.js';
import { UpdateContentionError } from '../storage/contract.js';
import type { Operation, OperationContext, ServiceName } from '../wire/operation.js';
import type { Principal } from '../credentials/principal.js';
import { hasSignature, verifySigV4 } from '../sigv4/index.js';
import {
  assertValid,
  decodeJsonInput,
  decodeQueryInput,
  getModel,
  parseJsonBody,
  parseQueryBody,
  renderJsonError,
  renderJsonResponse,
  renderQueryError,
  renderQueryResponse,
} from '../wire/index.js';
import type { Authorizer } from '../authz/index.js';
import { refusalLogReason } from './refusal-log.js';

type Protocol = 'json' | 'query';

const JSON_TARGETS: Record<string, ServiceName> = {
  AWSCognitoIdentityService: 'cognito-identity',
  AWSCognitoIdentityProviderService: 'cognito-idp',
};
const QUERY_VERSIONS: Record<string, ServiceName> = { '2011-06-15': 'sts', '2010-05-08': 'iam' };
const XMLNS: Record<string, string> = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
};

export interface EndpointDeps {
  operations: Operation[];
  authorizer: Authorizer;
  /** Resolves SigV4 access keys: root credentials or sealed session tokens. */
  lookupCredentials(accessKeyId: string, sessionToken: string | undefined): Promise<{ secretAccessKey: string; principal: Principal; expiresAt?: Date } | undefined>;
  /** Notes that a principal's key signed a request for `service` (IAM GetAccessKeyLastUsed). */
  recordKeyUse?(principal: Principal, service: string, region: string): Promise<void>;
  clock: () => Date;
  region: string;
  accountId: string;
  log: Logger;
}

/** What the request log line reports (filled in as the pipeline advances). */
export interface RequestNote {
  service?: ServiceName;
  operation?: string;
  outcome?: string;
  reason?: unknown;
  /** The refusal's message (the demo's run traces show it; the log line does not carry it). */
  message?: string;
  /** The handler's output (the demo's run traces show it for XML answers; never logged). */
  output?: unknown;
}

export function createAwsEndpoint(deps: EndpointDeps) {
  const registry = new Map<string, Operation>();
  for (const op of deps.operations) {
    const key = `${op.service}:${op.name}`;
    if (registry.has(key)) throw new Error(`operation ${key} declared twice`);
    registry.set(key, op);
  }

  return async function handle(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const requestId = randomUUID();
    const note: RequestNote = {};
    (request as unknown as { tessera: RequestNote }).tessera = note;
    const body: Buffer = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const target = headerValue(request.headers['x-amz-target']);
    const protocol: Protocol = target !== undefined ? 'json' : 'query';
    let service: ServiceName | undefined;
    let decoded: unknown; // the operation's input, for the refusal log line (refusal-log.ts)

    try {
      // ---- protocol + operation -------------------------------------------------------------
      let name: string;
      let raw: unknown;
      const url = request.raw.url ?? '/';
      const queryString = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
      if (protocol === 'json') {
        const dot = target!.indexOf('.');
        const prefix = dot > 0 ? target!.slice(0, dot) : '';
        service = JSON_TARGETS[prefix];
        name = dot > 0 ? target!.slice(dot + 1) : '';
        if (!service || !name) throw new ServiceError('UnknownOperationException', `Unknown target ${JSON.stringify(target)}`);
        const ct = contentType(request);
        if (ct !== 'application/x-amz-json-1.1' && ct !== 'application/x-amz-json-1.0' && ct !== 'application/json') {
          throw new ServiceError('SerializationException', `Unsupported Content-Type for awsJson1_1: ${ct || '(none)'}`);
        }
        raw = parseJsonBody(body.length ? body : Buffer.from('{}'));
      } else {
        const ct = contentType(request);
        let params: Map<string, string>;
        if (request.method === 'POST') {
          if (body.length && ct !== 'application/x-www-form-urlencoded') {
            throw new ServiceError('UnsupportedMediaType', `Unsupported Content-Type ${ct || '(none)'}: expected application/x-www-form-urlencoded or an X-Amz-Target header`);
          }
          params = parseQueryBody(body.toString('utf8'));
        } else {
          params = new Map();
        }
        // Query-protocol parameters may also ride in the URL (GET requests, presigned URLs).
        for (const [k, v] of parseQueryBody(queryString)) if (!k.startsWith('X-Amz-') && !params.has(k)) params.set(k, v);
        name = params.get('Action') ?? '';
        const version = params.get('Version');
        if (!name) throw new ServiceError('MissingAction', 'Missing Action');
        service = version ? QUERY_VERSIONS[version] : undefined;
        if (!service) {
          // Without a recognised Version, an operation name unique to one service still routes.
          const candidates = (['sts', 'iam'] as const).filter((s) => registry.has(`${s}:${name}`));
          if (version || candidates.length !== 1) {
            throw new ServiceError('InvalidAction', `Could not find operation ${name} for version ${version ?? '(none)'}`);
          }
          service = candidates[0];
        }
        params.delete('Action');
        params.delete('Version');
        raw = params;
      }
      note.service = service;
      note.operation = name;
      const op = registry.get(`${service}:${name}`);
      if (!op) {
        if (protocol === 'json') throw new ServiceError('UnknownOperationException', `Unknown operation ${name}`);
        throw new ServiceError('InvalidAction', `Could not find operation ${name} for version ${getModel(service).metadata.apiVersion}`);
      }

      // ---- authenticate -----------------------------------------------------------------------
      const now = deps.clock();
      let principal: Principal | undefined;
      let region = deps.region;
      // rawHeaders lets the verifier see duplicate header lines Node would otherwise merge.
      const signedRequest = { method: request.method, path: pathOf(url), query: queryString, headers: request.headers, rawHeaders: request.raw.rawHeaders, body };
      if (hasSignature(signedRequest)) {
        const verified = await verifySigV4<Principal>(signedRequest, { now, lookup: deps.lookupCredentials });
        // One listener serves every service, so the scope must name the one being called.
        const expected = getModel(service).metadata.signingName ?? service;
        if (verified.service !== expected) {
          throw new Refusal('SignatureDoesNotMatch', `Credential should be scoped to correct service: '${expected}'. `, {
            check: 'sigv4.scope.service',
            expected,
            actual: verified.service,
          });
        }
        principal = verified.principal;
        region = verified.region;
        if (deps.recordKeyUse) {
          try {
            await deps.recordKeyUse(principal, expected, region);
          } catch (err) {
            // Bookkeeping only: a failed note never fails the request.
            deps.log.warn({ err, requestId }, 'could not record the access key use');
          }
        }
      } else if (op.auth === 'sigv4') {
        throw new Refusal('MissingAuthenticationToken', 'Request is missing Authentication Token', { check: 'sigv4.missing' });
      }

      // ---- decode + validate --------------------------------------------------------------
      const model = getModel(service);
      const input = protocol === 'json' ? decodeJsonInput(model, name, raw) : decodeQueryInput(model, name, raw as Map<string, string>);
      assertValid(model, name, input, service);
      decoded = input;

      const ctx: OperationContext = {
        requestId,
        principal,
        now,
        sourceIp: request.ip,
        region,
        accountId: deps.accountId,
        log: deps.log.child({ requestId }),
        requestContext: {
          'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
          'aws:SourceIp': request.ip,
          'aws:SecureTransport': request.protocol === 'https' ? 'true' : 'false',
          'aws:RequestedRegion': region,
        },
      };

      // ---- authorise ----------------------------------------------------------------------
      // The account root is allowed everything (src/authz), so its requests skip the resource
      // lookup and policy evaluation altogether.
      if (principal && principal.kind !== 'root' && op.authorize !== false) {
        const spec = op.authorize ?? {};
        const action = spec.action ?? `${model.metadata.signingName ?? service}:${name}`;
        const resource = spec.resource ? await spec.resource(input, ctx) : '*';
        const context = { ...ctx.requestContext, ...(spec.context ? spec.context(input, ctx) : {}) };
        const result = await deps.authorizer.authorize({ principal, action, resource, context });
        if (result.decision !== 'Allow') {
          const why = result.decision === 'ExplicitDeny' ? 'with an explicit deny in an identity-based policy' : 'because no identity-based policy allows the ' + action + ' action';
          throw new ServiceError(
            protocol === 'json' ? 'AccessDeniedException' : 'AccessDenied',
            `User: ${principal.arn} is not authorized to perform: ${action} on resource: ${resource} ${why}`,
            { reason: result.reason },
          );
        }
      }

      // ---- call + render ------------------------------------------------------------------
      const output = (await op.handler(input, ctx)) ?? {};
      note.outcome = 'ok';
      note.output = output;
      reply.header('x-amzn-RequestId', requestId);
      if (protocol === 'json') {
        reply.code(200).header('content-type', 'application/x-amz-json-1.1').send(renderJsonResponse(model, name, output));
      } else {
        reply.code(200).header('content-type', 'text/xml').send(renderQueryResponse(model, name, output, requestId));
      }
    } catch (err) {
      const error = toServiceError(err, protocol);
      note.outcome = error.code;
      note.message = error.message;
      if (error.reason) note.reason = refusalLogReason(error.reason, decoded);
      else if (err instanceof Refusal) note.reason = refusalLogReason(err.reason, decoded);
      if (error.fault === 'server') deps.log.error({ err, requestId }, 'internal error');
      reply.header('x-amzn-RequestId', requestId);
      if (protocol === 'json') {
        const rendered = renderJsonError(error);
        reply.code(error.status).headers(rendered.headers).send(rendered.body);
      } else {
        const xmlns = XMLNS[service ?? 'sts'] ?? XMLNS.sts!;
        reply.code(error.status).header('content-type', 'text/xml').send(renderQueryError(error, xmlns, requestId));
      }
    }
  };
}

/** SigV4 refusals are rendered with the code each protocol family uses (aws-surface.md §2). */
const SIGV4_CODES: Record<string, { query: ErrorCode; json: ErrorCode }> = {
  IncompleteSignature: { query: 'IncompleteSignature', json: 'IncompleteSignatureException' },
  SignatureDoesNotMatch: { query: 'SignatureDoesNotMatch', json: 'InvalidSignatureException' },
  RequestExpired: { query: 'SignatureDoesNotMatch', json: 'InvalidSignatureException' },
  InvalidClientTokenId: { query: 'InvalidClientTokenId', json: 'UnrecognizedClientException' },
  ExpiredToken: { query: 'ExpiredToken', json: 'ExpiredTokenException' },
  AccessDenied: { query: 'AccessDenied', json: 'AccessDeniedException' },
  MissingAuthenticationToken: { query: 'MissingAuthenticationToken', json: 'MissingAuthenticationTokenException' },
};

function toServiceError(err: unknown, protocol: Protocol): ServiceError {
  if (err instanceof ServiceError) return err;
  if (err instanceof Refusal) {
    const codes = SIGV4_CODES[err.kind];
    if (codes) return new ServiceError(codes[protocol], err.message, { reason: err.reason, cause: err });
  }
  // A record other requests kept changing past the storage's retry budget: load, not a fault.
  // Answered as AWS answers load, with the throttling error the SDKs retry with back-off.
  if (err instanceof UpdateContentionError) {
    return new ServiceError(protocol === 'json' ? 'TooManyRequestsException' : 'Throttling', 'Rate exceeded', {
      reason: { check: 'storage.contention', detail: `${err.collection}: ${err.attempts} compare-and-swap attempts lost` },
      cause: err,
    });
  }
  return new ServiceError(protocol === 'json' ? 'InternalFailureException' : 'InternalFailure', 'We encountered an internal error. Please try again.', { cause: err });
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function contentType(request: FastifyRequest): string {
  return (headerValue(request.headers['content-type']) ?? '').split(';')[0]!.trim().toLowerCase();
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q >= 0 ? url.slice(0, q) : url;
}
