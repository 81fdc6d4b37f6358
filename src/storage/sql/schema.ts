/**
 * The table shapes kysely type-checks queries against. Both dialects share them; the column
 * types are what the shared SQL layer writes and reads (timestamps are written as ISO-8601
 * strings; PostgreSQL stores them as timestamptz, SQLite as text).
 */
import type { ColumnType } from 'kysely';

export interface DocumentsTable {
  collection: string;
  id: string;
  /** JSON text of the document. */
  body: string;
  /** Starts at 1, +1 on every successful compare-and-swap update. */
  version: number;
  created_at: ColumnType<Date | string, string, string>;
  updated_at: ColumnType<Date | string, string, string>;
}

export interface MigrationsTable {
  version: number;
  name: string;
  applied_at: ColumnType<Date | string, string, never>;
}

/** One row per watched collection; the database adds one on every change of its documents (migration 2). */
export interface CollectionGenerationsTable {
  collection: string;
  /** bigint: pg returns it as a string, better-sqlite3 as a number. */
  generation: number | string | bigint;
}

export interface TesseraDatabase {
  documents: DocumentsTable;
  collection_generations: CollectionGenerationsTable;
  tessera_migrations: MigrationsTable;
}

export type Dialect = 'sqlite' | 'postgres';
