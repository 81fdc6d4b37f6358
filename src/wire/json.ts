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
  scanJson(text, maxDepth);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    // scanJson accepts exactly RFC 8259 JSON, so this is unreachable unless the two disagree.
    throw new ServiceError('SerializationException', 'The request body is not valid JSON.', { reason: { check: 'json.syntax' }, cause });
  }
}

/**
 * One iterative pass over the text checking RFC 8259 syntax, nesting depth and duplicate member
 * names (compared after unescaping, so `"a"` and `"\u0061"` collide). Iterative on purpose: a
 * recursive checker is exactly what a `[[[[…` body would overflow.
 */
function scanJson(text: string, maxDepth: number): void {
  const len = text.length;
  let i = 0;
  // One entry per open container: the member names seen so far (object) or null (array).
  const stack: Array<Set<string> | null> = [];
  const fail = (what: string): never => {
    throw serializationError(`The request body is not valid JSON: ${what} at offset ${i}.`, 'json.syntax', what);
  };
  const ws = () => {
    while (i < len) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  /** Scans a string at text[i] === '"'; returns its decoded value when `decode` is set. */
  const str = (decode: boolean): string => {
    const start = i;
    let escaped = false;
    i++;
    for (;;) {
      if (i >= len) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        escaped = true;
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape');
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('bad escape');
        i += 2;
        continue;
      }
      i++;
    }
    i++; // closing quote
    if (!decode) return '';
    return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
  };
  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  const open = (names: Set<string> | null) => {
    stack.push(names);
    if (stack.length > maxDepth) {
      throw serializationError(`The request body nests deeper than ${maxDepth} levels.`, 'json.depth');
    }
    i++;
  };

  ws();
  if (text[i] !== '{') {
    throw serializationError('Start of structure or map expected: the request body must be a JSON object.', 'json.top-level');
  }
  let state: 'value' | 'key' | 'after' = 'value';
  for (;;) {
    ws();
    if (state === 'value') {
      const c = text[i];
      if (c === '{') {
        open(new Set());
        ws();
        if (text[i] === '}') {
          stack.pop();
          i++;
          state = 'after';
        } else state = 'key';
      } else if (c === '[') {
        open(null);
        ws();
        if (text[i] === ']') {
          stack.pop();
          i++;
          state = 'after';
        } else state = 'value';
      } else if (c === '"') {
        str(false);
        state = 'after';
      } else if (text.startsWith('true', i)) {
        i += 4;
        state = 'after';
      } else if (text.startsWith('false', i)) {
        i += 5;
        state = 'after';
      } else if (text.startsWith('null', i)) {
        i += 4;
        state = 'after';
      } else {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) fail('unexpected character');
        i = NUMBER.lastIndex;
        state = 'after';
      }
    } else if (state === 'key') {
      if (text[i] !== '"') fail('expected a member name');
      const name = str(true);
      const names = stack[stack.length - 1]!;
      if (names.has(name)) {
        throw serializationError(`Duplicate member name '${name.length > 100 ? `${name.slice(0, 100)}...` : name}' in the request body.`, 'json.duplicate-member', name);
      }
      names.add(name);
      ws();
      if (text[i] !== ':') fail("expected ':'");
      i++;
      state = 'value';
    } else {
      if (stack.length === 0) {
        if (i !== len) fail('unexpected data after the top-level object');
        return;
      }
      const top = stack[stack.length - 1];
      const c = text[i];
      if (c === ',') {
        i++;
        state = top ? 'key' : 'value';
      } else if (c === (top ? '}' : ']')) {
        stack.pop();
        i++;
      } else fail(top ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }
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
