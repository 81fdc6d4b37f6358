/**
 * Collection<T> over the shared `documents` table, written once for both dialects with kysely
 * (every value is a bound parameter). Uniqueness comes from the (collection, id) primary key;
 * updates are compare-and-swap on the row's `version` column, so concurrent writers on one node
 * or many never lose an update (design.md §6).
 *
 * Reads run on the shared handle at once. Each write is a unit handed to the storage's WritePath
 * (writes.ts), which either runs it immediately or, on SQLite, inside a group-commit batch; the
 * unit's queries are identical either way, and inside a batch the compare-and-swap is decided
 * against the current row under the write lock, so it succeeds on its first attempt.
 */
import type { Kysely } from 'kysely';
import { CompiledQuery } from './kysely.js';
import {
  AlreadyExistsError,
  NotFoundError,
  UpdateContentionError,
  type Collection,
  type ListOptions,
  type Page,
} from '../contract.js';
import { checkKey, prefixSuccessor } from './ids.js';
import { decodePageToken, encodePageToken } from './page-token.js';
import type { Dialect, TesseraDatabase } from './schema.js';
import type { DocumentCache, Generations } from './document-cache.js';
import type { WritePath } from './writes.js';

// Defined with the contract (services catch it); exported here too for storage's own callers.
export { UpdateContentionError };

export interface DialectAdapter {
  readonly kind: Dialect;
  /** True for the driver's unique/primary-key violation (SQLite SQLITE_CONSTRAINT_*, Postgres 23505). */
  isUniqueViolation(err: unknown): boolean;
  /**
   * A synchronous one-row read outside kysely's connection hand-off, for drivers that can answer
   * at once (better-sqlite3). Returns `null` when it cannot be done safely now (a transaction is
   * open on the shared handle, whose uncommitted rows must not be seen): the caller then reads
   * through kysely, which waits for that transaction to end.
   */
  readRowNow?(sql: string, parameters: readonly unknown[]): Record<string, unknown> | undefined | null;
  /**
   * A point read on the shared handle that the driver may answer together with other point reads
   * issued at the same time (PostgreSQL: postgres/point-reads.ts). Same consistency as one read:
   * it sees every write acknowledged before it was asked for, and nothing uncommitted.
   */
  readRowBatched?(collection: string, id: string): Promise<{ body: string; version: number } | undefined>;
  /**
   * createIfAbsent that the driver may send together with other createIfAbsent calls issued at
   * the same time, in one statement and one commit (PostgreSQL: postgres/batched-creates.ts).
   * Same outcome as the unit below: the database picks the winner, nothing resolves before the
   * commit. Used instead of the WritePath when present.
   */
  createIfAbsentBatched?(collection: string, id: string, body: string): Promise<{ body: string; created: boolean }>;
  /**
   * createIfAbsent of several rows (any collections) in one statement, so in one commit: all of
   * them or none. Each outcome as createIfAbsentBatched gives it, at its index. Groups issued at
   * the same time may share the statement (PostgreSQL: postgres/batched-creates.ts).
   */
  createGroupBatched?(rows: ReadonlyArray<{ collection: string; id: string; body: string }>): Promise<Array<{ body: string; created: boolean }>>;
  /**
   * The collections whose generation the database keeps (migration 2), as read when the storage
   * opened; their gets may be answered from the DocumentCache (document-cache.ts).
   */
  watched?: ReadonlySet<string>;
  /**
   * The current generation of every watched collection, from a read that starts after this call
   * (so it reflects every commit acknowledged before it); `null` when it cannot be read now, and
   * the get then reads the row. Absent (a database before migration 2): every get reads the row.
   */
  generations?(): Generations | Promise<Generations> | null;
}

export interface CollectionDeps {
  /** The shared handle, for reads. */
  db: Kysely<TesseraDatabase>;
  /** Where write units run; see writes.ts. */
  writes: WritePath;
  adapter: DialectAdapter;
  now: () => Date;
  /** Registers the operation as in flight so close() can wait for it. */
  track: <R>(op: () => Promise<R>) => Promise<R>;
  /** Compare-and-swap attempts before UpdateContentionError. */
  casMaxAttempts: number;
  /** Backoff between CAS attempts; injectable so tests need not sleep. */
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Documents of watched collections by generation; absent: every get reads the row. */
  cache?: DocumentCache;
}

export const MAX_LIST_LIMIT = 1000;

/**
 * A statement compiled by kysely once per storage (the dialect decides the text) with a mark in
 * place of each value, then re-bound per call: the point read and the writes of every request
 * skip the query builder and compiler. Marks contain U+0000, which no id, collection or body can
 * (ids.ts).
 */
class Slotted<K extends string> {
  readonly sql: string;
  readonly #slots: Array<K | { value: unknown }>;
  constructor(keys: readonly K[], compile: (marks: Record<K, string>) => CompiledQuery) {
    const marks = Object.fromEntries(keys.map((k) => [k, `\u0000${k}`])) as Record<K, string>;
    const compiled = compile(marks);
    const bySlot = new Map(keys.map((k) => [marks[k], k]));
    this.sql = compiled.sql;
    this.#slots = compiled.parameters.map((p) => bySlot.get(p as string) ?? { value: p });
    for (const k of keys) if (!this.#slots.includes(k)) throw new Error(`statement has no slot for ${k}`);
  }
  parameters(values: Record<K, unknown>): unknown[] {
    return this.#slots.map((s) => (typeof s === 'string' ? values[s] : s.value));
  }
  bind(values: Record<K, unknown>): CompiledQuery {
    return CompiledQuery.raw(this.sql, this.parameters(values));
  }
}

function compileStatements(db: Kysely<TesseraDatabase>) {
  const insert = (m: Record<'collection' | 'id' | 'body' | 'at', string>) =>
    db.insertInto('documents').values({ collection: m.collection, id: m.id, body: m.body, version: 1, created_at: m.at, updated_at: m.at });
  return {
    read: new Slotted(['collection', 'id'], (m) =>
      db.selectFrom('documents').select(['body', 'version']).where('collection', '=', m.collection).where('id', '=', m.id).compile(),
    ),
    create: new Slotted(['collection', 'id', 'body', 'at'], (m) => insert(m).compile()),
    createIfAbsent: new Slotted(['collection', 'id', 'body', 'at'], (m) =>
      insert(m)
        .onConflict((oc) => oc.columns(['collection', 'id']).doNothing())
        .compile(),
    ),
    // Compare-and-swap: only the version that was read is replaced.
    update: new Slotted(['collection', 'id', 'body', 'version', 'next', 'at'], (m) =>
      db
        .updateTable('documents')
        .set({ body: m.body, version: m.next as unknown as number, updated_at: m.at })
        .where('collection', '=', m.collection)
        .where('id', '=', m.id)
        .where('version', '=', m.version as unknown as number)
        .compile(),
    ),
    delete: new Slotted(['collection', 'id'], (m) => db.deleteFrom('documents').where('collection', '=', m.collection).where('id', '=', m.id).compile()),
  };
}

const statementsByDb = new WeakMap<object, ReturnType<typeof compileStatements>>();
/** The storage's statements (compiled on its shared handle; the same text on a unit's). */
function statements(db: Kysely<TesseraDatabase>): ReturnType<typeof compileStatements> {
  let found = statementsByDb.get(db);
  if (found === undefined) statementsByDb.set(db, (found = compileStatements(db)));
  return found;
}

export class SqlCollection<T> implements Collection<T> {
  readonly #cached: boolean;
  readonly #statements: ReturnType<typeof compileStatements>;

  constructor(readonly name: string, private readonly deps: CollectionDeps) {
    this.#statements = statements(deps.db);
    this.#cached = deps.cache !== undefined && deps.adapter.generations !== undefined && deps.adapter.watched?.has(name) === true;
  }

  create(id: string, doc: T): Promise<void> {
    return this.deps.track(async () => {
      checkKey('id', id);
      const body = serialize(doc);
      const insert = this.#statements.create;
      await this.deps.writes.run(async (db) => {
        const at = this.deps.now().toISOString();
        try {
          await db.executeQuery(insert.bind({ collection: this.name, id, body, at }));
        } catch (err) {
          if (this.deps.adapter.isUniqueViolation(err)) throw new AlreadyExistsError(this.name, id);
          throw err;
        }
      });
    });
  }

  createIfAbsent(id: string, doc: T): Promise<{ doc: T; created: boolean }> {
    return this.deps.track(async () => {
      checkKey('id', id);
      const body = serialize(doc);
      const { createIfAbsentBatched } = this.deps.adapter;
      if (createIfAbsentBatched !== undefined) {
        const outcome = await createIfAbsentBatched(this.name, id, body);
        return { doc: JSON.parse(outcome.body) as T, created: outcome.created };
      }
      return this.deps.writes.run((db) => this.createIfAbsentOn(db, id, body));
    });
  }

  /**
   * The createIfAbsent unit's statements on a write unit's handle, for an id already checked and
   * a body already serialised (also what SqlStorage.createIfAbsentInOrder runs per entry).
   * INSERT … ON CONFLICT DO NOTHING, then read: the database decides the single winner. The loop
   * only repeats if the winner's row is deleted between our insert and our read (impossible
   * inside a group-commit batch, which holds the write lock throughout).
   */
  async createIfAbsentOn(db: Kysely<TesseraDatabase>, id: string, body: string): Promise<{ doc: T; created: boolean }> {
    const insert = this.#statements.createIfAbsent;
    for (;;) {
      const at = this.deps.now().toISOString();
      const result = await db.executeQuery(insert.bind({ collection: this.name, id, body, at }));
      if (result.numAffectedRows === 1n) return { doc: JSON.parse(body) as T, created: true };
      const existing = await this.read(db, id);
      if (existing) return { doc: JSON.parse(existing.body) as T, created: false };
    }
  }

  get(id: string): Promise<T | undefined> {
    return this.deps.track(async () => {
      checkKey('id', id);
      const body = this.#cached ? await this.cachedBody(id) : (await this.read(this.deps.db, id))?.body;
      return body === undefined ? undefined : (JSON.parse(body) as T);
    });
  }

  /** The body of a watched collection's document, from the cache when kept at the current generation. */
  private async cachedBody(id: string): Promise<string | undefined> {
    const { cache, adapter } = this.deps;
    const pending = adapter.generations!();
    const generation = (pending === null ? undefined : pending instanceof Map ? pending : await pending)?.get(this.name);
    if (generation === undefined) return (await this.read(this.deps.db, id))?.body;
    const kept = cache!.lookup(this.name, id, generation);
    if (kept !== undefined) return kept ?? undefined;
    // Read after the generation was observed: the row is at least as new as that generation.
    const row = await this.read(this.deps.db, id);
    cache!.store(this.name, id, generation, row?.body ?? null);
    return row?.body;
  }

  list(options: ListOptions): Promise<Page<T>> {
    return this.deps.track(async () => {
      const { limit } = options;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
        throw new RangeError(`list limit must be an integer in 1..${MAX_LIST_LIMIT}`);
      }
      const prefix = options.prefix ?? '';
      checkKey('prefix', prefix);
      const after =
        options.pageToken === undefined ? undefined : decodePageToken(options.pageToken, this.name, prefix);

      const rows = this.#cached ? await this.cachedRows(prefix, after, limit) : await this.readRows(prefix, after, limit);
      const items = rows.slice(0, limit).map((r) => ({ id: r.id, doc: JSON.parse(r.body) as T }));
      const page: Page<T> = { items };
      if (rows.length > limit) page.next = encodePageToken(this.name, prefix, items[items.length - 1]!.id);
      return page;
    });
  }

  /** Up to limit + 1 rows after `after` (one extra row tells whether another page exists). */
  private async readRows(prefix: string, after: string | undefined, limit: number): Promise<Array<{ id: string; body: string }>> {
    let query = this.withPrefix(this.deps.db.selectFrom('documents').select(['id', 'body']).where('collection', '=', this.name), prefix);
    if (after !== undefined) query = query.where('id', '>', after);
    return query.orderBy('id', 'asc').limit(limit + 1).execute();
  }

  /**
   * A watched collection's page rows, from the cache when kept at the current generation: the
   * same rule as cachedBody (rows read after the generation was observed, used only while it is
   * unchanged, so a change committed anywhere before the list was called is seen). Kept under an
   * id that starts with U+0000, which no document id can (checkKey), with the page's limit, start
   * and prefix (none of which contains U+0000 either).
   */
  private async cachedRows(prefix: string, after: string | undefined, limit: number): Promise<Array<{ id: string; body: string }>> {
    const { cache, adapter } = this.deps;
    const pending = adapter.generations!();
    const generation = (pending === null ? undefined : pending instanceof Map ? pending : await pending)?.get(this.name);
    if (generation === undefined) return this.readRows(prefix, after, limit);
    const key = `\u0000list\u0000${limit}\u0000${after === undefined ? '' : `>${after}`}\u0000${prefix}`;
    const kept = cache!.lookup(this.name, key, generation);
    if (kept !== undefined && kept !== null) return JSON.parse(kept) as Array<{ id: string; body: string }>;
    const rows = await this.readRows(prefix, after, limit);
    cache!.store(this.name, key, generation, JSON.stringify(rows.map((r) => ({ id: r.id, body: r.body }))));
    return rows;
  }

  count(prefix?: string): Promise<number> {
    return this.deps.track(async () => {
      const p = prefix ?? '';
      checkKey('prefix', p);
      const row = await this.withPrefix(
        this.deps.db
          .selectFrom('documents')
          .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
          .where('collection', '=', this.name),
        p,
      ).executeTakeFirstOrThrow();
      return Number(row.n);
    });
  }

  update(id: string, updater: (current: T) => T): Promise<T> {
    return this.deps.track(async () => {
      checkKey('id', id);
      const { casMaxAttempts } = this.deps;
      const cas = this.#statements.update;
      return this.deps.writes.run(async (db) => {
        for (let attempt = 1; attempt <= casMaxAttempts; attempt++) {
          const row = await this.read(db, id);
          if (!row) throw new NotFoundError(this.name, id);
          // Throwing here propagates before anything is written.
          const body = serialize(updater(JSON.parse(row.body) as T));
          const result = await db.executeQuery(
            cas.bind({ collection: this.name, id, body, version: row.version, next: row.version + 1, at: this.deps.now().toISOString() }),
          );
          if (result.numAffectedRows === 1n) return JSON.parse(body) as T;
          if (attempt < casMaxAttempts) await this.deps.sleep(this.backoff(attempt));
        }
        throw new UpdateContentionError(this.name, id, casMaxAttempts);
      });
    });
  }

  delete(id: string): Promise<boolean> {
    return this.deps.track(async () => {
      checkKey('id', id);
      const remove = this.#statements.delete;
      return this.deps.writes.run(async (db) => {
        const result = await db.executeQuery(remove.bind({ collection: this.name, id }));
        return (result.numAffectedRows ?? 0n) > 0n;
      });
    });
  }

  private async read(db: Kysely<TesseraDatabase>, id: string): Promise<{ body: string; version: number } | undefined> {
    const { readRowNow, readRowBatched } = this.deps.adapter;
    const shared = db === this.deps.db;
    // Reads on the shared handle (not a write unit's own connection) may share a statement with
    // other reads.
    if (shared && readRowBatched !== undefined) return readRowBatched(this.name, id);
    const statement = this.#statements.read;
    const key = { collection: this.name, id };
    // Or skip kysely's connection hand-off.
    if (shared && readRowNow !== undefined) {
      const row = readRowNow(statement.sql, statement.parameters(key));
      if (row !== null) return row as { body: string; version: number } | undefined;
    }
    const result = await db.executeQuery<{ body: string; version: number }>(statement.bind(key));
    return result.rows[0];
  }

  /** prefix <= id < successor(prefix): a literal, byte-wise, index-friendly prefix match. */
  private withPrefix<Q extends { where: (...args: any[]) => Q }>(query: Q, prefix: string): Q {
    if (prefix === '') return query;
    let q = query.where('id', '>=', prefix);
    const upper = prefixSuccessor(prefix);
    if (upper !== undefined) q = q.where('id', '<', upper);
    return q;
  }

  /** "Full jitter" exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
  private backoff(attempt: number): number {
    return Math.floor(this.deps.random() * Math.min(100, 2 ** attempt));
  }
}

export function serialize(doc: unknown): string {
  const body = JSON.stringify(doc);
  if (body === undefined) throw new TypeError('storage documents must be JSON-serialisable values');
  return body;
}
