/**
 * PKCE (RFC 7636) as the authorization server. Cognito accepts only `S256`
 * (CG:authorization-endpoint; aws-surface.md §8.1), so `plain` and an omitted method with a
 * challenge are refused at /oauth2/authorize, and the verifier is checked in constant time.
 */
import { createHash } from 'node:crypto';
import { safeEqual } from './ids.js';

/** RFC 7636 §4.1: 43..128 characters of [A-Z a-z 0-9 - . _ ~]. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 challenge is base64url(SHA-256) without padding: exactly 43 characters (§4.2). */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function isValidChallenge(challenge: string): boolean {
  return CHALLENGE.test(challenge);
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * Whether the verifier presented at the token endpoint matches the challenge stored with the
 * code. A verifier without a challenge is refused too (security.md O03): the client believes it
 * is protected when it is not.
 */
export function verifyPkce(challenge: string | undefined, verifier: string | undefined): boolean {
  if (challenge === undefined) return verifier === undefined;
  if (verifier === undefined || !VERIFIER.test(verifier)) return false;
  return safeEqual(s256(verifier), challenge);
}
