/**
 * Verification of third-party OpenID Connect ID tokens for web-identity federation (STS
 * AssumeRoleWithWebIdentity, Cognito Identity Logins). The provider (issuer URL, client ids,
 * thumbprints) comes from configuration — an IAM OIDC provider — never from the token.
 *
 * Claims follow RFC 7519 §4.1, OpenID Connect Core 1.0 §2 / §3.1.3.7 and the AWS rules in
 * aws-surface.md §5.2 and Cognito's "open-id" page: iss is compared as an exact string (J15/J16),
 * `azp` when present must be a client id, and with audience mode 'azp-then-aud' it is the
 * audience (the `<provider>:aud` key = azp if present else aud, J18); exp, nbf and iat are
 * integers and are checked with AWS's five minutes of clock skew (J12–J14); sub is a non-empty
 * string of at most 255 characters (J19). The payload is parsed once, from the signed bytes, with
 * a duplicate-rejecting parser (invariant 2, J21).
 */
import { Refusal } from '../errors/index.js';
import { checkIssuer, validateClaims, DEFAULT_CLOCK_SKEW_SECONDS, MAX_SUBJECT_LENGTH } from './claims.js';
import type { FetchJson } from './fetch.js';
import { createJwksCache, type JwksCache } from './jwks-cache.js';
import { createJwtDecoder, decodeUnverified, type JwsOptions, type JwtDecoder } from './jws.js';

export { DEFAULT_CLOCK_SKEW_SECONDS, MAX_SUBJECT_LENGTH, decodeUnverified };

export interface OidcProvider {
  /** Exactly the `iss` the IdP puts in its tokens: 'https://host[:port][/path]'. */
  issuer: string;
  /** Further `iss` values the provider uses (Google: "accounts.google.com" beside its https form). */
  otherIssuers?: readonly string[];
  /** A fixed JWKS URL (Google, Apple): no discovery document is read. */
  jwksUri?: string;
  /** 'any': every audience (the caller's trust policy judges it). */
  clientIds: readonly string[] | 'any';
  /** IAM ThumbprintList: SHA-1 of a certificate in the JWKS host's chain (may be empty). */
  thumbprints: readonly string[];
}

export interface OidcVerifyOptions {
  audience: 'aud' | 'azp-then-aud';
  /** Whether a present azp must be a client id (default true; Google's azp names another client of the project). */
  checkAzp?: boolean;
  /** Default 300: IAM allows five minutes of skew (IAM user guide, OIDC federation). */
  clockSkewSeconds?: number;
  requireKid?: boolean;
  /** Narrows the accepted algorithms further (per-provider allow-list, J03). */
  algorithms?: readonly string[];
}

export interface VerifiedToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  issuer: string;
  subject: string;
  /** The client id that matched (azp or one of aud). */
  audience: string;
  /** The token's exp (epoch seconds). */
  expiresAt: number;
}

export interface OidcVerifier {
  verify(token: string, provider: OidcProvider, options: OidcVerifyOptions): Promise<VerifiedToken>;
  readonly cache: JwksCache;
  /** The decoder (and its memo) this verifier reads tokens with. */
  readonly decoder: JwtDecoder;
}

function checkProviderIssuer(issuer: string): void {
  let url: URL | undefined;
  try {
    url = new URL(issuer);
  } catch {
    url = undefined;
  }
  // IAM: the provider URL begins with https:// and has no query (N01); nor may it carry a fragment or credentials.
  if (!url || url.protocol !== 'https:' || url.search || url.hash || issuer.includes('?') || issuer.includes('#') || url.username || url.password) {
    throw new Refusal('IdpCommunication', 'provider issuer is not an https URL without query or fragment', {
      check: 'provider.issuer',
      expected: 'https://host[:port][/path]',
      actual: issuer,
    });
  }
}

export function createOidcVerifier(deps: { clock: () => Date; fetchJson?: FetchJson; cache?: JwksCache; decoder?: JwtDecoder }): OidcVerifier {
  const cache =
    deps.cache ?? createJwksCache({ clock: deps.clock, ...(deps.fetchJson ? { fetchJson: deps.fetchJson } : {}) });
  const decoder = deps.decoder ?? createJwtDecoder();

  async function verify(token: string, provider: OidcProvider, options: OidcVerifyOptions): Promise<VerifiedToken> {
    const jwsOptions: JwsOptions = {
      ...(options.requireKid ? { requireKid: true } : {}),
      ...(options.algorithms ? { algorithms: options.algorithms } : {}),
    };
    const decoded = decoder.decode(token, jwsOptions);
    const claims = decoder.claims(decoded);

    // iss first: a token of another issuer never causes an outbound fetch (J15/J16).
    if (provider.jwksUri === undefined) checkProviderIssuer(provider.issuer);
    checkIssuer(claims, provider.otherIssuers ? [provider.issuer, ...provider.otherIssuers] : provider.issuer);

    const verified = await decoder.verify(token, decoded, {
      current: async () => (await cache.get(provider.issuer, provider.thumbprints, provider.jwksUri)).keys,
      refreshed: async () => (await cache.refresh(provider.issuer, provider.thumbprints, provider.jwksUri)).keys,
    });

    const checked = validateClaims(claims, {
      now: deps.clock().getTime() / 1000,
      clockSkewSeconds: options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS,
      subject: true,
      audience: { clientIds: provider.clientIds, mode: options.audience, checkAzp: options.checkAzp ?? true },
    });
    return { header: verified.header, claims, issuer: claims.iss as string, subject: checked.subject!, audience: checked.audience!, expiresAt: checked.exp };
  }

  return { verify, cache, decoder };
}
