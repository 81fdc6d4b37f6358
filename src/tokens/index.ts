/**
 * tokens/ verifies tokens that arrive from outside: today third-party OpenID Connect ID tokens
 * (oidc.ts) checked against an IAM OIDC provider's JWKS, fetched over bounded, pinned HTTPS
 * (fetch.ts) and cached per issuer (jwks-cache.ts). It owns strict decoding (base64url.ts,
 * ../json/strict-json.ts), JWS verification with keys from configuration only (jws.ts, jwk.ts) and the
 * refusals it raises (kinds 'InvalidToken', 'ExpiredToken', 'IdpCommunication'; the services
 * map them to wire codes). It does no storage or HTTP serving (design.md import boundaries).
 */
export { fetchJson, thumbprintOf, FETCH_DEFAULTS, type FetchJson, type FetchJsonOptions } from './fetch.js';
export { createJwksCache, discoveryUrl, JWKS_CACHE_DEFAULTS, type JwksCache, type JwksCacheOptions, type KeySnapshot } from './jwks-cache.js';
export {
  createOidcVerifier,
  decodeUnverified,
  DEFAULT_CLOCK_SKEW_SECONDS,
  type OidcProvider,
  type OidcVerifier,
  type OidcVerifyOptions,
  type VerifiedToken,
} from './oidc.js';
export { verifyCompactJws, decodeCompactJws, MAX_TOKEN_LENGTH, type KeyResolver, type JwsOptions, type VerifiedJws } from './jws.js';
export { parseJwk, parseJwks, ALLOWED_ALGS, type VerificationKey, type JwsAlg } from './jwk.js';
export { decodeBase64Url, encodeBase64Url } from './base64url.js';
export { parseStrictJson, StrictJsonError } from '../json/strict-json.js';
