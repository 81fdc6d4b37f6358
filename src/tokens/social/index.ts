/**
 * tokens/social/ verifies the tokens of the social identity providers (Google, Apple, Facebook,
 * Login with Amazon, Twitter): one SocialVerifier per provider behind one interface (types.ts),
 * built per Tessera instance by createSocialVerifiers (no state is shared between instances).
 * Outbound calls go through the bounded fetch of src/tokens/fetch.ts; introspection answers are
 * cached (introspection-cache.ts). No storage, no HTTP serving.
 */
import { FETCH_DEFAULTS, fetchJson as defaultFetchJson, type FetchJson } from '../fetch.js';
import type { OidcVerifier } from '../oidc.js';
import { createAmazonVerifier } from './amazon.js';
import { createFacebookVerifier } from './facebook.js';
import { createIntrospectionCache, type IntrospectionCache } from './introspection-cache.js';
import { createJwtProviderVerifier } from './jwt-providers.js';
import { createTwitterVerifier } from './twitter.js';
import type { SocialKey, SocialVerifier } from './types.js';

export { DEFAULT_PROVIDER_ENDPOINTS, SOCIAL_KEYS, isSocialKey, type SocialIdentity, type SocialKey, type SocialVerifier } from './types.js';
export { INTROSPECTION_CACHE_DEFAULTS, createIntrospectionCache, type IntrospectionCache } from './introspection-cache.js';
export { oauth1Authorization, percentEncode, signatureBaseString, hmacSha1Signature } from './oauth1.js';

export interface SocialVerifierOptions {
  clock: () => Date;
  /** The ID-token verifier (with its JWKS cache and decoder) Google and Apple tokens go through. */
  oidc: OidcVerifier;
  /** `Logins` key → base URL overrides (--provider-endpoint). */
  endpoints?: Readonly<Record<string, string>>;
  fetchJson?: FetchJson;
  /** Deadline of each outbound call (default 5000 ms). */
  timeoutMs?: number;
  /** Largest answer accepted (default 512 KiB). */
  maxBytes?: number;
  cache?: IntrospectionCache;
  /**
   * SHA-1 thumbprints (IAM form) of certificates to trust, besides the system store, for the
   * overridden endpoints only (`endpoints` keys): the development identity providers' self-signed
   * certificate (--demo / --dev-idps). Per instance; nothing is set process-wide.
   */
  thumbprints?: readonly string[];
}

export type SocialVerifiers = Readonly<Record<SocialKey, SocialVerifier>> & { readonly cache: IntrospectionCache };

export function createSocialVerifiers(options: SocialVerifierOptions): SocialVerifiers {
  const endpoints = options.endpoints ?? {};
  const fetchJson = options.fetchJson ?? defaultFetchJson;
  const cache = options.cache ?? createIntrospectionCache({ clock: options.clock });
  const fetchOptions = { timeoutMs: options.timeoutMs ?? FETCH_DEFAULTS.timeoutMs, maxBytes: options.maxBytes ?? FETCH_DEFAULTS.maxBytes };
  const trusted = (key: SocialKey): readonly string[] => (endpoints[key] !== undefined ? (options.thumbprints ?? []) : []);
  const http = (key: SocialKey) => ({ fetchJson, endpoints, cache, fetchOptions: trusted(key).length ? { ...fetchOptions, thumbprints: trusted(key) } : fetchOptions, clock: options.clock });
  return {
    'accounts.google.com': createJwtProviderVerifier('accounts.google.com', { oidc: options.oidc, endpoints, thumbprints: trusted('accounts.google.com') }),
    'appleid.apple.com': createJwtProviderVerifier('appleid.apple.com', { oidc: options.oidc, endpoints, thumbprints: trusted('appleid.apple.com') }),
    'graph.facebook.com': createFacebookVerifier(http('graph.facebook.com')),
    'www.amazon.com': createAmazonVerifier(http('www.amazon.com')),
    'api.twitter.com': createTwitterVerifier(http('api.twitter.com')),
    cache,
  };
}
