/**
 * Versioned schema migrations, compiled in (never read from files at run time), applied on
 * open and recorded in `tessera_migrations`. Each dialect supplies the lock that makes
 * migrating safe when several nodes start at once: a transaction-scoped advisory lock on
 * PostgreSQL, BEGIN IMMEDIATE (the database write lock) on SQLite. Under the lock the runner
 * re-reads what is applied, so a node that waited finds the work done and applies nothing.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../sql/schema.js';
import { documents } from './0001-documents.js';
import { collectionGenerations } from './0002-collection-generations.js';
import { watchIamPolicies } from './0003-watch-iam-policies.js';
import type { Migration } from './types.js';

export type { Migration, MigrationContext } from './types.js';

/** Append only; never edit or reorder a released migration. */
export const MIGRATIONS: readonly Migration[] = [documents, collectionGenerations, watchIamPolicies];

/** Runs `fn` holding the dialect's migration lock, inside one transaction on one connection. */
export type MigrationLock = (fn: (db: Kysely<any>) => Promise<void>) => Promise<void>;

export interface MigrateOptions {
  dialect: Dialect;
  lock: MigrationLock;
  migrations?: readonly Migration[];
  now?: () => Date;
  log?: { info(obj: object, msg?: string): void };
}

/** Throws unless versions are positive integers in strictly increasing order. */
export function checkMigrationList(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new Error(`migration ${m.name}: version ${m.version} must be an integer greater than ${previous}`);
    }
    previous = m.version;
  }
}

/** Applies every pending migration; returns the versions this call applied. */
export async function migrate(options: MigrateOptions): Promise<number[]> {
  const migrations = options.migrations ?? MIGRATIONS;
  checkMigrationList(migrations);
  const now = options.now ?? (() => new Date());
  const applied: number[] = [];
  await options.lock(async (db) => {
    await db.schema
      .createTable('tessera_migrations')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', options.dialect === 'postgres' ? 'timestamptz' : 'text', (c) => c.notNull())
      .execute();
    const rows: Array<{ version: number }> = await db.selectFrom('tessera_migrations').select('version').execute();
    const done = new Set(rows.map((r) => Number(r.version)));
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...done].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      // A newer release migrated this database; additive migrations keep older nodes working.
      options.log?.info({ unknownVersions: unknown }, 'database has migrations newer than this build');
    }
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await m.up(db, { dialect: options.dialect });
      await db
        .insertInto('tessera_migrations')
        .values({ version: m.version, name: m.name, applied_at: now().toISOString() })
        .execute();
      applied.push(m.version);
      options.log?.info({ version: m.version, name: m.name }, 'applied storage migration');
    }
  });
  return applied;
}
