/**
 * sigv4/ owns AWS Signature Version 4 request verification for every signed Tessera API
 * (IAM, STS, Cognito Identity, Cognito user pools): parsing the Authorization header or a
 * presigned query string, building the canonical request and string to sign (non-S3 rules:
 * dot-segment removal and double URI encoding of the path, RFC 3986 query canonicalisation),
 * deriving and caching signing keys, the ±15-minute window and presigned expiry, and refusing
 * with a `Refusal` whose `kind` the calling service maps to its own wire code. It does not
 * know where secrets live: the caller's `lookup` resolves access keys and session tokens.
 */
export type { SignedRequest, CredentialLookupResult, VerifyOptions, VerifiedRequest } from './types.js';
export { DEFAULT_SERVICES } from './types.js';
export { hasSignature, verifySigV4 } from './verify.js';
export { SigningKeyCache, defaultSigningKeyCache, deriveSigningKey } from './signing-key.js';
export { buildCanonicalRequest, buildStringToSign, sha256Hex, EMPTY_SHA256 } from './canonical.js';
export { canonicalPath, canonicalQuery, parseQuery, uriEncodeBytes, percentDecode } from './encoding.js';
export { parseAmzDate, formatAmzDate } from './time.js';
export type { SigV4RefusalKind } from './refusals.js';
export { MAX_PRESIGN_EXPIRES } from './parse.js';
export {
  createChunkDecoder,
  createPayloadHashCheck,
  MAX_CHUNK_BYTES,
  STREAMING_SIGNED,
  STREAMING_SIGNED_TRAILER,
  STREAMING_UNSIGNED_TRAILER,
  UNSIGNED_PAYLOAD,
  type ChunkDecoderOptions,
} from './chunked.js';
export { signRequest, type SignInput } from './sign.js';
