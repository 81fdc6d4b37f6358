/** Shorthands for the refusals raised while verifying tokens (kinds are mapped to wire codes by the services). */
import { Refusal } from '../errors/index.js';

/** The token is malformed, badly signed or carries unacceptable claims (STS InvalidIdentityToken, Cognito NotAuthorizedException). */
export function invalidToken(check: string, message: string, expected?: unknown, actual?: unknown, detail?: string): Refusal {
  return new Refusal('InvalidToken', message, {
    check,
    ...(expected !== undefined ? { expected } : {}),
    ...(actual !== undefined ? { actual } : {}),
    ...(detail !== undefined ? { detail } : {}),
  });
}

/** The token's `exp` has passed (STS ExpiredTokenException). */
export function expiredToken(message: string, expected: unknown, actual: unknown): Refusal {
  return new Refusal('ExpiredToken', message, { check: 'jwt.exp', expected, actual });
}
