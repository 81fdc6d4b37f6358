/**
 * Signs one request with SigV4 (header form, payload hashed): what Tessera's own clients send
 * to its SigV4-signed admin API (`tessera doctor`). The same canonical request and string to
 * sign as the verifier (canonical.ts), so the two cannot drift apart.
 */
import { createHmac } from 'node:crypto';
import { buildCanonicalRequest, buildStringToSign, sha256Hex } from './canonical.js';
import { parseQuery } from './encoding.js';
import { deriveSigningKey } from './signing-key.js';
import { formatAmzDate } from './time.js';

export interface SignInput {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
  service: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  now: Date;
}

/** The headers to send: the given ones plus host, x-amz-date, x-amz-content-sha256, the session token and Authorization. */
export function signRequest(input: SignInput): Record<string, string> {
  const amzDate = formatAmzDate(input.now);
  const payloadHash = sha256Hex(input.body);
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v])),
    host: input.url.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': payloadHash,
    ...(input.credentials.sessionToken ? { 'x-amz-security-token': input.credentials.sessionToken } : {}),
  };
  const signedHeaders = Object.keys(headers).sort();
  const canonical = buildCanonicalRequest({
    method: input.method,
    path: input.url.pathname,
    query: parseQuery(input.url.search.replace(/^\?/, '')),
    headers: new Map(signedHeaders.map((h) => [h, [headers[h]!]])),
    signedHeaders,
    payloadHash,
  });
  const scope = `${amzDate.slice(0, 8)}/${input.region}/${input.service}/aws4_request`;
  const key = deriveSigningKey(input.credentials.secretAccessKey, amzDate.slice(0, 8), input.region, input.service);
  const signature = createHmac('sha256', key).update(buildStringToSign(amzDate, scope, canonical), 'utf8').digest('hex');
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}` };
}
