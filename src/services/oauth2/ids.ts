/**
 * Random handles and the ids of short-lived records. Every handle that leaves the server (codes,
 * transaction and session cookies, CSRF tokens, upstream state/nonce) is 32 bytes from the CSPRNG
 * in base64url (RFC 6749 §10.10: the probability of guessing must be ≤ 2^-128; we use 2^-256).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type RandomBytes = (size: number) => Buffer;

export function randomHandle(random: RandomBytes = randomBytes): string {
  return random(32).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Constant-time string comparison (RFC 7636 §4.6 verifiers, CSRF tokens, state). */
export function safeEqual(a: string, b: string): boolean {
  // Hash first so the comparison is constant-time even when lengths differ.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
