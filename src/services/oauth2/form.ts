/**
 * Parameters of OAuth requests. RFC 6749 §3.1/§3.2: "Request and response parameters MUST NOT
 * be included more than once", so a repeated parameter is an `invalid_request`, never "first
 * wins" (which would let a proxy and this server read different values).
 */
import { OAuthError } from './errors.js';

export type Params = Map<string, string>;

export function paramsFrom(search: URLSearchParams): Params {
  const out: Params = new Map();
  for (const [k, v] of search) {
    if (out.has(k)) throw new OAuthError('invalid_request', `Parameter ${k} is repeated`);
    out.set(k, v);
  }
  return out;
}

/** Query string of a request URL. */
export function queryParams(url: string): Params {
  const q = url.indexOf('?');
  return paramsFrom(new URLSearchParams(q < 0 ? '' : url.slice(q + 1)));
}

/** An `application/x-www-form-urlencoded` body (the HTTP server hands bodies over as Buffers). */
export function formParams(contentType: string | undefined, body: unknown): Params {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  }
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
  return paramsFrom(new URLSearchParams(text));
}
