/**
 * The awsJson1_1 protocol (Cognito Identity, Cognito user pools): JSON request bodies, JSON
 * responses with epoch-second timestamps, and `{"__type","message"}` errors (aws-surface.md §1, §2.1).
 *
 * Parsing is strict where `JSON.parse` is lenient: duplicate member names (security.md J21/A08 —
 * `JSON.parse` keeps the last, so two readers of one body could disagree), nesting deeper than
 * MAX_JSON_DEPTH, a top level that is not an object, and invalid UTF-8 are all
 * `SerializationException` (400), never a 5xx.
 */
import type { MemberRef, ServiceModel, ShapeModel } from '../models/types.js';
import { ServiceError } from '../errors/index.js';
import { getOperation, getShape } from './model.js';
import { toDate } from './timestamps.js';
import { parseStrictJson, StrictJsonError } from '../json/strict-json.js';

export const MAX_JSON_DEPTH = 64;
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

function serializationError(message: string, check: string, detail?: string): ServiceError {
  return new ServiceError('SerializationException', message, { reason: detail === undefined ? { check } : { check, detail } });
}

// ---- request body --------------------------------------------------------------------------------

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a request body into a plain object. An empty (or all-whitespace) body is `{}`: the
 * operation simply has no input members set.
 */
export function parseJsonBody(body: Buffer | string, maxDepth: number = MAX_JSON_DEPTH): Record<string, unknown> {
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    try {
      text = utf8.decode(body);
    } catch (cause) {
      throw new ServiceError('SerializationException', 'The request body is not valid UTF-8.', { reason: { check: 'json.utf8' }, cause });
    }
  }
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = parseStrictJson(text, maxDepth);
  } catch (cause) {
    if (!(cause instanceof StrictJsonError)) throw cause;
    if (cause.kind === 'duplicate-member') {
      const name = cause.member ?? '';
      throw serializationError(`Duplicate member name '${name.length > 100 ? `${name.slice(0, 100)}...` : name}' in the request body.`, 'json.duplicate-member', name);
    }
    if (cause.kind === 'depth') throw serializationError(`The request body nests deeper than ${maxDepth} levels.`, 'json.depth');
    throw serializationError(`The request body is not valid JSON: ${cause.message}.`, 'json.syntax', cause.message);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw serializationError('Start of structure or map expected: the request body must be a JSON object.', 'json.top-level');
  }
  return value as Record<string, unknown>;
}


// ---- value → input -------------------------------------------------------------------------------

/**
 * Checks the parsed body against the input shape and converts it: timestamps (epoch seconds) to
 * Date, blobs (base64) to Buffer. Members the model does not define are dropped (AWS ignores
 * them); JSON `null` is "not set". A value of the wrong JSON type → SerializationException, with
 * the wording of AWS's JSON deserialiser where known ("Start of structure or map found where not
 * expected.").
 */
export function decodeJsonInput(model: ServiceModel, operationName: string, value: unknown): Record<string, unknown> {
  const op = getOperation(model, operationName);
  if (!op.input) return {};
  return decodeStructure(model, getShape(model, op.input), value ?? {}, '');
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'Start of list';
  if (typeof v === 'object' && v !== null) return 'Start of structure or map';
  if (typeof v === 'string') return 'STRING_VALUE';
  if (typeof v === 'number') return 'NUMBER_VALUE';
  if (typeof v === 'boolean') return 'BOOLEAN_VALUE';
  return 'VALUE';
}

function wrongType(v: unknown, target: string, path: string): ServiceError {
  const kind = jsonKind(v);
  const message = kind.startsWith('Start of') ? `${kind} found where not expected.` : `${kind} can not be converted to ${target}`;
  return serializationError(message, 'json.type', `${path || '(body)'}: expected ${target}`);
}

function decodeStructure(model: ServiceModel, shape: ShapeModel, value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw wrongType(value, 'a Structure', path);
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    if (!Object.hasOwn(obj, name)) continue;
    const v = obj[name];
    if (v === null || v === undefined) continue;
    out[name] = decodeValue(model, ref, v, path === '' ? name : `${path}.${name}`);
  }
  return out;
}

function decodeValue(model: ServiceModel, ref: MemberRef, v: unknown, path: string): unknown {
  const shape = getShape(model, ref.shape);
  if (shape.document) return v;
  switch (shape.type) {
    case 'structure':
      return decodeStructure(model, shape, v, path);
    case 'list': {
      if (!Array.isArray(v)) throw wrongType(v, 'a List', path);
      return v.map((item, i) => {
        if (item === null) throw serializationError('Null values are not allowed in lists.', 'json.null-in-list', `${path}[${i}]`);
        return decodeValue(model, shape.member!, item, `${path}[${i}]`);
      });
    }
    case 'map': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw wrongType(v, 'a Map', path);
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        if (item === null) continue;
        // defineProperty, not assignment: a key named `__proto__` must stay an ordinary entry.
        Object.defineProperty(out, k, {
          value: decodeValue(model, shape.value!, item, `${path}.${k}`),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case 'string':
      if (typeof v !== 'string') throw wrongType(v, 'a String', path);
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw wrongType(v, 'a Boolean', path);
      return v;
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw wrongType(v, 'an Integer', path);
      return v;
    case 'long':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw wrongType(v, 'a Long', path);
      return v;
    case 'float':
    case 'double':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw wrongType(v, 'a Double', path);
      return v;
    case 'timestamp': {
      // awsJson1_1 timestamps are epoch seconds, possibly fractional (aws-surface.md §1).
      if (typeof v !== 'number' || !Number.isFinite(v)) throw wrongType(v, 'a Timestamp', path);
      const d = new Date(v * 1000);
      if (Number.isNaN(d.getTime())) throw wrongType(v, 'a Timestamp', path);
      return d;
    }
    case 'blob':
      if (typeof v !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v)) {
        throw wrongType(v, 'a Blob', path);
      }
      return Buffer.from(v, 'base64');
  }
}

// ---- responses -----------------------------------------------------------------------------------

/**
 * The output structure as JSON: members the model does not define are dropped (no internal field
 * can leak), undefined/null members are omitted, timestamps become epoch seconds, blobs base64.
 */
export function renderJsonResponse(model: ServiceModel, operationName: string, output: unknown): string {
  const op = getOperation(model, operationName);
  if (!op.output) return '{}';
  return JSON.stringify(encodeStructure(model, getShape(model, op.output), output ?? {}, operationName));
}

function encodeStructure(model: ServiceModel, shape: ShapeModel, value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${path}: expected an object for a structure`);
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const v = Object.hasOwn(obj, name) ? obj[name] : undefined;
    if (v === undefined || v === null) continue;
    out[name] = encodeValue(model, ref, v, `${path}.${name}`);
  }
  return out;
}

function encodeValue(model: ServiceModel, ref: MemberRef, v: unknown, path: string): unknown {
  const shape = getShape(model, ref.shape);
  if (shape.document) return v;
  switch (shape.type) {
    case 'structure':
      return encodeStructure(model, shape, v, path);
    case 'list':
      if (!Array.isArray(v)) throw new TypeError(`${path}: expected an array for a list`);
      return v.map((item, i) => encodeValue(model, shape.member!, item, `${path}[${i}]`));
    case 'map': {
      if (typeof v !== 'object' || v === null) throw new TypeError(`${path}: expected an object for a map`);
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        if (item === undefined || item === null) continue;
        Object.defineProperty(out, k, { value: encodeValue(model, shape.value!, item, `${path}.${k}`), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'timestamp':
      return toDate(v, path).getTime() / 1000;
    case 'blob':
      if (!(v instanceof Uint8Array)) throw new TypeError(`${path}: expected bytes for a blob`);
      return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
    case 'string':
      if (typeof v !== 'string') throw new TypeError(`${path}: expected a string`);
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw new TypeError(`${path}: expected a boolean`);
      return v;
    default:
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${path}: expected a finite number`);
      return v;
  }
}

// ---- errors --------------------------------------------------------------------------------------

/** Longest `x-amzn-ErrorMessage` header value; the full text is always in the body. */
export const MAX_ERROR_HEADER = 1024;

/**
 * `{"__type":"<Code>","message":"<text>"}` plus `x-amzn-ErrorType: <Code>:` (trailing colon as
 * captured from real Cognito, aws-surface.md §2.1) and `x-amzn-ErrorMessage`. Every client parses
 * the body's `__type` first; the headers are for tools that only look at headers.
 */
export function renderJsonError(err: ServiceError): { body: string; headers: Record<string, string> } {
  return {
    body: JSON.stringify({ __type: err.code, message: err.message }),
    headers: {
      'content-type': JSON_CONTENT_TYPE,
      'x-amzn-ErrorType': `${err.code}:`,
      'x-amzn-ErrorMessage': headerSafe(err.message),
    },
  };
}

/**
 * A header value Node will send and no client can misparse (RFC 9110 §5.5: field values are
 * visible ASCII, SP and HTAB; CR/LF would split the header). CR/LF and other controls become a
 * space; non-ASCII characters are percent-encoded as UTF-8 (and so is `%`, keeping it reversible).
 */
export function headerSafe(text: string, max: number = MAX_ERROR_HEADER): string {
  const cleaned = text.replace(/[\u0000-\u001F\u007F]/g, ' ').replace(/[%\u0080-\uFFFF]+/g, (run) => {
    // encodeURIComponent throws on lone surrogates; replace them first.
    return encodeURIComponent(run.replace(/[\uD800-\uDFFF]/gu, '\uFFFD'));
  });
  if (cleaned.length <= max) return cleaned;
  // Do not cut a %XX escape in half.
  let cut = max;
  const pct = cleaned.lastIndexOf('%', cut - 1);
  if (pct !== -1 && pct > cut - 3) cut = pct;
  return cleaned.slice(0, cut);
}
