/**
 * Storage over a kysely instance: hands out collections, answers ping, and closes cleanly.
 * close() refuses new operations, waits for every in-flight one (including CAS backoff sleeps),
 * (including writes still queued for a group commit, whose promises are in flight until their
 * batch commits), then destroys kysely, which ends the pg pool or closes the SQLite handle.
 * Closing twice returns the same promise.
 */
import type { Kysely } from 'kysely';
import { sql } from './kysely.js';
import { MAX_ORDERED_CREATES, type Collection, type CollectionName, type OrderedCreate, type Storage } from '../contract.js';
import { SqlCollection, serialize, type CollectionDeps, type DialectAdapter } from './collection.js';
import { checkKey } from './ids.js';
import type { TesseraDatabase } from './schema.js';
import { DocumentCache, type DocumentCacheOptions } from './document-cache.js';
import { directWrites, type WritePath } from './writes.js';

export class StorageClosedError extends Error {
  constructor() {
    super('storage is closed');
    this.name = 'StorageClosedError';
  }
}

export interface SqlStorageOptions {
  now?: () => Date;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  casMaxAttempts?: number;
  /**
   * Documents of watched collections kept in memory by generation (document-cache.ts; default
   * on with DEFAULT_DOCUMENT_CACHE where the backend can read generations: both, once migration 2
   * has run).
   * `false` reads every get from the database: for measuring. A DocumentCache instance is used
   * as given (tests read its counters).
   */
  documentCache?: boolean | DocumentCacheOptions | DocumentCache;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SqlStorage implements Storage {
  readonly kind: Storage['kind'];
  readonly #db: Kysely<TesseraDatabase>;
  readonly #deps: CollectionDeps;
  readonly #writes: WritePath;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;

  /** `writes` defaults to running each write unit at once on `db` (see writes.ts). */
  constructor(
    db: Kysely<TesseraDatabase>,
    adapter: DialectAdapter,
    options: SqlStorageOptions = {},
    writes: WritePath = directWrites(db),
  ) {
    this.kind = adapter.kind;
    this.#db = db;
    this.#writes = writes;
    this.#deps = {
      db,
      writes,
      adapter,
      now: options.now ?? (() => new Date()),
      random: options.random ?? Math.random,
      sleep: options.sleep ?? defaultSleep,
      casMaxAttempts: options.casMaxAttempts ?? 20,
      track: (op) => this.#track(op),
    };
    const { documentCache = true } = options;
    if (documentCache !== false) {
      this.#deps.cache = documentCache instanceof DocumentCache ? documentCache : new DocumentCache(documentCache === true ? {} : documentCache);
    }
  }

  collection<T>(name: CollectionName): Collection<T> {
    checkKey('id', name);
    return new SqlCollection<T>(name, this.#deps);
  }

  createIfAbsentInOrder(
    entries: readonly OrderedCreate[],
    options: { ifFirstCreated?: boolean } = {},
  ): Promise<Array<{ doc: unknown; created: boolean }>> {
    const onlyIfFirst = options.ifFirstCreated === true;
    return this.#track(async () => {
      if (entries.length > MAX_ORDERED_CREATES) throw new RangeError(`createIfAbsentInOrder takes at most ${MAX_ORDERED_CREATES} entries`);
      // Everything checked before anything is written.
      const planned = entries.map(({ collection, id, doc }) => {
        checkKey('id', collection);
        checkKey('id', id);
        return { target: new SqlCollection<unknown>(collection, this.#deps), id, body: serialize(doc) };
      });
      if (planned.length === 0) return [];
      const { createIfAbsentBatched, createGroupBatched } = this.#deps.adapter;
      const parsed = (o: { body: string; created: boolean }) => ({ doc: JSON.parse(o.body) as unknown, created: o.created });
      if (createGroupBatched !== undefined) {
        // PostgreSQL: entries that go together share one statement (one commit, so together or
        // not at all), with whatever else is created in the same turn; under ifFirstCreated the
        // first goes alone, and the rest only once it was created.
        const rows = planned.map(({ target, id, body }) => ({ collection: target.name, id, body }));
        if (!onlyIfFirst || rows.length === 1) return (await createGroupBatched(rows)).map(parsed);
        const [head] = rows;
        const first = parsed(
          createIfAbsentBatched !== undefined ? await createIfAbsentBatched(head!.collection, head!.id, head!.body) : (await createGroupBatched([head!]))[0]!,
        );
        if (!first.created) return [first];
        return [first, ...(await createGroupBatched(rows.slice(1))).map(parsed)];
      }
      // One write unit: under SQLite group commit one savepoint of one transaction (all or
      // nothing); on directWrites each statement autocommits in order.
      return this.#writes.run(async (db) => {
        const outcomes: Array<{ doc: unknown; created: boolean }> = [];
        for (const { target, id, body } of planned) {
          const outcome = await target.createIfAbsentOn(db, id, body);
          outcomes.push(outcome);
          if (onlyIfFirst && outcomes.length === 1 && !outcome.created) break;
        }
        return outcomes;
      });
    });
  }

  ping(): Promise<void> {
    return this.#track(async () => {
      await sql`select 1`.execute(this.#db);
    });
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
      await this.#writes.drain();
      await this.#db.destroy();
    })();
    return this.#closing;
  }

  #track<R>(op: () => Promise<R>): Promise<R> {
    if (this.#closing) return Promise.reject(new StorageClosedError());
    const p = op();
    this.#inFlight.add(p);
    const done = () => this.#inFlight.delete(p);
    p.then(done, done);
    return p;
  }
}
