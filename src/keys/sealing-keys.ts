/**
 * The ring of AES-256 keys that seal session tokens, shared by every node through storage
 * collection 'keys' (ids `sealing/<kid>`). Kids are zero-padded sequence numbers, so two nodes
 * that create the first key — or rotate — at the same moment both ask storage for the same id
 * with `createIfAbsent` and end up with the one document that won (design.md §6: uniqueness by
 * the database, never read-then-write). The newest kid seals; every known kid opens.
 */
import { randomBytes } from 'node:crypto';
import type { Collection, Storage } from '../storage/contract.js';

export interface SealingKeyDoc {
  kid: string;
  alg: 'A256GCM';
  /** 32 bytes, base64url. */
  secret: string;
  /** ISO-8601. */
  createdAt: string;
}

export interface SealingKey {
  kid: string;
  key: Buffer;
}

export interface SealingKeyRing {
  /** The key new tokens are sealed with (created on first use). */
  newest(): Promise<SealingKey>;
  /** The key named by a token, or undefined. Loads from storage when the kid is newer than any known. */
  find(kid: string): Promise<SealingKey | undefined>;
  /** Adds the next key; it becomes the newest on every node within the refresh interval. */
  rotate(): Promise<SealingKey>;
}

export interface SealingKeyRingOptions {
  storage: Storage;
  clock: () => Date;
  random?: (size: number) => Buffer;
  /** How long a node trusts its view of "newest" before re-reading storage (default 5 min). */
  refreshMs?: number;
}

const PREFIX = 'sealing/';
const KID = /^\d{6}$/;

export function isSealingKid(kid: string): boolean {
  return KID.test(kid);
}

function toKey(doc: SealingKeyDoc): SealingKey | undefined {
  if (!isSealingKid(doc.kid) || doc.alg !== 'A256GCM' || typeof doc.secret !== 'string') return undefined;
  const key = Buffer.from(doc.secret, 'base64url');
  return key.length === 32 ? { kid: doc.kid, key } : undefined;
}

export function createSealingKeyRing(options: SealingKeyRingOptions): SealingKeyRing {
  const collection: Collection<SealingKeyDoc> = options.storage.collection<SealingKeyDoc>('keys');
  const random = options.random ?? randomBytes;
  const refreshMs = options.refreshMs ?? 5 * 60_000;
  const known = new Map<string, SealingKey>();
  let loadedAt = -Infinity;
  let loading: Promise<void> | undefined;

  const maxKid = (): string | undefined => [...known.keys()].sort().at(-1);

  const load = (): Promise<void> => {
    loading ??= (async () => {
      try {
        let pageToken: string | undefined;
        do {
          const page = await collection.list({ prefix: PREFIX, limit: 1000, ...(pageToken ? { pageToken } : {}) });
          for (const { doc } of page.items) {
            const key = toKey(doc);
            if (key) known.set(key.kid, key);
          }
          pageToken = page.next;
        } while (pageToken);
        loadedAt = options.clock().getTime();
      } finally {
        loading = undefined;
      }
    })();
    return loading;
  };

  const create = async (kid: string): Promise<SealingKey> => {
    const doc: SealingKeyDoc = { kid, alg: 'A256GCM', secret: random(32).toString('base64url'), createdAt: options.clock().toISOString() };
    const { doc: stored } = await collection.createIfAbsent(`${PREFIX}${kid}`, doc);
    const key = toKey(stored);
    if (!key) throw new Error(`sealing key ${kid} in storage is malformed`);
    known.set(kid, key);
    return key;
  };

  return {
    async newest() {
      if (known.size === 0 || options.clock().getTime() - loadedAt >= refreshMs) await load();
      const kid = maxKid();
      return kid ? known.get(kid)! : create('000001');
    },
    async find(kid) {
      if (!isSealingKid(kid)) return undefined;
      const hit = known.get(kid);
      if (hit) return hit;
      // Only a kid newer than all we know can have appeared since (rotation on another node);
      // anything else is unknown for good, so forged kids cannot make us hammer storage.
      const newest = maxKid();
      if (newest === undefined || kid > newest) await load();
      return known.get(kid);
    },
    async rotate() {
      await load();
      const next = String(Number(maxKid() ?? '0') + 1).padStart(6, '0');
      return create(next);
    },
  };
}
