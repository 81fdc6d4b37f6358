/**
 * A Storage that counts what the services ask of the real one: every Collection call is
 * delegated unchanged to the wrapped storage (real SQLite or PostgreSQL) and tallied per
 * collection and method, so a test can assert how many point reads an operation costs
 * (bench/results/2026-11-23-analysis.md item 3) and a regression shows as a failing count.
 */
import type { Collection, CollectionName, Storage } from '../../../src/storage/contract.js';

export type CollectionMethod = keyof Collection<unknown>;

const METHODS: readonly CollectionMethod[] = ['create', 'createIfAbsent', 'get', 'list', 'count', 'update', 'delete'];
/** Calls that only read; `update` reads too but is counted as the write it is. */
const READS: ReadonlySet<CollectionMethod> = new Set(['get', 'list', 'count']);

export interface CallRecord {
  collection: string;
  method: CollectionMethod;
  id?: string;
}

export interface CountingStorage extends Storage {
  /** Every call since the last reset, in order. */
  readonly calls: readonly CallRecord[];
  /** Calls that only read (get / list / count). */
  reads(): CallRecord[];
  /** Calls that write (create / createIfAbsent / update / delete). */
  writes(): CallRecord[];
  /** `collection.method` → number of calls, for readable assertion messages. */
  summary(): Record<string, number>;
  reset(): void;
}

export function countingStorage(inner: Storage): CountingStorage {
  const calls: CallRecord[] = [];
  function wrap<T>(name: string, target: Collection<T>): Collection<T> {
    const out = {} as Record<CollectionMethod, (...args: unknown[]) => unknown>;
    for (const method of METHODS) {
      const fn = target[method] as (...args: unknown[]) => unknown;
      out[method] = (...args: unknown[]) => {
        calls.push({ collection: name, method, ...(typeof args[0] === 'string' ? { id: args[0] } : {}) });
        return fn.apply(target, args);
      };
    }
    return out as unknown as Collection<T>;
  }
  return {
    get kind() {
      return inner.kind;
    },
    collection<T>(name: CollectionName): Collection<T> {
      return wrap(name, inner.collection<T>(name));
    },
    // One write of several documents: tallied as the createIfAbsent of each, in order.
    async createIfAbsentInOrder(entries, options) {
      const outcomes = await inner.createIfAbsentInOrder(entries, options);
      // Those written or found (an ifFirstCreated call may end after the first).
      for (const e of entries.slice(0, outcomes.length)) calls.push({ collection: e.collection, method: 'createIfAbsent', id: e.id });
      return outcomes;
    },
    ping: () => inner.ping(),
    close: () => inner.close(),
    calls,
    reads: () => calls.filter((c) => READS.has(c.method)),
    writes: () => calls.filter((c) => !READS.has(c.method)),
    summary() {
      const out: Record<string, number> = {};
      for (const c of calls) out[`${c.collection}.${c.method}`] = (out[`${c.collection}.${c.method}`] ?? 0) + 1;
      return out;
    },
    reset() {
      calls.length = 0;
    },
  };
}
