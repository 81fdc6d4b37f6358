/**
 * The awsQuery protocol (IAM, STS): form-encoded requests, XML responses and errors.
 *
 * Request encoding (botocore `QuerySerializer`; aws-surface.md §1): scalars `Name=value`; lists
 * `Name.member.N` (1-based; `Name.N` when flattened; `Name=` alone is an empty list); maps
 * `Name.entry.N.key` / `Name.entry.N.value`; nested structures `Outer.Inner`; `locationName`
 * replaces the member name where the model sets one. Unknown parameters (including `Action`,
 * `Version` and presigned-URL `X-Amz-*` fields) are ignored, as AWS does.
 *
 * Response encoding (aws-surface.md §1 "Query-protocol success body", §2.2): members in model order,
 * lists as `<member>`, maps as `<entry><key/><value/></entry>`, timestamps ISO 8601 UTC, booleans
 * `true`/`false`.
 */
import type { MemberRef, ServiceModel, ShapeModel } from '../models/types.js';
import { ServiceError } from '../errors/index.js';
import { getOperation, getShape, messageName, wireName } from './model.js';
import { escapeXml } from './xml.js';
import { isoTimestamp, toDate } from './timestamps.js';
import { ownString } from '../json/own-string.js';

// ---- request body ------------------------------------------------------------------------------

/**
 * Parses an `application/x-www-form-urlencoded` body (WHATWG URL §5.1: `+` is a space, `%XX`
 * bytes are UTF-8). Malformed percent-escapes or invalid UTF-8 → `MalformedQueryString`.
 *
 * A parameter named twice is refused with `ValidationError` (security.md A08): SigV4 signs both
 * copies, so silently keeping one would let the value the handler sees differ from the one an
 * intermediary inspected (parameter pollution). AWS documents no code for this; `ValidationError`
 * is what the query services use for every other malformed input.
 */
/** Limits on form bodies: far above any real IAM/STS request, far below what costs real CPU. */
export const MAX_QUERY_PARAMETERS = 1000;
export const MAX_QUERY_NAME_LENGTH = 256;
export const MAX_QUERY_NAME_DEPTH = 8;

function tooLongName(name: string): ServiceError {
  return new ServiceError('ValidationError', `Parameter name '${truncate(name)}' is longer than ${MAX_QUERY_NAME_LENGTH} characters.`, {
    reason: { check: 'query.parameter-name-length', expected: `<= ${MAX_QUERY_NAME_LENGTH}`, actual: name.length },
  });
}

export function parseQueryBody(body: string): Map<string, string> {
  const params = new Map<string, string>();
  if (body === '') return params;
  // Bounded before anything is built (security.md invariant 4): the largest real input is about
  // 200 parameters (AssumeRole with 50 tags and 50 transitive keys), with short, shallow names.
  // Counting '&' first keeps a 10 MB body of tiny pairs from costing seconds of CPU.
  let pairs = 1;
  for (let i = body.indexOf('&'); i !== -1; i = body.indexOf('&', i + 1)) {
    if (++pairs > MAX_QUERY_PARAMETERS) {
      throw new ServiceError('ValidationError', `Request has more than ${MAX_QUERY_PARAMETERS} parameters.`, {
        reason: { check: 'query.parameter-count', expected: `<= ${MAX_QUERY_PARAMETERS}` },
      });
    }
  }
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    if (rawName.length > MAX_QUERY_NAME_LENGTH * 3) throw tooLongName(rawName);
    const name = formDecode(rawName);
    if (name.length > MAX_QUERY_NAME_LENGTH) throw tooLongName(name);
    let dots = 0;
    for (let i = name.indexOf('.'); i !== -1; i = name.indexOf('.', i + 1)) {
      if (++dots > MAX_QUERY_NAME_DEPTH) {
        throw new ServiceError('ValidationError', `Parameter name '${truncate(name)}' is nested too deeply.`, {
          reason: { check: 'query.parameter-depth', expected: `<= ${MAX_QUERY_NAME_DEPTH} dots`, actual: truncate(name) },
        });
      }
    }
    const value = eq === -1 ? '' : formDecode(pair.slice(eq + 1));
    if (params.has(name)) {
      throw new ServiceError('ValidationError', `Request contains duplicate parameter '${truncate(name)}'.`, {
        reason: { check: 'query.duplicate-parameter', actual: name },
      });
    }
    params.set(name, value);
  }
  return params;
}

function formDecode(s: string): string {
  const spaced = s.includes('+') ? s.replace(/\+/g, ' ') : s;
  // Unchanged, `s` is a slice of the whole body: a copy, so that a value kept after the request
  // (a memo's key) does not keep the body alive (src/json/own-string.ts).
  if (!spaced.includes('%')) return spaced === s ? ownString(s) : spaced;
  try {
    // decodeURIComponent rejects malformed escapes and invalid UTF-8 (ECMA-262 Decode, step 4.d).
    return decodeURIComponent(spaced);
  } catch (cause) {
    throw new ServiceError('MalformedQueryString', 'The request body is not valid form-urlencoded UTF-8.', {
      reason: { check: 'query.encoding', actual: truncate(s) },
      cause,
    });
  }
}

// ---- params → input ----------------------------------------------------------------------------

/** Parameter names split on `.` into a tree, so decoding is one pass however many lists there are. */
interface ParamNode {
  value?: string;
  children?: Map<string, ParamNode>;
}

function buildTree(params: Map<string, string>): ParamNode {
  const root: ParamNode = {};
  for (const [name, value] of params) {
    let node = root;
    for (const part of name.split('.')) {
      node.children ??= new Map();
      let next = node.children.get(part);
      if (!next) node.children.set(part, (next = {}));
      node = next;
    }
    node.value = value;
  }
  return root;
}

interface Where {
  /** Wire parameter name, for messages about the encoding itself. */
  param: string;
  /** AWS message path (`tags.1.member.key`), for messages about a value. */
  path: string;
}

/**
 * Turns flat query parameters into the operation's input structure, converting scalars to their
 * model types. Constraint checks (length, pattern, required…) are validate.ts's job; this only
 * refuses what cannot be decoded: non-numeric integers, bad booleans or timestamps, list indexes
 * that are not 1..N without gaps → `ValidationError`.
 */
export function decodeQueryInput(
  model: ServiceModel,
  operationName: string,
  params: Map<string, string>,
): Record<string, unknown> {
  const op = getOperation(model, operationName);
  if (!op.input) return {};
  return decodeStructure(model, getShape(model, op.input), buildTree(params), { param: '', path: '' });
}

function decodeStructure(model: ServiceModel, shape: ShapeModel, node: ParamNode, where: Where): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!node.children) return out;
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const wire = wireName(name, ref);
    const child = node.children.get(wire);
    if (!child) continue;
    const path = where.path === '' ? messageName(name) : `${where.path}.${messageName(name)}`;
    const param = where.param === '' ? wire : `${where.param}.${wire}`;
    const value = decodeValue(model, ref, child, { param, path });
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function decodeValue(model: ServiceModel, ref: MemberRef, node: ParamNode, where: Where): unknown {
  const shape = getShape(model, ref.shape);
  switch (shape.type) {
    case 'structure':
      return node.children ? decodeStructure(model, shape, node, where) : undefined;
    case 'list':
      return decodeList(model, ref, shape, node, where);
    case 'map':
      return decodeMap(model, ref, shape, node, where);
    default:
      return node.value === undefined ? undefined : decodeScalar(shape, ref, node.value, where);
  }
}

function decodeList(model: ServiceModel, ref: MemberRef, shape: ShapeModel, node: ParamNode, where: Where): unknown[] | undefined {
  const memberRef = shape.member!;
  const flattened = ref.flattened === true || shape.flattened === true;
  const itemName = memberRef.locationName ?? 'member';
  const container = flattened ? node : node.children?.get(itemName);
  if (!container?.children) return node.value === '' ? [] : undefined; // `Name=` is the empty list
  const param = flattened ? where.param : `${where.param}.${itemName}`;
  return indexed(container, param).map(([i, item]) => {
    const itemWhere = { param: `${param}.${i}`, path: `${where.path}.${i}.member` };
    const v = decodeValue(model, memberRef, item, itemWhere);
    if (v === undefined) throw decodeError(itemWhere, undefined, 'Member must not be null');
    return v;
  });
}

function decodeMap(model: ServiceModel, ref: MemberRef, shape: ShapeModel, node: ParamNode, where: Where): Record<string, unknown> | undefined {
  const flattened = ref.flattened === true || shape.flattened === true;
  const container = flattened ? node : node.children?.get('entry');
  if (!container?.children) return node.value === '' ? {} : undefined;
  const param = flattened ? where.param : `${where.param}.entry`;
  const keyName = shape.key!.locationName ?? 'key';
  const valueName = shape.value!.locationName ?? 'value';
  const out: Record<string, unknown> = {};
  for (const [i, entry] of indexed(container, param)) {
    const key = entry.children?.get(keyName)?.value;
    const entryWhere = { param: `${param}.${i}`, path: where.path };
    if (key === undefined) throw decodeError({ ...entryWhere, param: `${entryWhere.param}.${keyName}` }, undefined, 'Map keys must not be null');
    if (Object.hasOwn(out, key)) throw decodeError(entryWhere, key, 'Map keys must be unique');
    const valueNode = entry.children?.get(valueName);
    const v = valueNode ? decodeValue(model, shape.value!, valueNode, { param: `${entryWhere.param}.${valueName}`, path: `${where.path}.${key}` }) : undefined;
    if (v === undefined) throw decodeError(entryWhere, undefined, 'Map values must not be null');
    // defineProperty, not assignment: a key named `__proto__` must stay an ordinary entry.
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Children of a list/map container as [index, node], checked to be exactly 1..N. */
function indexed(container: ParamNode, param: string): Array<[number, ParamNode]> {
  const items: Array<[number, ParamNode]> = [];
  for (const [key, child] of container.children!) {
    if (!/^[1-9][0-9]{0,8}$/.test(key)) {
      throw new ServiceError('ValidationError', `Invalid list index '${truncate(key)}' in parameter '${truncate(`${param}.${key}`)}': indexes are 1-based decimal integers.`, {
        reason: { check: 'query.list-index', actual: `${param}.${key}` },
      });
    }
    items.push([Number(key), child]);
  }
  items.sort((a, b) => a[0] - b[0]);
  items.forEach(([i], pos) => {
    if (i !== pos + 1) {
      throw new ServiceError('ValidationError', `List parameter '${truncate(param)}' is missing index ${pos + 1}: indexes must run from 1 without gaps.`, {
        reason: { check: 'query.list-index', expected: pos + 1, actual: i },
      });
    }
  });
  return items;
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;
const DECIMAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
/** ISO 8601 / RFC 3339 date-time with seconds and an explicit zone (what botocore sends: `…T12:00:00Z`). */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function decodeScalar(shape: ShapeModel, ref: MemberRef, raw: string, where: Where): unknown {
  switch (shape.type) {
    case 'string':
      return raw;
    case 'integer':
    case 'long': {
      const n = INTEGER.test(raw) ? Number(raw) : NaN;
      const ok = shape.type === 'integer' ? n >= INT32_MIN && n <= INT32_MAX : Number.isSafeInteger(n);
      if (!ok) throw decodeError(where, raw, `Member must be ${shape.type === 'integer' ? 'an integer' : 'a long integer'}`);
      return n;
    }
    case 'float':
    case 'double': {
      const n = DECIMAL.test(raw) ? Number(raw) : NaN;
      if (!Number.isFinite(n)) throw decodeError(where, raw, 'Member must be a number');
      return n;
    }
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw decodeError(where, raw, 'Member must be true or false');
    case 'timestamp': {
      const format = ref.timestampFormat ?? shape.timestampFormat ?? 'iso8601';
      const d = format === 'unixTimestamp' ? (DECIMAL.test(raw) ? new Date(Number(raw) * 1000) : new Date(NaN)) : ISO_TIMESTAMP.test(raw) ? new Date(raw) : new Date(NaN);
      if (Number.isNaN(d.getTime())) throw decodeError(where, raw, 'Member must be an ISO 8601 timestamp');
      return d;
    }
    case 'blob':
      if (!BASE64.test(raw)) throw decodeError(where, raw, 'Member must be base64-encoded');
      return Buffer.from(raw, 'base64');
    default:
      return raw;
  }
}

function decodeError(where: Where, value: string | undefined, constraint: string): ServiceError {
  const shown = value === undefined ? 'Value null' : `Value '${truncate(value)}'`;
  return new ServiceError('ValidationError', `1 validation error detected: ${shown} at '${where.path}' failed to satisfy constraint: ${constraint}`, {
    reason: { check: 'query.decode', detail: where.param, expected: constraint },
  });
}

function truncate(s: string, max = 100): string {
  return s.length <= max ? s : `${s.slice(0, max)}...`;
}

// ---- responses ---------------------------------------------------------------------------------

/**
 * `<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></OpResponse>`.
 * Operations without an output shape still get the envelope and request id. Output members the
 * model does not define are not rendered, so a handler cannot leak internal fields.
 */
export function renderQueryResponse(model: ServiceModel, operationName: string, output: unknown, requestId: string): string {
  const op = getOperation(model, operationName);
  const xmlns = model.metadata.xmlNamespace ?? '';
  let result = '';
  if (op.output) {
    const wrapper = op.resultWrapper ?? `${operationName}Result`;
    result = `<${wrapper}>${renderMembers(model, getShape(model, op.output), output ?? {}, operationName)}</${wrapper}>`;
  }
  return (
    `<${operationName}Response xmlns="${escapeXml(xmlns)}">${result}` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${operationName}Response>`
  );
}

/** The awsQuery error envelope (aws-surface.md §2.2); `Type` is Sender for client faults, Receiver for server faults. */
export function renderQueryError(err: ServiceError, xmlns: string, requestId: string): string {
  const type = err.fault === 'server' ? 'Receiver' : 'Sender';
  return (
    `<ErrorResponse xmlns="${escapeXml(xmlns)}"><Error><Type>${type}</Type><Code>${escapeXml(err.code)}</Code>` +
    `<Message>${escapeXml(err.message)}</Message></Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}

function renderMembers(model: ServiceModel, shape: ShapeModel, value: unknown, path: string): string {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${path}: expected an object for a structure`);
  const obj = value as Record<string, unknown>;
  let xml = '';
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const v = Object.hasOwn(obj, name) ? obj[name] : undefined;
    if (v === undefined || v === null) continue;
    xml += renderMember(model, wireName(name, ref), ref, v, `${path}.${name}`);
  }
  return xml;
}

function renderMember(model: ServiceModel, element: string, ref: MemberRef, value: unknown, path: string): string {
  const shape = getShape(model, ref.shape);
  switch (shape.type) {
    case 'structure':
      return `<${element}>${renderMembers(model, shape, value, path)}</${element}>`;
    case 'list': {
      if (!Array.isArray(value)) throw new TypeError(`${path}: expected an array for a list`);
      const memberRef = shape.member!;
      if (ref.flattened || shape.flattened) {
        return value.map((item, i) => renderMember(model, element, memberRef, item, `${path}[${i}]`)).join('');
      }
      const itemName = memberRef.locationName ?? 'member';
      const items = value.map((item, i) => renderMember(model, itemName, memberRef, item, `${path}[${i}]`)).join('');
      return `<${element}>${items}</${element}>`;
    }
    case 'map': {
      if (typeof value !== 'object') throw new TypeError(`${path}: expected an object for a map`);
      const keyName = shape.key!.locationName ?? 'key';
      const valueName = shape.value!.locationName ?? 'value';
      let entries = '';
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined || v === null) continue;
        const inner = `<${keyName}>${escapeXml(k)}</${keyName}>${renderMember(model, valueName, shape.value!, v, `${path}.${k}`)}`;
        entries += ref.flattened || shape.flattened ? `<${element}>${inner}</${element}>` : `<entry>${inner}</entry>`;
      }
      return ref.flattened || shape.flattened ? entries : `<${element}>${entries}</${element}>`;
    }
    default:
      return `<${element}>${escapeXml(renderScalar(shape, ref, value, path))}</${element}>`;
  }
}

function renderScalar(shape: ShapeModel, ref: MemberRef, value: unknown, path: string): string {
  switch (shape.type) {
    case 'string':
      if (typeof value !== 'string') throw new TypeError(`${path}: expected a string`);
      return value;
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${path}: expected a finite number`);
      return String(value);
    case 'boolean':
      if (typeof value !== 'boolean') throw new TypeError(`${path}: expected a boolean`);
      return value ? 'true' : 'false';
    case 'timestamp': {
      const d = toDate(value, path);
      const format = ref.timestampFormat ?? shape.timestampFormat ?? 'iso8601';
      return format === 'unixTimestamp' ? String(d.getTime() / 1000) : isoTimestamp(d);
    }
    case 'blob':
      if (!(value instanceof Uint8Array)) throw new TypeError(`${path}: expected bytes for a blob`);
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    default:
      throw new TypeError(`${path}: cannot render shape type ${shape.type}`);
  }
}
