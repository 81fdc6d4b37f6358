/**
 * A prepared-statement cache in front of better-sqlite3, handed to kysely's SqliteDialect as its
 * `database`. kysely's SqliteDriver calls `database.prepare(sql)` for every query it executes
 * (kysely/dist/esm/dialect/sqlite/sqlite-driver.js, SqliteConnection.executeQuery), and compiling
 * SQL was 8–16 % of server CPU under load (bench/results/2026-11-23-profile-*.md). The SQL layer
 * builds a small, fixed set of statement texts with every value bound as a parameter, so keying
 * statements by SQL text hits almost always; all SQL still goes through kysely, so there is one
 * shared SQL layer for both dialects.
 *
 * better-sqlite3 statements are reusable: each run()/all() binds afresh and resets the statement
 * (github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md#class-statement). The one
 * exception is a statement still mid-iterate() (`busy`); it is never handed out again, a fresh
 * uncached one is prepared instead. Schema changes need no invalidation: sqlite3_prepare_v2
 * statements re-prepare themselves when the schema changes (sqlite.org/c3ref/prepare.html).
 * The cache is a bounded LRU so a caller generating unbounded distinct SQL cannot grow memory.
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export const DEFAULT_STATEMENT_CACHE_SIZE = 256;

export interface CachingDatabase extends SqliteDatabase {
  /** Statements currently cached. */
  readonly cached: number;
}

export function withStatementCache(handle: Database.Database, capacity = DEFAULT_STATEMENT_CACHE_SIZE): CachingDatabase {
  if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('statement cache capacity must be an integer >= 0');
  // Map iteration order is insertion order: re-inserting on a hit keeps the least recently used first.
  const lru = new Map<string, Database.Statement>();
  return {
    get cached() {
      return lru.size;
    },
    close: () => {
      lru.clear();
      handle.close();
    },
    prepare(sql: string): SqliteStatement {
      const hit = lru.get(sql);
      if (hit !== undefined && !hit.busy) {
        lru.delete(sql);
        lru.set(sql, hit);
        return hit;
      }
      const stmt = handle.prepare(sql);
      if (capacity === 0 || hit !== undefined) return stmt;
      lru.set(sql, stmt);
      if (lru.size > capacity) lru.delete(lru.keys().next().value!);
      return stmt;
    },
  };
}
