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
import type { FetchJson } from './fetch.js';
import { createJwksCache, type JwksCache } from './jwks-cache.js';
import { decodeCompactJws, payloadClaims, verifyDecodedJws, type JwsOptions } from './jws.js';
import { expiredToken, invalidToken } from './refusals.js';

export interface OidcProvider {
  /** Exactly the `iss` the IdP puts in its tokens: 'https://host[:port][/path]'. */
  issuer: string;
  clientIds: readonly string[];
  /** IAM ThumbprintList: SHA-1 of a certificate in the JWKS host's chain (may be empty). */
  thumbprints: readonly string[];
}

export interface OidcVerifyOptions {
  audience: 'aud' | 'azp-then-aud';
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
}

export interface OidcVerifier {
  verify(token: string, provider: OidcProvider, options: OidcVerifyOptions): Promise<VerifiedToken>;
  readonly cache: JwksCache;
}

export const DEFAULT_CLOCK_SKEW_SECONDS = 300;
export const MAX_SUBJECT_LENGTH = 255;

/** RFC 7519 §2 NumericDate, restricted as AWS does to integers (aws-surface.md §5.2), finite and safe (J13). */
function numericDate(claims: Record<string, unknown>, name: 'exp' | 'nbf' | 'iat', required: boolean): number | undefined {
  const v = claims[name];
  if (v === undefined) {
    if (required) throw invalidToken(`jwt.${name}`, `token has no ${name} claim`, 'an integer NumericDate', 'absent');
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw invalidToken(`jwt.${name}`, `token ${name} claim is not an integer NumericDate`, 'a non-negative integer', v);
  }
  return v;
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

/** Applies the audience rule; returns the matched client id. */
function matchAudience(claims: Record<string, unknown>, clientIds: readonly string[], mode: OidcVerifyOptions['audience']): string {
  const allowed = new Set(clientIds);
  const azp = claims.azp;
  if (azp !== undefined) {
    if (typeof azp !== 'string' || !allowed.has(azp)) {
      throw invalidToken('jwt.azp', 'token azp is not a client id of the provider', [...allowed], azp);
    }
  }
  const rawAud = claims.aud;
  const auds = typeof rawAud === 'string' ? [rawAud] : rawAud;
  const audOk = Array.isArray(auds) && auds.length > 0 && auds.every((a) => typeof a === 'string');
  if (mode === 'azp-then-aud' && typeof azp === 'string') return azp;
  if (!audOk) throw invalidToken('jwt.aud', 'token aud is missing or malformed', 'a string or non-empty array of strings', rawAud ?? 'absent');
  const matched = (auds as string[]).find((a) => allowed.has(a));
  if (matched === undefined) throw invalidToken('jwt.aud', 'Incorrect token audience', [...allowed], rawAud);
  return matched;
}

export function createOidcVerifier(deps: { clock: () => Date; fetchJson?: FetchJson; cache?: JwksCache }): OidcVerifier {
  const cache =
    deps.cache ?? createJwksCache({ clock: deps.clock, ...(deps.fetchJson ? { fetchJson: deps.fetchJson } : {}) });

  async function verify(token: string, provider: OidcProvider, options: OidcVerifyOptions): Promise<VerifiedToken> {
    const jwsOptions: JwsOptions = {
      ...(options.requireKid ? { requireKid: true } : {}),
      ...(options.algorithms ? { algorithms: options.algorithms } : {}),
    };
    const decoded = decodeCompactJws(token, jwsOptions);
    const claims = payloadClaims(decoded);

    // iss first: a token of another issuer never causes an outbound fetch (J15/J16).
    checkProviderIssuer(provider.issuer);
    if (claims.iss !== provider.issuer) {
      throw invalidToken('jwt.iss', 'token issuer does not match the provider', provider.issuer, claims.iss ?? 'absent');
    }

    const verified = await verifyDecodedJws(token, decoded, {
      current: async () => (await cache.get(provider.issuer, provider.thumbprints)).keys,
      refreshed: async () => (await cache.refresh(provider.issuer, provider.thumbprints)).keys,
    });

    const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
    const now = deps.clock().getTime() / 1000;
    const exp = numericDate(claims, 'exp', true)!;
    const nbf = numericDate(claims, 'nbf', false);
    const iat = numericDate(claims, 'iat', true)!;
    // RFC 7519 §4.1.4: the current time must be before exp; skew extends it.
    if (now >= exp + skew) throw expiredToken('token has expired', `now < exp + ${skew} s`, { exp, now: Math.floor(now) });
    if (nbf !== undefined && now + skew < nbf) throw invalidToken('jwt.nbf', 'token is not valid yet', `nbf ≤ now + ${skew} s`, { nbf, now: Math.floor(now) });
    if (iat > now + skew) throw invalidToken('jwt.iat', 'token was issued in the future', `iat ≤ now + ${skew} s`, { iat, now: Math.floor(now) });

    const sub = claims.sub;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUBJECT_LENGTH) {
      throw invalidToken('jwt.sub', 'token sub is missing or malformed', `a string of 1..${MAX_SUBJECT_LENGTH} characters`,
        typeof sub === 'string' ? `${sub.length} characters` : sub === undefined ? 'absent' : typeof sub);
    }
    const audience = matchAudience(claims, provider.clientIds, options.audience);
    return { header: verified.header, claims, issuer: provider.issuer, subject: sub, audience };
  }

  return { verify, cache };
}

/**
 * Reads header and claims WITHOUT verifying anything but the structure, so that a caller can
 * choose the provider by `iss` (aws-surface.md §5.2 step 2). Never use the result for a decision.
 */
export function decodeUnverified(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const decoded = decodeCompactJws(token);
  return { header: decoded.header, claims: payloadClaims(decoded) };
}
