/**
 * Embedded SQLite backend (the default): one better-sqlite3 handle on `<dataDir>/tessera.db`,
 * wrapped by kysely's SqliteDialect (which serialises queries on that handle) through a
 * prepared-statement cache (statement-cache.ts), with writes group-committed (group-commit.ts):
 * many writes share one transaction and so one fsync.
 *
 * Durability settings follow security.md R3: journal_mode=WAL with synchronous=FULL, because
 * WAL+NORMAL survives a process crash but may lose acknowledged commits on power loss
 * (sqlite.org/pragma.html#pragma_synchronous). busy_timeout lets another process's writer finish
 * instead of failing with SQLITE_BUSY.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from '../sql/kysely.js';
import type { Storage } from '../contract.js';
import { migrate, type Migration } from '../migrations/index.js';
import type { DialectAdapter } from '../sql/collection.js';
import type { TesseraDatabase } from '../sql/schema.js';
import { SqlStorage, type SqlStorageOptions } from '../sql/storage.js';
import { GroupCommit, type GroupCommitOptions } from './group-commit.js';
import { DEFAULT_STATEMENT_CACHE_SIZE, withStatementCache } from './statement-cache.js';

export { GroupCommit, DEFAULT_MAX_BATCH, type GroupCommitOptions } from './group-commit.js';
export { withStatementCache, DEFAULT_STATEMENT_CACHE_SIZE, type CachingDatabase } from './statement-cache.js';

export const SQLITE_FILE_NAME = 'tessera.db';
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

export const sqliteAdapter: DialectAdapter = {
  kind: 'sqlite',
  // better-sqlite3 throws SqliteError with the extended result code as `code`
  // (sqlite.org/rescode.html#constraint_primarykey, #constraint_unique).
  isUniqueViolation(err) {
    const code = (err as { code?: unknown } | null)?.code;
    return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
  },
};

export interface OpenSqliteOptions extends SqlStorageOptions {
  dataDir: string;
  log?: { info(obj: object, msg?: string): void };
  migrations?: readonly Migration[];
  /**
   * Group commit of writes (default on). `false` commits every write on its own, as before
   * issue #5; kept for measuring (bench/storage-micro.mjs) and for comparison, not for service.
   */
  groupCommit?: boolean | GroupCommitOptions;
  /** How long a group-committed write waits for another process's write lock (default SQLITE_BUSY_TIMEOUT_MS), without blocking the event loop. */
  lockWaitMs?: number;
  /** Prepared statements kept, keyed by SQL text (default 256); 0 prepares every query afresh. */
  statementCacheSize?: number;
}

/**
 * Migrations of one file are serialised inside this process as well: better-sqlite3 is
 * synchronous, so a second handle blocking in BEGIN IMMEDIATE on busy_timeout would freeze the
 * event loop that the first handle needs to finish its transaction.
 */
const migrationQueues = new Map<string, Promise<unknown>>();

function serialisePerFile<R>(file: string, fn: () => Promise<R>): Promise<R> {
  const previous = migrationQueues.get(file) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  migrationQueues.set(file, tail);
  void tail.then(() => {
    if (migrationQueues.get(file) === tail) migrationQueues.delete(file);
  });
  return run;
}

/**
 * Collection generations (migration 2), read synchronously. `PRAGMA data_version` changes when
 * another connection (another worker, another process on the file) committed, and
 * total_changes() when this one changed rows (triggers included); while neither moved, the
 * generations table cannot have changed and the last read is still current, so the common case
 * costs one statement that touches no page (sqlite.org/pragma.html#pragma_data_version,
 * sqlite.org/lang_corefunc.html#total_changes). `null` while a transaction is open on the
 * handle: its uncommitted rows must not be seen.
 */
const CHANGE_COUNTERS = 'select (select data_version from pragma_data_version) as dv, total_changes() as tc';
const READ_GENERATIONS = 'select collection, generation from collection_generations';

function sqliteGenerations(handle: Database.Database, database: { prepare(sql: string): unknown }): () => ReadonlyMap<string, string> | null {
  let last: { dv: number; tc: number; generations: ReadonlyMap<string, string> } | undefined;
  return () => {
    if (handle.inTransaction || !handle.open) return null;
    const { dv, tc } = (database.prepare(CHANGE_COUNTERS) as Database.Statement).get() as { dv: number; tc: number };
    if (last !== undefined && last.dv === dv && last.tc === tc) return last.generations;
    const rows = (database.prepare(READ_GENERATIONS) as Database.Statement).all() as Array<{ collection: string; generation: number }>;
    last = { dv, tc, generations: new Map(rows.map((r) => [r.collection, String(r.generation)])) };
    return last.generations;
  };
}

export async function openSqlite(options: OpenSqliteOptions): Promise<Storage> {
  const dir = resolve(options.dataDir);
  // 0700: the data directory holds key material and identities.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, SQLITE_FILE_NAME);
  const handle = new Database(file);
  try {
    handle.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    const mode = handle.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') throw new Error(`SQLite refused journal_mode=WAL (got ${String(mode)})`);
    handle.pragma('synchronous = FULL');
    handle.pragma('foreign_keys = ON');
  } catch (err) {
    handle.close();
    throw err;
  }

  const database = withStatementCache(handle, options.statementCacheSize ?? DEFAULT_STATEMENT_CACHE_SIZE);
  const db = new Kysely<TesseraDatabase>({ dialect: new SqliteDialect({ database }) });
  try {
    await serialisePerFile(file, () =>
      migrate({
        dialect: 'sqlite',
        migrations: options.migrations,
        now: options.now,
        log: options.log,
        lock: (fn) =>
          db.connection().execute(async (conn) => {
            // IMMEDIATE takes the write lock up front, so a second node waits here (busy_timeout)
            // and then sees the migrations already recorded (sqlite.org/lang_transaction.html).
            await sql`begin immediate`.execute(conn);
            try {
              await fn(conn);
              await sql`commit`.execute(conn);
            } catch (err) {
              await sql`rollback`.execute(conn).catch(() => undefined);
              throw err;
            }
          }),
      }),
    );
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const { groupCommit = true } = options;
  options.log?.info({ kind: 'sqlite', file, groupCommit: groupCommit !== false }, 'storage opened');
  const lockWait = {
    setBusyTimeout: (ms: number) => void handle.pragma(`busy_timeout = ${ms}`),
    restoreBusyTimeout: () => void handle.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`),
    maxWaitMs: options.lockWaitMs ?? SQLITE_BUSY_TIMEOUT_MS,
  };
  const writes = groupCommit === false ? undefined : new GroupCommit(db, { lockWait, ...(groupCommit === true ? {} : groupCommit) });
  // Point reads skip kysely's connection hand-off when no transaction (a group-commit batch, a
  // migration) is open on the handle: better-sqlite3 answers synchronously, so nothing can
  // interleave with the read, and outside a transaction it sees only committed rows.
  // A database migrated only to version 1 (tests pass their own list) has nothing watched.
  const hasGenerations = handle.prepare("select 1 from sqlite_master where type = 'table' and name = 'collection_generations'").get() !== undefined;
  const generations = hasGenerations ? sqliteGenerations(handle, database) : undefined;
  const adapter: DialectAdapter = {
    ...sqliteAdapter,
    ...(generations ? { watched: new Set(generations()!.keys()), generations } : {}),
    readRowNow: (sqlText, parameters) =>
      handle.inTransaction || !handle.open ? null : (database.prepare(sqlText) as Database.Statement).get(...parameters) as Record<string, unknown> | undefined,
  };
  return new SqlStorage(db, adapter, options, writes);
}
