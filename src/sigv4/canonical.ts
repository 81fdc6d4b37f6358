/**
 * The canonical request and the string to sign, exactly as AWS "Create a canonical request for
 * Signature Version 4" and "Create a string to sign" lay them out:
 *
 *   METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n \n SignedHeaders \n HashedPayload
 *   AWS4-HMAC-SHA256 \n X-Amz-Date \n Scope \n hex(SHA256(CanonicalRequest))
 */
import { createHash } from 'node:crypto';
import { canonicalPath, canonicalQuery, type QueryParam } from './encoding.js';
import { canonicalHeaderValue, type HeaderMap } from './headers.js';
import { ALGORITHM } from './parse.js';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface CanonicalRequestInput {
  method: string;
  path: string;
  query: readonly QueryParam[];
  /** Query parameter left out of the canonical query (X-Amz-Signature when presigned). */
  excludeQuery?: string;
  headers: HeaderMap;
  signedHeaders: readonly string[];
  payloadHash: string;
  /** S3: the path is used as sent (no dot-segment removal, no second encoding). */
  rawPath?: boolean;
}

export function buildCanonicalRequest(input: CanonicalRequestInput): string {
  // A signed header that is absent canonicalises as an empty value; the signature then
  // disagrees unless the client signed that same absence.
  const headerLines = input.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(input.headers.get(name) ?? [])}\n`).join('');
  return [
    input.method,
    input.rawPath ? input.path : canonicalPath(input.path),
    canonicalQuery(input.query, input.excludeQuery),
    headerLines,
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

export function buildStringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}
