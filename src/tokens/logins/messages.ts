/**
 * The refusals of identity-pool login verification. The messages are the exact texts Cognito
 * Identity sends with NotAuthorizedException (aws-surface.md §4.3 and the threads cited there;
 * "Token expired: <now> >= <exp>" and "Couldn't verify signed token." as observed in
 * aws-amplify/aws-sdk-ios#2570 and amazon-cognito-identity-js#91). Texts marked (Tessera) have no
 * known AWS counterpart. The `reason` always names the precise check for logs and the token doctor.
 */
import { Refusal, type Reason } from '../../errors/index.js';

export const MESSAGES = {
  notSupported: 'Token is not from a supported provider of this identity pool.',
  issuerMismatch: "Invalid login token. Issuer doesn't match providerName",
  missingAud: 'Invalid login token. Missing a required claim: aud',
  expired: (now: number, exp: number | string) => `Invalid login token. Token expired: ${now} >= ${exp}`,
  badSignature: "Invalid login token. Couldn't verify signed token.",
  notAToken: 'Invalid login token. Not a valid OpenId Connect identity token.',
  /** (Tessera) aud/azp present but not a configured client id. */
  wrongAudience: 'Invalid login token. Incorrect token audience.',
  /** (Tessera) an unauthenticated OpenID token offered as a login. */
  unauthenticatedToken: 'Invalid login token. An unauthenticated identity token is not a login.',
  /** (Tessera) more than the model's 10 entries. */
  tooManyLogins: 'Too many logins: at most 10 are accepted.',
  /** (Tessera) the social provider's own API refused the token (Facebook, Amazon, Twitter). */
  providerRejected: 'Invalid login token. The identity provider did not accept the token.',
  /** (Tessera) two spellings of one provider in the same call. */
  duplicateProvider: 'Invalid login token. The same provider appears twice in Logins.',
} as const;

export function notAuthorized(message: string, reason: Reason, cause?: unknown): Refusal {
  return new Refusal('NotAuthorized', message, reason, cause === undefined ? undefined : { cause });
}

export function externalService(message: string, reason: Reason, cause?: unknown): Refusal {
  return new Refusal('ExternalService', message, reason, cause === undefined ? undefined : { cause });
}

/** Signature and key-selection checks of src/tokens/jws.ts. */
const SIGNATURE_CHECKS = new Set(['jwt.signature', 'jwt.kid', 'jwt.key', 'jwt.alg']);
/** Structural checks: the value is not a usable JWT at all. */
const FORMAT_CHECKS = new Set(['jwt.format', 'jwt.size', 'jwt.duplicate-member', 'jwt.crit']);

/**
 * Maps a refusal raised by a token verifier (src/tokens, keys/signing-keys) for Logins[key] to
 * the identity pool's refusal. `now` (epoch seconds) fills the expired message. Anything that is
 * not a Refusal is an internal failure and is rethrown unchanged.
 */
export function mapTokenRefusal(err: unknown, key: string, now: number, audienceMessage: string = MESSAGES.wrongAudience): Refusal {
  if (!(err instanceof Refusal)) throw err;
  if (err.kind === 'NotAuthorized' || err.kind === 'ExternalService') return err;
  const detail = `Logins[${JSON.stringify(key)}]: ${err.message}`;
  const reason: Reason = { ...err.reason, detail };
  if (err.kind === 'IdpCommunication') return externalService(`Unable to reach the identity provider of ${key}: ${err.message}`, reason, err);
  if (err.kind === 'IdpRejected') return notAuthorized(MESSAGES.providerRejected, reason, err);
  if (err.kind === 'ExpiredToken') {
    const actual = err.reason.actual as { exp?: unknown } | undefined;
    const exp = typeof actual?.exp === 'number' ? actual.exp : '?';
    return notAuthorized(MESSAGES.expired(now, exp), reason, err);
  }
  const check = err.reason.check;
  if (check === 'jwt.iss') return notAuthorized(MESSAGES.issuerMismatch, reason, err);
  if (check === 'provider.audience') return notAuthorized(audienceMessage, reason, err);
  if (check === 'jwt.aud' || check === 'jwt.azp') {
    return notAuthorized(err.reason.actual === 'absent' ? MESSAGES.missingAud : audienceMessage, reason, err);
  }
  if (SIGNATURE_CHECKS.has(check)) return notAuthorized(MESSAGES.badSignature, reason, err);
  if (FORMAT_CHECKS.has(check)) return notAuthorized(MESSAGES.notAToken, reason, err);
  // exp/iat/nbf not integers, iat or nbf in the future, sub malformed …: still the caller's token.
  return notAuthorized(`Invalid login token. ${err.message.charAt(0).toUpperCase()}${err.message.slice(1)}.`, reason, err);
}
