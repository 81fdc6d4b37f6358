/**
 * Bounded memory of what a provider's introspection endpoint said about a token (Facebook,
 * Login with Amazon, Twitter), so that GetId followed by GetCredentialsForIdentity, or a credential
 * refresh, does not ask the provider again. An answer is kept for at most the token's remaining
 * life and at most `maxAgeSeconds` (5 minutes), for at most `maxEntries` tokens (least recently
 * used dropped first). Only positive answers are kept; entries are keyed by a SHA-256 of the
 * provider, the asking client and the token, so no token text is held. Time from the injected clock.
 */
import { createHash } from 'node:crypto';

export const INTROSPECTION_CACHE_DEFAULTS = { maxAgeSeconds: 300, maxEntries: 10_000 } as const;

export interface IntrospectionCache {
  get<T>(parts: readonly string[]): T | undefined;
  /** `expiresAt`: epoch seconds when the token stops being good, when known. */
  set(parts: readonly string[], value: unknown, expiresAt?: number): void;
  size(): number;
}

export function createIntrospectionCache(options: { clock: () => Date; maxAgeSeconds?: number; maxEntries?: number }): IntrospectionCache {
  const maxAge = options.maxAgeSeconds ?? INTROSPECTION_CACHE_DEFAULTS.maxAgeSeconds;
  const maxEntries = options.maxEntries ?? INTROSPECTION_CACHE_DEFAULTS.maxEntries;
  const entries = new Map<string, { value: unknown; until: number }>();
  const now = () => options.clock().getTime() / 1000;
  const idOf = (parts: readonly string[]) => createHash('sha256').update(parts.join('\n')).digest('base64url');

  return {
    get<T>(parts: readonly string[]) {
      const id = idOf(parts);
      const entry = entries.get(id);
      if (!entry) return undefined;
      entries.delete(id);
      if (now() >= entry.until) return undefined;
      entries.set(id, entry);
      return entry.value as T;
    },
    set(parts, value, expiresAt) {
      const until = Math.min(now() + maxAge, expiresAt ?? Infinity);
      if (maxEntries <= 0 || until <= now()) return;
      const id = idOf(parts);
      entries.delete(id);
      entries.set(id, { value, until });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    size: () => entries.size,
  };
}
