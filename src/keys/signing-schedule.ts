/**
 * The rotation schedule of a signing-key ring, as pure functions of the stored key times and
 * `now` (epoch seconds), so every node derives the same answer from the same documents and the
 * tests can walk through time (security.md R5, "Signing-key rotation without downtime").
 *
 * Life of a key:
 *   createdAt ── published, not signing (pre-publication) ──► activatesAt ── signing ──►
 *   retiredAt (the next key activates) ── still published and verifying ──► retiredAt + retention
 *
 * - Pre-publication: a key appears in the JWKS at least `prePublishSeconds` (default 1 h) before
 *   it signs, so a relying party whose JWKS copy is up to that old already knows it (R5; OpenID
 *   Connect Core §10.1.1 "Rotation of Asymmetric Signing Keys": publish first, then sign).
 * - Retention: the last token a key signed is issued no later than its retirement and lives at
 *   most `maxTokenLifetimeSeconds`; with the verifiers' clock skew (5 min, the AWS web-identity
 *   grace) and the JWKS cache lifetime on top, it must stay published until
 *   retiredAt + maxTokenLifetime + 300 s + jwksMaxAge (R5).
 * - The very first key of a ring activates at once: no relying party can hold an older copy.
 */

export interface ScheduleParams {
  maxTokenLifetimeSeconds: number;
  rotationIntervalSeconds: number;
  prePublishSeconds: number;
  /** Cache-Control max-age of the published JWKS. */
  jwksMaxAgeSeconds: number;
  /** Clock skew relying parties allow past exp (AWS: 5 minutes). */
  skewSeconds: number;
}

export interface Timed {
  /** Zero-padded; orders keys. */
  seq: string;
  createdAt: number;
  activatesAt: number;
}

const bySeq = <T extends Timed>(keys: readonly T[]): T[] => [...keys].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));

/**
 * The key that signs at `now`: the newest key already activated. If none has (a node whose clock
 * lags the one that created the first key), the earliest-activating key, so signing never stalls.
 */
export function activeKey<T extends Timed>(keys: readonly T[], now: number): T | undefined {
  const sorted = bySeq(keys);
  const activated = sorted.filter((k) => k.activatesAt <= now);
  if (activated.length > 0) return activated[activated.length - 1];
  return [...sorted].sort((a, b) => a.activatesAt - b.activatesAt)[0];
}

/** When `key` stopped signing (a later key activated), or undefined while it has not. */
export function retiredAt<T extends Timed>(keys: readonly T[], key: T, now: number): number | undefined {
  let at: number | undefined;
  for (const k of keys) {
    if (k.seq > key.seq && k.activatesAt <= now && (at === undefined || k.activatesAt < at)) at = k.activatesAt;
  }
  return at;
}

export function retentionSeconds(params: ScheduleParams): number {
  return params.maxTokenLifetimeSeconds + params.skewSeconds + params.jwksMaxAgeSeconds;
}

/** Keys in the JWKS and accepted for verification at `now`: pending, active, and retired within retention. */
export function publishedKeys<T extends Timed>(keys: readonly T[], now: number, params: ScheduleParams): T[] {
  const active = activeKey(keys, now);
  return bySeq(keys).filter((k) => {
    if (k === active) return true;
    const retired = retiredAt(keys, k, now);
    return retired === undefined || now < retired + retentionSeconds(params);
  });
}

/** Keys past retention: no token they signed can still be accepted anywhere; safe to delete. */
export function expiredKeys<T extends Timed>(keys: readonly T[], now: number, params: ScheduleParams): T[] {
  const published = new Set(publishedKeys(keys, now, params));
  return bySeq(keys).filter((k) => !published.has(k));
}

/**
 * Whether the ring must publish its next key now (automatic rotation, evaluated lazily on use):
 * when the newest key has been signing long enough that its successor, published now, activates
 * when the interval is over. Returns the successor's activation time, or undefined.
 */
export function rotationDue<T extends Timed>(keys: readonly T[], now: number, params: ScheduleParams): { activatesAt: number } | undefined {
  const newest = bySeq(keys).at(-1);
  if (!newest || newest.activatesAt > now) return undefined; // no key yet, or a successor is already pending
  const due = newest.activatesAt + params.rotationIntervalSeconds;
  if (now < due - params.prePublishSeconds) return undefined;
  // Evaluated late (no traffic, a node down), the successor still gets its full pre-publication.
  return { activatesAt: Math.max(due, now + params.prePublishSeconds) };
}

/** Activation time of a key added by an explicit rotate(). */
export function manualActivation<T extends Timed>(keys: readonly T[], now: number, params: ScheduleParams, immediate: boolean): number {
  if (immediate) return now;
  const newest = bySeq(keys).at(-1);
  return Math.max(now + params.prePublishSeconds, newest?.activatesAt ?? now);
}
