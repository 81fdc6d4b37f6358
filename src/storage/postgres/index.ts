/**
 * PostgreSQL backend: a bounded pg Pool wrapped by kysely's PostgresDialect, with the documents
 * statements run as named prepared statements (named-statements.ts: parsed once per connection
 * instead of parsed and planned on every call; measured by bench/storage-micro-pg.mjs).
 *
 * An optional schema (test isolation, or several deployments in one database) is created under
 * the migration lock and selected on every pooled connection through the startup `options`
 * parameter (`-c search_path=…`, PostgreSQL docs §34.1.2 "options"), so it is in force before the
 * first query on any connection rather than racing a SET after connect.
 */
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from '../sql/kysely.js';
import type { Storage } from '../contract.js';
import { migrate, type Migration } from '../migrations/index.js';
import type { DialectAdapter } from '../sql/collection.js';
import type { TesseraDatabase } from '../sql/schema.js';
import { SqlStorage, type SqlStorageOptions } from '../sql/storage.js';
import { StatementNames, withNamedStatements } from './named-statements.js';
import { PointReadBatcher, type PointReadOptions } from './point-reads.js';
import { CreateIfAbsentBatcher, type CreateBatchOptions } from './batched-creates.js';
import { GenerationReader, readGenerations } from './generations.js';

export { StatementNames, withNamedStatements, DEFAULT_MAX_NAMED_STATEMENTS } from './named-statements.js';
export { PointReadBatcher, BATCHED_POINT_READ, DEFAULT_MAX_IDS_PER_READ, type PointReadOptions } from './point-reads.js';
export { GenerationReader, READ_GENERATIONS } from './generations.js';
export { CreateIfAbsentBatcher, BATCHED_CREATE_IF_ABSENT, DEFAULT_MAX_CREATES_PER_STATEMENT, type CreateBatchOptions } from './batched-creates.js';

export const POSTGRES_POOL_SIZE = 10;

export const postgresAdapter: DialectAdapter = {
  kind: 'postgres',
  // SQLSTATE 23505 unique_violation (PostgreSQL docs Appendix A).
  isUniqueViolation(err) {
    return (err as { code?: unknown } | null)?.code === '23505';
  },
};

/** Unquoted lower-case identifiers only, so the name needs no quoting anywhere it is used. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface OpenPostgresOptions extends SqlStorageOptions {
  databaseUrl: string;
  schema?: string;
  poolSize?: number;
  log?: { info(obj: object, msg?: string): void };
  migrations?: readonly Migration[];
  /**
   * Run DML as named prepared statements (default true). `false` sends every query unnamed, as
   * before issue #5: for a transaction-pooling proxy that cannot keep per-session statements, and
   * for measuring (bench/storage-micro-pg.mjs). A StatementNames instance is used as the registry
   * (tests read back which texts were named).
   */
  preparedStatements?: boolean | StatementNames;
  /**
   * Send the point reads issued in one turn of the event loop as one statement per collection
   * (default true; point-reads.ts). `false` reads each row with its own statement: for measuring.
   */
  batchPointReads?: boolean | PointReadOptions;
  /**
   * Send the createIfAbsent calls issued in one turn of the event loop as one insert per
   * collection (default true; batched-creates.ts). `false`: one statement each, for measuring.
   */
  batchCreates?: boolean | CreateBatchOptions;
  /** Called for every collection-generations statement sent (tests count them). */
  onGenerationsStatement?: () => void;
}

/** Adds `-c search_path=<schema>` to the URL's `options` parameter, keeping any already there. */
export function withSearchPath(databaseUrl: string, schema: string): string {
  const url = new URL(databaseUrl);
  const existing = url.searchParams.get('options');
  url.searchParams.set('options', [existing, `-c search_path=${schema}`].filter(Boolean).join(' '));
  return url.toString();
}

export async function openPostgres(options: OpenPostgresOptions): Promise<Storage> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`postgresSchema must match ${SCHEMA_NAME} (got ${JSON.stringify(schema)})`);
  }
  const pool = new pg.Pool({
    connectionString: schema === undefined ? options.databaseUrl : withSearchPath(options.databaseUrl, schema),
    max: options.poolSize ?? POSTGRES_POOL_SIZE,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled it would crash the
  // process. The pool discards the client and the next query opens a new one.
  pool.on('error', (err) => options.log?.info({ err: err.message }, 'postgres idle connection error'));

  const { preparedStatements = true } = options;
  const names =
    preparedStatements === false ? undefined : preparedStatements === true ? new StatementNames() : preparedStatements;
  const db = new Kysely<TesseraDatabase>({
    dialect: new PostgresDialect({ pool: names === undefined ? pool : withNamedStatements(pool, names) }),
  });
  try {
    await migrate({
      dialect: 'postgres',
      migrations: options.migrations,
      now: options.now,
      log: options.log,
      lock: (fn) =>
        db.transaction().execute(async (trx) => {
          // Transaction-scoped advisory lock keyed by schema: released by commit or rollback, even
          // if this node dies mid-migration (PostgreSQL docs §13.3.5 "Advisory Locks").
          await sql`select pg_advisory_xact_lock(hashtext(${`tessera.migrations:${schema ?? ''}`}))`.execute(trx);
          // CREATE SCHEMA IF NOT EXISTS is not race-free on its own (concurrent creators can hit
          // a unique violation in pg_namespace), hence it runs under the lock.
          if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(trx);
          await fn(trx);
        }),
    });
  } catch (err) {
    await db.destroy();
    throw err;
  }
  options.log?.info({ kind: 'postgres', schema: schema ?? null }, 'storage opened');
  const { batchPointReads = true, batchCreates = true } = options;
  const reads = batchPointReads === false ? undefined : new PointReadBatcher(db, batchPointReads === true ? {} : batchPointReads);
  // The read-back of a taken id goes through a batcher of its own when reads are not batched.
  const creates =
    batchCreates === false
      ? undefined
      : new CreateIfAbsentBatcher(db, reads ?? new PointReadBatcher(db), options.now ?? (() => new Date()), batchCreates === true ? {} : batchCreates);
  // A database migrated only to version 1 (tests pass their own list) has nothing watched.
  let watched: ReadonlySet<string> | undefined;
  try {
    const found = await sql<{ t: string | null }>`select to_regclass('collection_generations')::text as t`.execute(db);
    if (found.rows[0]?.t != null) watched = new Set((await readGenerations(db)).keys());
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const generations = new GenerationReader(db, options.onGenerationsStatement);
  const adapter: DialectAdapter = {
    ...postgresAdapter,
    ...(watched ? { watched, generations: () => generations.read() } : {}),
    ...(reads ? { readRowBatched: (collection: string, id: string) => reads.read(collection, id) } : {}),
    ...(creates
      ? {
          createIfAbsentBatched: (collection: string, id: string, body: string) => creates.createIfAbsent(collection, id, body),
          createGroupBatched: (rows: ReadonlyArray<{ collection: string; id: string; body: string }>) => creates.createGroup(rows),
        }
      : {}),
  };
  return new SqlStorage(db, adapter, options);
}
