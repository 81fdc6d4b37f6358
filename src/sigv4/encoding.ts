/**
 * URI encoding for the canonical request (SigV4 "Create a canonical request": "URI-encode each
 * byte… do not encode unreserved characters A-Z a-z 0-9 - _ . ~; percent-encode all others as
 * %XY with upper-case hex; encode space as %20, never +").
 *
 * Work is done on bytes, not on JS strings, so malformed escapes (`%zz`) and escapes that are
 * not valid UTF-8 (`%FF`) canonicalise deterministically instead of throwing.
 */

const UNRESERVED = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~') UNRESERVED[c.charCodeAt(0)] = 1;
const SLASH = 0x2f;
const HEX = '0123456789ABCDEF';

/** RFC 3986 percent-encoding of every byte outside the unreserved set (optionally keeping `/`). */
export function uriEncodeBytes(bytes: Uint8Array, keepSlash = false): string {
  let out = '';
  for (const b of bytes) {
    if (UNRESERVED[b] === 1 || (keepSlash && b === SLASH)) out += String.fromCharCode(b);
    else out += '%' + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Percent-decode to bytes. A `%` not followed by two hex digits stays a literal `%`. With
 * `plusAsSpace`, `+` is a space (application/x-www-form-urlencoded, the way AWS reads query
 * strings: aws-sdk-go v1 sends spaces as `+` and signs them as `%20`).
 */
export function percentDecode(raw: string, plusAsSpace: boolean): Buffer {
  if (!raw.includes('%') && !(plusAsSpace && raw.includes('+'))) return Buffer.from(raw, 'utf8');
  const chunks: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    let byte = -1;
    let width = 1;
    if (c === 0x25 && i + 2 < raw.length) {
      const hi = hexValue(raw.charCodeAt(i + 1));
      const lo = hexValue(raw.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        byte = (hi << 4) | lo;
        width = 3;
      }
    } else if (c === 0x2b && plusAsSpace) {
      byte = 0x20;
    }
    if (byte < 0) continue;
    if (i > start) chunks.push(Buffer.from(raw.slice(start, i), 'utf8'));
    chunks.push(Buffer.of(byte));
    i += width - 1;
    start = i + 1;
  }
  if (start < raw.length) chunks.push(Buffer.from(raw.slice(start), 'utf8'));
  return Buffer.concat(chunks);
}

/**
 * Canonical URI for every service but S3: RFC 3986 §5.2.4 dot-segment removal (empty segments
 * dropped too, as the SigV4 suite's `normalize-path/get-slashes` expects), then the path as
 * received (already percent-encoded once by the client) is encoded once more — the "double
 * encoding" of the SigV4 docs, mirroring @smithy/signature-v4 `getCanonicalPath`.
 */
export function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  const normalized = '/' + segments.join('/') + trailing;
  return uriEncodeBytes(Buffer.from(normalized, 'utf8'), true);
}

/** One `name=value` pair of the query string, decoded and canonically re-encoded. */
export interface QueryParam {
  /** Decoded name (UTF-8; invalid sequences become U+FFFD), for reading auth parameters. */
  name: string;
  value: string;
  /** Canonical (RFC 3986) encodings, for the canonical query string. */
  encodedName: string;
  encodedValue: string;
}

/** Split a raw query string into parameters; `a` without `=` is `a` with an empty value. */
export function parseQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (rawQuery === '') return params;
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const rawName = eq < 0 ? piece : piece.slice(0, eq);
    const rawValue = eq < 0 ? '' : piece.slice(eq + 1);
    const nameBytes = percentDecode(rawName, true);
    const valueBytes = percentDecode(rawValue, true);
    params.push({
      name: nameBytes.toString('utf8'),
      value: valueBytes.toString('utf8'),
      encodedName: uriEncodeBytes(nameBytes),
      encodedValue: uriEncodeBytes(valueBytes),
    });
  }
  return params;
}

/**
 * Canonical query string: encoded pairs sorted by name then value (byte order; encoded strings
 * are ASCII so code-unit order is byte order), joined with `&`. `exclude` drops a parameter by
 * decoded name (X-Amz-Signature for presigned requests).
 */
export function canonicalQuery(params: readonly QueryParam[], exclude?: string): string {
  const pairs: Array<[string, string]> = [];
  for (const p of params) if (p.name !== exclude) pairs.push([p.encodedName, p.encodedValue]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}
