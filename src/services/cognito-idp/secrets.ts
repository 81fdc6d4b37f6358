/**
 * App-client secrets (aws-surface.md §7.3): SECRET_HASH = Base64(HMAC-SHA256(key = client secret,
 * message = username + client id)), and the client secret itself (RevokeToken, the token
 * endpoint). Both compared in constant time.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function secretHash(clientSecret: string, username: string, clientId: string): string {
  return createHmac('sha256', clientSecret).update(username + clientId, 'utf8').digest('base64');
}

export function constantTimeEquals(a: string, b: string): boolean {
  // Digests have equal length, so timingSafeEqual never throws and the time does not depend on where a and b differ.
  return timingSafeEqual(createHash('sha256').update(a, 'utf8').digest(), createHash('sha256').update(b, 'utf8').digest());
}

/** Whether `given` is the SECRET_HASH of any of `usernames` (a refresh may name the username or the sub). */
export function secretHashMatches(clientSecret: string, clientId: string, given: string | undefined, usernames: string[]): boolean {
  if (given === undefined) return false;
  let ok = false;
  for (const u of usernames) ok = constantTimeEquals(secretHash(clientSecret, u, clientId), given) || ok;
  return ok;
}
