/**
 * A bounded, expiring in-memory map of what the development identity providers issue (pending
 * authorizations, codes, access tokens, OAuth 1.0a tokens). One per instance; nothing persists:
 * a restart forgets every code and opaque token (ID tokens stay verifiable, their keys persist).
 */
export interface Memo<T> {
  set(key: string, value: T, ttlSeconds: number): void;
  get(key: string): T | undefined;
  /** Returns and removes (single use). */
  take(key: string): T | undefined;
}

export function createMemo<T>(clock: () => Date, maxEntries = 10_000): Memo<T> {
  const entries = new Map<string, { value: T; until: number }>();
  const now = () => clock().getTime();
  const live = (key: string) => {
    const e = entries.get(key);
    if (!e) return undefined;
    if (now() >= e.until) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };
  return {
    set(key, value, ttlSeconds) {
      entries.delete(key);
      entries.set(key, { value, until: now() + ttlSeconds * 1000 });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    get: (key) => live(key)?.value,
    take(key) {
      const e = live(key);
      entries.delete(key);
      return e?.value;
    },
  };
}
