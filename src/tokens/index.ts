/**
 * tokens/ verifies tokens that arrive from outside: third-party OpenID Connect ID tokens (oidc.ts)
 * checked against an IAM OIDC provider's JWKS, fetched over bounded, pinned HTTPS (fetch.ts) and
 * cached per issuer (jwks-cache.ts); the social providers' tokens (social/); the identity pools'
 * Logins (logins/). It owns the one JWT decoder (jws.ts: strict decoding, JWS verification with
 * keys from configuration only, the per-instance JwtDecoder and its memo; base64url.ts, jwk.ts,
 * ../json/strict-json.ts), the one claims validator (claims.ts) and the refusals it raises (kinds
 * 'InvalidToken', 'ExpiredToken', 'IdpRejected', 'IdpCommunication'; the services map them to wire
 * codes). It does no storage or HTTP serving and never imports keys/ (design.md import boundaries).
 */
export { fetchJson, fetchDocument, thumbprintOf, FETCH_DEFAULTS, type FetchJson, type FetchJsonOptions, type FetchDocument, type FetchDocumentOptions } from './fetch.js';
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
export { verifyCompactJws, decodeCompactJws, createJwtDecoder, MAX_TOKEN_LENGTH, type JwtDecoder, type KeyResolver, type JwsOptions, type VerifiedJws } from './jws.js';
export { validateClaims, checkIssuer, checkLifetime, checkSubject, matchAudience, type AudienceRule, type ClaimRules } from './claims.js';
export { parseJwk, parseJwks, ALLOWED_ALGS, type VerificationKey, type JwsAlg } from './jwk.js';
export { decodeBase64Url, encodeBase64Url } from './base64url.js';
export { parseStrictJson, StrictJsonError } from '../json/strict-json.js';
