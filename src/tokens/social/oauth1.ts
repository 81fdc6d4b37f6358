/**
 * OAuth 1.0a request signing with HMAC-SHA1 (RFC 5849 §3.4–3.5), for Twitter's
 * verify_credentials. Written with node:crypto: the signature base string is the method, the base
 * URL and the sorted, percent-encoded parameters (query and oauth_*), the key is
 * `consumerSecret&tokenSecret`, and the parameters go in an `Authorization: OAuth …` header.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** RFC 5849 §3.6: RFC 3986 unreserved characters stay, everything else is %XX (upper case). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

/** RFC 5849 §3.4.1: the signature base string of a request to `url` (query included) with `oauth` parameters. */
export function signatureBaseString(method: string, url: string, oauth: Record<string, string>): string {
  const u = new URL(url);
  const params: Array<[string, string]> = [...u.searchParams.entries(), ...Object.entries(oauth)].map(([k, v]) => [percentEncode(k), percentEncode(v)]);
  params.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const normalized = params.map(([k, v]) => `${k}=${v}`).join('&');
  // §3.4.1.2: scheme and host lower case, default port omitted, no query or fragment.
  const baseUri = `${u.protocol}//${u.host.toLowerCase()}${u.pathname}`;
  return `${method.toUpperCase()}&${percentEncode(baseUri)}&${percentEncode(normalized)}`;
}

export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac('sha1', `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`).update(baseString).digest('base64');
}

/** The Authorization header value for a GET of `url` signed with `credentials` at `timestamp` (epoch seconds). */
export function oauth1Authorization(method: string, url: string, credentials: OAuth1Credentials, timestamp: number, nonce: string = randomBytes(16).toString('hex')): string {
  const oauth: Record<string, string> = {
    oauth_consumer_key: credentials.consumerKey,
    oauth_nonce: nonce,
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(timestamp),
    oauth_token: credentials.token,
    oauth_version: '1.0',
  };
  const signature = hmacSha1Signature(signatureBaseString(method, url, oauth), credentials.consumerSecret, credentials.tokenSecret);
  const header = { ...oauth, oauth_signature: signature };
  return `OAuth ${Object.entries(header).map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`).join(', ')}`;
}
