/**
 * The one claims validator of every JWT path (RFC 7519 §4.1; aws-surface.md §5.2; Cognito's
 * "open-id" page): third-party ID tokens (oidc.ts, the Google and Apple verifiers of logins/) and
 * the tokens Tessera itself signed (keys/signing-keys.ts) are judged by the same rules:
 *  - `iss` is compared as an exact string against the accepted issuer(s) (J15/J16);
 *  - NumericDates are non-negative safe integers, as AWS requires (J13); exp and iat are required;
 *    skew (default 300 s, AWS's web-identity grace) extends exp and tolerates iat/nbf slightly in
 *    the future (J12–J14);
 *  - `sub`, when required, is a non-empty string of at most 255 characters (J19);
 *  - the audience: `azp`, when present and checked, must be an accepted client id; the audience is
 *    `azp` when present in mode 'azp-then-aud' (J18), else an `aud` member that is accepted.
 * Refusals are 'InvalidToken' (or 'ExpiredToken') with check / expected / actual.
 */
import { expiredToken, invalidToken } from './refusals.js';

export const DEFAULT_CLOCK_SKEW_SECONDS = 300;
export const MAX_SUBJECT_LENGTH = 255;

export interface AudienceRule {
  /** Accepted client ids; 'any' accepts every well-formed aud (STS with Google: the trust policy judges `accounts.google.com:aud`). */
  clientIds: readonly string[] | 'any';
  /** 'aud': an aud member must be accepted; 'azp-then-aud': azp, when present, is the audience. */
  mode: 'aud' | 'azp-then-aud';
  /** Whether a present `azp` must itself be an accepted client id (default true). */
  checkAzp?: boolean;
  /** Message of the audience refusal (default "Incorrect token audience"). */
  message?: string;
}

export interface ClaimRules {
  /** The accepted `iss` value(s); omitted when the caller has already checked it. */
  issuer?: string | readonly string[];
  audience?: AudienceRule;
  /** Require a well-formed `sub` (1..255 characters). */
  subject?: boolean;
  /** Default 300. */
  clockSkewSeconds?: number;
  /** Epoch seconds, possibly fractional. */
  now: number;
}

export interface CheckedClaims {
  /** The matched client id (azp or one of aud), when an audience rule was given. */
  audience?: string;
  subject?: string;
  exp: number;
}

/** RFC 7519 §2 NumericDate, restricted as AWS does to integers, finite and safe. */
export function numericDate(claims: Record<string, unknown>, name: 'exp' | 'nbf' | 'iat', required: boolean): number | undefined {
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

/** `iss` must be exactly one of `issuer`. */
export function checkIssuer(claims: Record<string, unknown>, issuer: string | readonly string[], message = 'token issuer does not match the provider'): void {
  const accepted: readonly string[] = typeof issuer === 'string' ? [issuer] : issuer;
  if (typeof claims.iss !== 'string' || !accepted.includes(claims.iss)) {
    throw invalidToken('jwt.iss', message, typeof issuer === 'string' ? issuer : accepted, claims.iss ?? 'absent');
  }
}

/** exp, nbf, iat with `skew` seconds of tolerance; returns exp. */
export function checkLifetime(claims: Record<string, unknown>, now: number, skew: number = DEFAULT_CLOCK_SKEW_SECONDS): number {
  const exp = numericDate(claims, 'exp', true)!;
  const nbf = numericDate(claims, 'nbf', false);
  const iat = numericDate(claims, 'iat', true)!;
  // RFC 7519 §4.1.4: the current time must be before exp; skew extends it.
  if (now >= exp + skew) throw expiredToken('token has expired', `now < exp + ${skew} s`, { exp, now: Math.floor(now) });
  if (nbf !== undefined && now + skew < nbf) throw invalidToken('jwt.nbf', 'token is not valid yet', `nbf ≤ now + ${skew} s`, { nbf, now: Math.floor(now) });
  if (iat > now + skew) throw invalidToken('jwt.iat', 'token was issued in the future', `iat ≤ now + ${skew} s`, { iat, now: Math.floor(now) });
  return exp;
}

export function checkSubject(claims: Record<string, unknown>): string {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUBJECT_LENGTH) {
    throw invalidToken('jwt.sub', 'token sub is missing or malformed', `a string of 1..${MAX_SUBJECT_LENGTH} characters`,
      typeof sub === 'string' ? `${sub.length} characters` : sub === undefined ? 'absent' : typeof sub);
  }
  return sub;
}

/** Applies the audience rule; returns the matched client id. */
export function matchAudience(claims: Record<string, unknown>, rule: AudienceRule): string {
  const any = rule.clientIds === 'any';
  const allowed = new Set(any ? [] : rule.clientIds);
  const azp = claims.azp;
  if (azp !== undefined && rule.checkAzp !== false) {
    if (typeof azp !== 'string' || (!any && !allowed.has(azp))) {
      throw invalidToken('jwt.azp', 'token azp is not a client id of the provider', [...allowed], azp);
    }
  }
  const rawAud = claims.aud;
  const auds = typeof rawAud === 'string' ? [rawAud] : rawAud;
  const audOk = Array.isArray(auds) && auds.length > 0 && auds.every((a) => typeof a === 'string');
  if (rule.mode === 'azp-then-aud' && typeof azp === 'string') return azp;
  if (!audOk) throw invalidToken('jwt.aud', 'token aud is missing or malformed', 'a string or non-empty array of strings', rawAud ?? 'absent');
  const matched = any ? (auds as string[])[0] : (auds as string[]).find((a) => allowed.has(a));
  if (matched === undefined) {
    throw invalidToken('jwt.aud', rule.message ?? 'Incorrect token audience', allowed.size === 1 ? [...allowed][0] : [...allowed], rawAud);
  }
  return matched;
}

/** Every check `rules` asks for, in one order: issuer, lifetime, subject, audience. */
export function validateClaims(claims: Record<string, unknown>, rules: ClaimRules): CheckedClaims {
  if (rules.issuer !== undefined) checkIssuer(claims, rules.issuer);
  const exp = checkLifetime(claims, rules.now, rules.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS);
  const subject = rules.subject ? checkSubject(claims) : undefined;
  const audience = rules.audience ? matchAudience(claims, rules.audience) : undefined;
  return { exp, ...(subject !== undefined ? { subject } : {}), ...(audience !== undefined ? { audience } : {}) };
}
