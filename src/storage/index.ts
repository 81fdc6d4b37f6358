/**
 * Storage: named collections of JSON documents behind the contract in contract.ts, on embedded
 * SQLite (default, `<dataDir>/tessera.db`) or PostgreSQL (`postgres://` / `postgresql://` URL).
 * This folder owns the contract's implementations (sql/ shared over kysely, sqlite/ and
 * postgres/ for dialect specifics), the versioned migrations (migrations/) and the conformance
 * suite every backend must pass (conformance/). Services reach storage only through the contract.
 */
import type { Storage } from './contract.js';

export * from './contract.js';
export { UpdateContentionError } from './sql/collection.js';
export { StorageClosedError } from './sql/storage.js';
export { compareIds } from './sql/ids.js';

export interface OpenStorageOptions {
  /** Absent → embedded SQLite in dataDir. Otherwise a postgres:// or postgresql:// URL. */
  databaseUrl?: string;
  dataDir: string;
  /** PostgreSQL schema to create (if absent) and use; lower-case identifier. */
  postgresSchema?: string;
  log?: { info(obj: object, msg?: string): void };
  /** Clock for created_at/updated_at and migration records. */
  now?: () => Date;
}

export async function openStorage(options: OpenStorageOptions): Promise<Storage> {
  const { databaseUrl } = options;
  if (databaseUrl === undefined) {
    // Each backend's driver is loaded only when it is used, so a SQLite deployment's processes
    // never hold pg's modules, nor a PostgreSQL one's better-sqlite3
    // (bench/results/2026-12-03-eve-analysis.md, "Memory").
    const { openSqlite } = await import('./sqlite/index.js');
    return openSqlite({ dataDir: options.dataDir, log: options.log, now: options.now });
  }
  // Only the scheme is echoed in errors: the URL may carry a password.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const { openPostgres } = await import('./postgres/index.js');
    return openPostgres({
      databaseUrl,
      schema: options.postgresSchema,
      log: options.log,
      now: options.now,
    });
  }
  throw new Error(
    `unsupported databaseUrl${scheme ? ` scheme "${scheme}:"` : ''}: expected postgres:// or postgresql://, ` +
      'or no databaseUrl for embedded SQLite in dataDir',
  );
}
