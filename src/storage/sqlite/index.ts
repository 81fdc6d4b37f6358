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
import { WAL_INDEX_HEADER_BYTES, WalIndexHeader } from './wal-index.js';
import { READ_GENERATIONS, generationsFrom, type Generations } from '../sql/document-cache.js';

export { GroupCommit, DEFAULT_MAX_BATCH, type GroupCommitOptions } from './group-commit.js';
export { withStatementCache, DEFAULT_STATEMENT_CACHE_SIZE, type CachingDatabase } from './statement-cache.js';
export { WalIndexHeader, isValidWalIndexHeader, WAL_INDEX_HEADER_BYTES, WAL_INDEX_VERSION } from './wal-index.js';

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
  //
  // Documents of watched collections (migration 2) are kept in memory by generation
  // (sql/document-cache.ts). A get learns the generations without a read transaction: the
  // WAL-index header (wal-index.ts) changes with every commit by any connection in any process,
  // so while it reads the same as when the generations were last read, they are still current;
  // when it has changed, or cannot be read consistently, the generations are read again (one
  // statement), or the get reads its row. A read transaction for the check alone would cost what
  // the point read costs (bench/results/2026-12-03-late-analysis.md).
  let watched: ReadonlySet<string> | undefined;
  let walIndex: WalIndexHeader | undefined;
  const readGenerationsNow = (): Generations =>
    generationsFrom((database.prepare(READ_GENERATIONS) as Database.Statement).all() as Array<{ collection: string; generation: number | bigint }>);
  try {
    if (handle.prepare("select 1 from sqlite_master where type = 'table' and name = 'collection_generations'").get() !== undefined) {
      watched = new Set(readGenerationsNow().keys());
      walIndex = new WalIndexHeader(`${file}-shm`);
    }
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const header = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
  let known: { header: Buffer; generations: Generations } | undefined;
  const adapter: DialectAdapter = {
    ...sqliteAdapter,
    readRowNow: (sqlText, parameters) =>
      handle.inTransaction || !handle.open ? null : (database.prepare(sqlText) as Database.Statement).get(...parameters) as Record<string, unknown> | undefined,
    ...(watched && walIndex
      ? {
          watched,
          generations: () => {
            if (!handle.open || !walIndex.read(header)) return null;
            if (known !== undefined && header.equals(known.header)) return known.generations;
            // Not inside a transaction of this handle (a group-commit batch): the read would see
            // the batch's uncommitted changes. The get reads its row instead. (While the header
            // is unchanged, the answer above holds inside a batch too: it is the committed state,
            // and no other connection can commit while the batch holds the write lock.)
            if (handle.inTransaction) return null;
            // The header was read first: generations read now are at least as new as it, and
            // they are reused only while the header stays the same, i.e. nothing was committed.
            known = { header: Buffer.from(header), generations: readGenerationsNow() };
            return known.generations;
          },
        }
      : {}),
  };
  return new SqlStorage(db, adapter, options, writes);
}
