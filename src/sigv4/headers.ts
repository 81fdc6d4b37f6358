/**
 * Header collection and canonical header values (SigV4 "canonical headers": lower-case names,
 * values trimmed with sequential spaces collapsed, repeated headers joined with `,` in the order
 * received — SigV4 test suite `get-header-key-duplicate`, `get-header-value-trim`,
 * `get-header-value-multiline`).
 */

/** Lower-case header name → every value received, in order. */
export type HeaderMap = Map<string, string[]>;

/**
 * Headers that must appear at most once: a second Host or Authorization line makes the request
 * ambiguous (security.md V05, V10) — a proxy and the verifier could each read a different one.
 */
export const SINGLETON_HEADERS: readonly string[] = [
  'host',
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
];

export function collectHeaders(headers: Record<string, string | string[] | undefined>, rawHeaders?: string[]): HeaderMap {
  const map: HeaderMap = new Map();
  const add = (name: string, value: string) => {
    const key = name.toLowerCase();
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  if (rawHeaders) {
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) add(rawHeaders[i], rawHeaders[i + 1]);
    return map;
  }
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) add(name, v);
    else add(name, value);
  }
  return map;
}

/** The single value of a header, or undefined. Callers check SINGLETON_HEADERS first. */
export function headerValue(map: HeaderMap, name: string): string | undefined {
  const values = map.get(name);
  return values === undefined ? undefined : values[0];
}

/**
 * Line breaks become spaces, runs of spaces/tabs collapse to one, ends are trimmed (the same
 * normalisation as @smithy/signature-v4 `getCanonicalHeaders`); duplicates join with `,`.
 */
export function canonicalHeaderValue(values: readonly string[]): string {
  return values
    .map((v) => v.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, ''))
    .join(',');
}
