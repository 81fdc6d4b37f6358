/**
 * How a collection's writes reach the database. Every write (create, createIfAbsent, update's
 * compare-and-swap, delete) is one *unit*: an async function over a kysely handle that issues
 * the write's queries and decides its result. The SQL of a unit is the same on every dialect;
 * only the WritePath that runs it differs:
 *
 * - directWrites: the unit runs on the shared handle at once, each statement autocommitting
 *   (PostgreSQL, whose pool already lets concurrent commits share WAL flushes, and SQLite with
 *   group commit turned off).
 * - SQLite group commit (sqlite/group-commit.ts): units queue and run together inside one
 *   transaction, each in its own savepoint, so many writes share one fsync.
 *
 * A unit must use only the handle it is given (never the storage's shared one): under group
 * commit that handle is the single connection holding the open transaction.
 */
import type { Kysely } from 'kysely';
import type { TesseraDatabase } from './schema.js';

export type WriteUnit<R> = (db: Kysely<TesseraDatabase>) => Promise<R>;

export interface WritePath {
  /** Runs the unit; resolves only once its effect is durable (committed). */
  run<R>(unit: WriteUnit<R>): Promise<R>;
  /** Resolves when nothing accepted by run() is still pending. */
  drain(): Promise<void>;
}

export function directWrites(db: Kysely<TesseraDatabase>): WritePath {
  return {
    run: (unit) => unit(db),
    drain: async () => undefined,
  };
}
