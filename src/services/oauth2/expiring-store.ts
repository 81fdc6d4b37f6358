/**
 * Short-lived records (authorization codes, login and upstream transactions, hosted sessions)
 * kept in a storage collection, so every node of a cluster sees them and single use is decided
 * by the database.
 *
 * The id of a record is `<expiry, 13-digit epoch ms>.<sha256(handle)>`: the handle given to the
 * client is `<expiry>.<secret>`, only its hash is stored (a read of the table yields no usable
 * code or cookie), and because ids sort by expiry the sweeper deletes expired records by
 * listing from the start of the collection.
 */
import type { Collection, Storage } from '../../storage/contract.js';
import { NotFoundError } from '../../storage/contract.js';
import { randomHandle, sha256Hex, type RandomBytes } from './ids.js';

interface Stored<T> {
  expiresAt: number;
  consumedAt?: number;
  value: T;
}

export interface ExpiringStore<T> {
  /** Stores `value` for `ttlMs`; returns the opaque handle to give the client. */
  put(value: T, ttlMs: number): Promise<string>;
  /** The live, unconsumed record behind a handle, if any. */
  get(handle: string): Promise<T | undefined>;
  /** Replaces the value of a live record; false if it is gone, expired or consumed. */
  replace(handle: string, updater: (current: T) => T): Promise<boolean>;
  /**
   * Single use: marks the record consumed with compare-and-swap and returns it; of two racing
   * callers exactly one gets `{ ok: true }`. A second use returns `{ ok: false, replayed }` with
   * the record's value when it had been consumed before (for reuse detection, RFC 6749 §4.1.2).
   */
  consume(handle: string): Promise<{ ok: true; value: T } | { ok: false; replayed?: T }>;
  /** Deletes the record (logout, cancelled transaction). */
  delete(handle: string): Promise<void>;
  /** Deletes up to `limit` records that expired before now. */
  sweep(limit?: number): Promise<number>;
}

const HANDLE = /^(\d{13})\.([A-Za-z0-9_-]{43})$/;

class Replay extends Error {
  constructor(readonly value: unknown) {
    super('consumed');
  }
}

export function createExpiringStore<T>(options: {
  storage: Storage;
  collection: string;
  clock: () => Date;
  random?: RandomBytes;
  /** Called when the clean-up that follows every put fails (it never fails the put). */
  onSweepError?: (err: unknown) => void;
}): ExpiringStore<T> {
  const col: Collection<Stored<T>> = options.storage.collection<Stored<T>>(options.collection);
  const now = () => options.clock().getTime();

  function idOf(handle: string): string | undefined {
    const m = HANDLE.exec(handle);
    if (!m) return undefined;
    return `${m[1]}.${sha256Hex(m[2]!)}`;
  }

  async function live(handle: string): Promise<{ id: string; doc: Stored<T> } | undefined> {
    const id = idOf(handle);
    if (!id) return undefined;
    const doc = await col.get(id);
    if (!doc || doc.consumedAt !== undefined || doc.expiresAt <= now()) return undefined;
    return { id, doc };
  }

  const store: ExpiringStore<T> = {
    async put(value, ttlMs) {
      const expiresAt = now() + ttlMs;
      const secret = randomHandle(options.random);
      const handle = `${String(expiresAt).padStart(13, '0')}.${secret}`;
      await col.create(idOf(handle)!, { expiresAt, value });
      // Bounded clean-up of expired records, off the request's critical path.
      void store.sweep(25).catch((err) => options.onSweepError?.(err));
      return handle;
    },
    async get(handle) {
      return (await live(handle))?.doc.value;
    },
    async replace(handle, updater) {
      const found = await live(handle);
      if (!found) return false;
      try {
        await col.update(found.id, (cur) => {
          if (cur.consumedAt !== undefined || cur.expiresAt <= now()) throw new Replay(undefined);
          return { ...cur, value: updater(cur.value) };
        });
        return true;
      } catch (err) {
        if (err instanceof Replay || err instanceof NotFoundError) return false;
        throw err;
      }
    },
    async consume(handle) {
      const id = idOf(handle);
      if (!id) return { ok: false };
      const at = now();
      try {
        const doc = await col.update(id, (cur) => {
          if (cur.consumedAt !== undefined) throw new Replay(cur.value);
          if (cur.expiresAt <= at) throw new Replay(undefined);
          return { ...cur, consumedAt: at };
        });
        return { ok: true, value: doc.value };
      } catch (err) {
        if (err instanceof NotFoundError) return { ok: false };
        if (err instanceof Replay) return err.value === undefined ? { ok: false } : { ok: false, replayed: err.value as T };
        throw err;
      }
    },
    async delete(handle) {
      const id = idOf(handle);
      if (id) await col.delete(id);
    },
    async sweep(limit = 100) {
      const page = await col.list({ limit });
      let deleted = 0;
      const cutoff = now();
      for (const item of page.items) {
        if (Number(item.id.slice(0, 13)) > cutoff) break;
        if (await col.delete(item.id)) deleted++;
      }
      return deleted;
    },
  };
  return store;
}
