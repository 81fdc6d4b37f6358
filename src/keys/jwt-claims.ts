/**
 * Registered-claim checks for tokens Tessera itself issued (RFC 7519 §4.1), with the same rules
 * the third-party verifier applies (src/tokens/oidc.ts): NumericDates are non-negative safe
 * integers (as AWS requires), exp and iat are mandatory, skew (default 300 s, AWS's web-identity
 * grace) extends exp and tolerates iat/nbf slightly in the future, iss is compared as an exact
 * string, and aud (a string or an array of strings) must contain the expected audience.
 */
import { Refusal } from '../errors/index.js';

export const DEFAULT_SKEW_SECONDS = 300;

function invalid(check: string, message: string, expected: unknown, actual: unknown): Refusal {
  return new Refusal('InvalidToken', message, { check, expected, actual });
}

function numericDate(claims: Record<string, unknown>, name: 'exp' | 'iat' | 'nbf', required: boolean): number | undefined {
  const v = claims[name];
  if (v === undefined) {
    if (required) throw invalid(`jwt.${name}`, `token has no ${name} claim`, 'an integer NumericDate', 'absent');
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw invalid(`jwt.${name}`, `token ${name} claim is not an integer NumericDate`, 'a non-negative integer', v);
  }
  return v;
}

export interface ClaimRules {
  issuer: string;
  audience?: string;
  clockSkewSeconds?: number;
  /** Epoch seconds, possibly fractional. */
  now: number;
}

/** Throws a Refusal ('InvalidToken' or 'ExpiredToken') naming the first failed check. */
export function checkRegisteredClaims(claims: Record<string, unknown>, rules: ClaimRules): void {
  if (claims.iss !== rules.issuer) {
    throw invalid('jwt.iss', 'token issuer does not match', rules.issuer, claims.iss ?? 'absent');
  }
  const skew = rules.clockSkewSeconds ?? DEFAULT_SKEW_SECONDS;
  const exp = numericDate(claims, 'exp', true)!;
  const iat = numericDate(claims, 'iat', true)!;
  const nbf = numericDate(claims, 'nbf', false);
  const now = rules.now;
  // RFC 7519 §4.1.4: "the current date/time MUST be before the expiration date/time".
  if (now >= exp + skew) {
    throw new Refusal('ExpiredToken', 'token has expired', { check: 'jwt.exp', expected: `now < exp + ${skew} s`, actual: { exp, now: Math.floor(now) } });
  }
  if (nbf !== undefined && now + skew < nbf) throw invalid('jwt.nbf', 'token is not valid yet', `nbf ≤ now + ${skew} s`, { nbf, now: Math.floor(now) });
  if (iat > now + skew) throw invalid('jwt.iat', 'token was issued in the future', `iat ≤ now + ${skew} s`, { iat, now: Math.floor(now) });
  if (rules.audience !== undefined) {
    const aud = claims.aud;
    const auds = typeof aud === 'string' ? [aud] : aud;
    if (!Array.isArray(auds) || auds.length === 0 || !auds.every((a) => typeof a === 'string')) {
      throw invalid('jwt.aud', 'token aud is missing or malformed', 'a string or non-empty array of strings', aud ?? 'absent');
    }
    if (!auds.includes(rules.audience)) throw invalid('jwt.aud', 'token audience does not match', rules.audience, aud);
  }
}
