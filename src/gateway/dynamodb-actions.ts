/**
 * How AWS authorises a DynamoDB API call (Developer Guide, "Using IAM policy conditions for
 * fine-grained access control"; Service Authorization Reference, "Actions defined by Amazon
 * DynamoDB"): the action is the API name on `table/<name>` (or `table/<name>/index/<index>`);
 * batches are authorised per table, transactions per item with the item's own action
 * (`dynamodb:EnclosingOperation` naming the transaction); condition keys:
 *
 *   dynamodb:LeadingKeys   the partition-key values the request touches (needs the key schema)
 *   dynamodb:Attributes    the attribute names requested, written or returned
 *   dynamodb:Select        Select, when sent
 *   dynamodb:ReturnValues  ReturnValues, when sent
 *
 * Scan carries no LeadingKeys, as on AWS: a `ForAllValues` condition on it holds vacuously, which
 * is why AWS's fine-grained examples never grant Scan.
 */
import type { ContextMap } from '../authz/index.js';
import type { Check } from './authorize.js';

export interface KeySchema {
  partitionKey: string;
  sortKey?: string;
  /** Index name → its partition key. */
  indexes: Record<string, string>;
}

export type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

export interface DynamoDbInput {
  [name: string]: unknown;
}

/** The tables whose key schema the checks need (to be learned before `dynamoChecks`). */
export function tablesNeedingSchema(operation: string, input: DynamoDbInput): string[] {
  const names = new Set<string>();
  const table = typeof input.TableName === 'string' ? input.TableName : undefined;
  if (['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'].includes(operation) && table) names.add(table);
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    const items = (operation === 'BatchGetItem' ? input.RequestItems : input.RequestItems) as Record<string, unknown> | undefined;
    for (const t of Object.keys(items && typeof items === 'object' ? items : {})) names.add(t);
  }
  if (operation === 'TransactGetItems' || operation === 'TransactWriteItems') {
    for (const entry of Array.isArray(input.TransactItems) ? (input.TransactItems as Array<Record<string, { TableName?: unknown }>>) : []) {
      for (const part of Object.values(entry ?? {})) if (part && typeof part.TableName === 'string') names.add(part.TableName);
    }
  }
  return [...names];
}

/** A scalar attribute value as a condition-key string (S, N, or B in base64). */
function scalar(v: unknown): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const av = v as AttributeValue;
  for (const t of ['S', 'N', 'B']) if (typeof av[t] === 'string') return av[t] as string;
  return undefined;
}

function resolveName(token: string, names: unknown): string {
  if (token.startsWith('#') && names && typeof names === 'object') {
    const v = (names as Record<string, unknown>)[token];
    if (typeof v === 'string') return v;
  }
  return token;
}

/** Top-level attribute names of a ProjectionExpression (`a.b, #c[0]` → a, <#c>). */
function projectionNames(expr: unknown, names: unknown): string[] {
  if (typeof expr !== 'string') return [];
  return expr
    .split(',')
    .map((p) => p.trim().split(/[.[]/)[0]!.trim())
    .filter((p) => p !== '')
    .map((p) => resolveName(p, names));
}

const UPDATE_KEYWORDS = new Set(['set', 'remove', 'add', 'delete', 'if_not_exists', 'list_append', 'and', 'or', 'not']);

/** Attribute names an UpdateExpression writes or reads (every top-level path in it). */
function updateNames(expr: unknown, names: unknown): string[] {
  if (typeof expr !== 'string') return [];
  const out: string[] = [];
  const re = /(^|[^\w:#.\]])(#?[A-Za-z_][\w]*)/g;
  for (let m = re.exec(expr); m; m = re.exec(expr)) {
    const token = m[2]!;
    if (UPDATE_KEYWORDS.has(token.toLowerCase())) continue;
    out.push(resolveName(token, names));
  }
  return out;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** The partition-key value a KeyConditionExpression (or legacy KeyConditions) fixes. */
function queryLeadingKey(input: DynamoDbInput, partitionKey: string): string[] {
  const legacy = input.KeyConditions as Record<string, { AttributeValueList?: unknown[] }> | undefined;
  if (legacy && typeof legacy === 'object' && legacy[partitionKey]) {
    const v = scalar(legacy[partitionKey]!.AttributeValueList?.[0]);
    return v === undefined ? [] : [v];
  }
  const expr = input.KeyConditionExpression;
  if (typeof expr !== 'string') return [];
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  const re = /(#?[A-Za-z_][\w]*)\s*=\s*(:[\w]+)|(:[\w]+)\s*=\s*(#?[A-Za-z_][\w]*)/g;
  for (let m = re.exec(expr); m; m = re.exec(expr)) {
    const name = resolveName(m[1] ?? m[4]!, input.ExpressionAttributeNames);
    const placeholder = m[2] ?? m[3]!;
    if (name === partitionKey) {
      const v = scalar(values[placeholder]);
      if (v !== undefined) out.push(v);
    }
  }
  return out;
}

function keysOf(item: unknown): string[] {
  return item && typeof item === 'object' ? Object.keys(item as Item) : [];
}

function leading(item: unknown, schema: KeySchema | undefined): string[] {
  if (!schema || !item || typeof item !== 'object') return [];
  const v = scalar((item as Item)[schema.partitionKey]);
  return v === undefined ? [] : [v];
}

export function tableArn(region: string, accountId: string, table: string, index?: string): string {
  return `arn:aws:dynamodb:${region}:${accountId}:table/${table}${index !== undefined ? `/index/${index}` : ''}`;
}

function common(input: DynamoDbInput): ContextMap {
  const ctx: ContextMap = {};
  if (typeof input.Select === 'string') ctx['dynamodb:Select'] = input.Select;
  if (typeof input.ReturnValues === 'string') ctx['dynamodb:ReturnValues'] = input.ReturnValues;
  if (typeof input.ReturnConsumedCapacity === 'string') ctx['dynamodb:ReturnConsumedCapacity'] = input.ReturnConsumedCapacity;
  return ctx;
}

function withKeys(ctx: ContextMap, leadingKeys: string[] | undefined, attributes: string[] | undefined): ContextMap {
  if (leadingKeys !== undefined) ctx['dynamodb:LeadingKeys'] = unique(leadingKeys);
  if (attributes !== undefined && attributes.length) ctx['dynamodb:Attributes'] = unique(attributes);
  return ctx;
}

/** One item operation (alone or inside a transaction). */
function itemCheck(op: string, input: DynamoDbInput, schemas: Map<string, KeySchema>, arn: (t: string, i?: string) => string, enclosing?: string): Check | undefined {
  const table = input.TableName;
  if (typeof table !== 'string') return undefined;
  const schema = schemas.get(table);
  const ctx = common(input);
  if (enclosing) ctx['dynamodb:EnclosingOperation'] = enclosing;
  const keyNames = schema ? [schema.partitionKey, ...(schema.sortKey ? [schema.sortKey] : [])] : [];
  // Fail closed: with the schema known, an item whose partition key cannot be read would give an
  // empty dynamodb:LeadingKeys, which a ForAllValues condition lets through.
  const item = op === 'PutItem' ? input.Item : input.Key;
  if (schema && leading(item, schema).length === 0) return undefined;
  switch (op) {
    case 'GetItem': {
      const attrs = [...projectionNames(input.ProjectionExpression, input.ExpressionAttributeNames), ...(Array.isArray(input.AttributesToGet) ? (input.AttributesToGet as string[]) : [])];
      return { action: 'dynamodb:GetItem', resource: arn(table), context: withKeys(ctx, leading(input.Key, schema), attrs.length ? attrs : undefined) };
    }
    case 'PutItem':
      return { action: 'dynamodb:PutItem', resource: arn(table), context: withKeys(ctx, leading(input.Item, schema), keysOf(input.Item)) };
    case 'UpdateItem': {
      const attrs = [...keyNames, ...keysOf(input.AttributeUpdates), ...updateNames(input.UpdateExpression, input.ExpressionAttributeNames)];
      return { action: 'dynamodb:UpdateItem', resource: arn(table), context: withKeys(ctx, leading(input.Key, schema), attrs) };
    }
    case 'DeleteItem':
      return { action: 'dynamodb:DeleteItem', resource: arn(table), context: withKeys(ctx, leading(input.Key, schema), keysOf(input.Key)) };
    case 'ConditionCheck':
      return { action: 'dynamodb:ConditionCheckItem', resource: arn(table), context: withKeys(ctx, leading(input.Key, schema), keysOf(input.Key)) };
    default:
      return undefined;
  }
}

const PARTIQL = /^\s*(SELECT|INSERT|UPDATE|DELETE)\b[\s\S]*?\b(?:FROM|INTO|UPDATE)\s+"([^"]+)"(?:\."([^"]+)")?/i;
const PARTIQL_UPDATE = /^\s*UPDATE\s+"([^"]+)"/i;

function partiqlCheck(statement: unknown, arn: (t: string, i?: string) => string): Check | undefined {
  if (typeof statement !== 'string') return undefined;
  const update = PARTIQL_UPDATE.exec(statement);
  if (update) return { action: 'dynamodb:PartiQLUpdate', resource: arn(update[1]!) };
  const m = PARTIQL.exec(statement);
  if (!m) return undefined;
  const verb = m[1]!.toUpperCase();
  const action = { SELECT: 'dynamodb:PartiQLSelect', INSERT: 'dynamodb:PartiQLInsert', UPDATE: 'dynamodb:PartiQLUpdate', DELETE: 'dynamodb:PartiQLDelete' }[verb]!;
  return { action, resource: arn(m[2]!, m[3]) };
}

/**
 * Every check the call needs; undefined when the request cannot be understood well enough to
 * authorise (it is refused, never forwarded unchecked).
 */
export function dynamoChecks(operation: string, input: DynamoDbInput, schemas: Map<string, KeySchema>, region: string, accountId: string): Check[] | undefined {
  const arn = (t: string, i?: string) => tableArn(region, accountId, t, i);
  switch (operation) {
    case 'GetItem':
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem': {
      const c = itemCheck(operation, input, schemas, arn);
      return c ? [c] : undefined;
    }
    case 'Query':
    case 'Scan': {
      if (typeof input.TableName !== 'string') return undefined;
      const index = typeof input.IndexName === 'string' ? input.IndexName : undefined;
      const ctx = common(input);
      const attrs = [...projectionNames(input.ProjectionExpression, input.ExpressionAttributeNames), ...(Array.isArray(input.AttributesToGet) ? (input.AttributesToGet as string[]) : [])];
      let keys: string[] | undefined;
      if (operation === 'Query') {
        const schema = schemas.get(input.TableName);
        if (schema) {
          const pk = index !== undefined ? schema.indexes[index] : schema.partitionKey;
          keys = pk ? queryLeadingKey(input, pk) : [];
          // Fail closed, as for items: a Query whose partition key is not read is not authorised.
          if (keys.length === 0) return undefined;
        } else {
          keys = [];
        }
      }
      return [{ action: `dynamodb:${operation}`, resource: arn(input.TableName, index), context: withKeys(ctx, keys, attrs.length ? attrs : undefined) }];
    }
    case 'BatchGetItem':
    case 'BatchWriteItem': {
      const requestItems = input.RequestItems;
      if (!requestItems || typeof requestItems !== 'object') return undefined;
      const checks: Check[] = [];
      for (const [table, spec] of Object.entries(requestItems as Record<string, unknown>)) {
        const schema = schemas.get(table);
        const keys: string[] = [];
        const attrs: string[] = [];
        if (operation === 'BatchGetItem') {
          const s = (spec ?? {}) as { Keys?: unknown[]; ProjectionExpression?: unknown; ExpressionAttributeNames?: unknown; AttributesToGet?: unknown };
          for (const k of Array.isArray(s.Keys) ? s.Keys : []) {
            const v = leading(k, schema);
            if (schema && v.length === 0) return undefined;
            keys.push(...v);
          }
          attrs.push(...projectionNames(s.ProjectionExpression, s.ExpressionAttributeNames), ...(Array.isArray(s.AttributesToGet) ? (s.AttributesToGet as string[]) : []));
        } else {
          for (const w of Array.isArray(spec) ? (spec as Array<{ PutRequest?: { Item?: unknown }; DeleteRequest?: { Key?: unknown } }>) : []) {
            const target = w?.PutRequest ? w.PutRequest.Item : w?.DeleteRequest?.Key;
            if (schema && leading(target, schema).length === 0) return undefined;
            if (w?.PutRequest) {
              keys.push(...leading(w.PutRequest.Item, schema));
              attrs.push(...keysOf(w.PutRequest.Item));
            }
            if (w?.DeleteRequest) {
              keys.push(...leading(w.DeleteRequest.Key, schema));
              attrs.push(...keysOf(w.DeleteRequest.Key));
            }
          }
        }
        checks.push({ action: `dynamodb:${operation}`, resource: arn(table), context: withKeys(common(input), keys, attrs.length ? attrs : undefined) });
      }
      return checks;
    }
    case 'TransactGetItems':
    case 'TransactWriteItems': {
      if (!Array.isArray(input.TransactItems)) return undefined;
      const checks: Check[] = [];
      for (const entry of input.TransactItems as Array<Record<string, DynamoDbInput>>) {
        const [[kind, part] = []] = Object.entries(entry ?? {});
        const op = { Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheck' }[kind as string];
        const c = op && part ? itemCheck(op, part, schemas, arn, operation) : undefined;
        if (!c) return undefined;
        checks.push(c);
      }
      return checks;
    }
    case 'ExecuteStatement': {
      const c = partiqlCheck(input.Statement, arn);
      return c ? [c] : undefined;
    }
    case 'BatchExecuteStatement':
    case 'ExecuteTransaction': {
      const list = (operation === 'BatchExecuteStatement' ? input.Statements : input.TransactStatements) as Array<{ Statement?: unknown }> | undefined;
      if (!Array.isArray(list)) return undefined;
      const checks: Check[] = [];
      for (const s of list) {
        const c = partiqlCheck(s?.Statement, arn);
        if (!c) return undefined;
        checks.push(c);
      }
      return checks;
    }
    case 'ListTables':
    case 'DescribeLimits':
    case 'DescribeEndpoints':
    case 'ListBackups':
    case 'ListGlobalTables':
    case 'ListExports':
    case 'ListImports':
      return [{ action: `dynamodb:${operation}`, resource: '*' }];
    default: {
      const ctx: ContextMap = {};
      const tags = Array.isArray(input.Tags) ? (input.Tags as Array<{ Key?: unknown; Value?: unknown }>) : [];
      for (const t of tags) if (typeof t?.Key === 'string' && typeof t.Value === 'string') ctx[`aws:RequestTag/${t.Key}`] = t.Value;
      if (tags.length) ctx['aws:TagKeys'] = tags.map((t) => String(t?.Key));
      if (typeof input.TableName === 'string') return [{ action: `dynamodb:${operation}`, resource: arn(input.TableName), context: ctx }];
      if (typeof input.ResourceArn === 'string') return [{ action: `dynamodb:${operation}`, resource: input.ResourceArn, context: ctx }];
      return undefined;
    }
  }
}
