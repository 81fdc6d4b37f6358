/**
 * Named prepared statements for kysely's PostgresDialect.
 *
 * node-postgres sends a query given as (text, values) as an *unnamed* statement: every execution
 * is Parse + Bind + Execute, so PostgreSQL parses, analyses and plans it again each time
 * (PostgreSQL docs §55.2.3 "Extended Query": "the unnamed prepared statement … lasts only until the
 * next Parse statement specifying the unnamed statement"). Given `{ name, text, values }`,
 * node-postgres parses a statement once per connection and afterwards sends only Bind + Execute
 * (node-postgres docs, "Queries" › "Prepared Statements"); the server keeps the statement and,
 * under plan_cache_mode=auto, re-uses a generic plan once it is no dearer than the custom ones
 * (PostgreSQL docs, PREPARE, "Notes"). For the point read that removes parse and plan from every
 * request.
 *
 * kysely's PostgresConnection calls `client.query(sql, parameters)` on whatever pool it is given
 * (kysely PostgresPool / PostgresPoolClient interfaces), so the hook is a pool wrapper: each
 * checked-out client's query() looks the SQL text up in a StatementNames registry and, for a
 * named text, passes the query-config form instead. Everything else (cursors, release, end) is
 * forwarded untouched.
 *
 * Naming rules:
 * - The name is a hash of the text, so one text has the same name on every connection and two
 *   texts never share a name (node-postgres refuses a name re-used for a different text).
 * - Only DML (select / insert / update / delete / with) is named: DDL and transaction control
 *   have nothing to plan and would only occupy server memory.
 * - The registry names at most `max` distinct texts per storage; later texts run unnamed. All of
 *   SqlCollection's statements are a small fixed set, so the bound only guards against a future
 *   caller generating unbounded texts (e.g. `in (…)` lists), each of which would otherwise stay
 *   prepared on every pooled connection for its lifetime.
 *
 * Caveat: a named statement lives in one server session. A transaction-pooling proxy in front of
 * PostgreSQL (PgBouncer before 1.21 in pool_mode=transaction) may run Bind on a session that
 * never saw the Parse; such deployments set `preparedStatements: false` (see index.ts).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { PostgresPool, PostgresPoolClient } from 'kysely';

export const DEFAULT_MAX_NAMED_STATEMENTS = 256;

/** Statement texts worth preparing: DML, optionally after leading whitespace or a parenthesis. */
const PLANNABLE = /^[\s(]*(select|insert|update|delete|with)\b/i;

export class StatementNames {
  readonly #names = new Map<string, string>();

  constructor(readonly max: number = DEFAULT_MAX_NAMED_STATEMENTS) {
    if (!Number.isInteger(max) || max < 0) throw new RangeError('max named statements must be a non-negative integer');
  }

  /** The statement name for `text`, or undefined when it is to run unnamed. */
  nameFor(text: string): string | undefined {
    const known = this.#names.get(text);
    if (known !== undefined) return known;
    if (this.#names.size >= this.max || !PLANNABLE.test(text)) return undefined;
    // 20 hex digits = 80 bits: collisions are out of reach for a few hundred texts. PostgreSQL
    // identifiers hold 63 bytes (docs §4.1.1), so the name stays well inside.
    const name = `tessera_${createHash('sha256').update(text).digest('hex').slice(0, 20)}`;
    this.#names.set(text, name);
    return name;
  }

  /** The named texts so far (tests EXPLAIN them; see test/storage/postgres-plans.test.ts). */
  texts(): string[] {
    return [...this.#names.keys()];
  }

  get size(): number {
    return this.#names.size;
  }
}

/** Wraps a pg Pool so the clients kysely checks out run registered texts as named statements. */
export function withNamedStatements(pool: pg.Pool, names: StatementNames): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      return {
        query(sqlOrCursor: any, parameters?: ReadonlyArray<unknown>): any {
          if (typeof sqlOrCursor !== 'string') return client.query(sqlOrCursor);
          const name = names.nameFor(sqlOrCursor);
          const values = parameters === undefined ? [] : [...parameters];
          return name === undefined
            ? client.query(sqlOrCursor, values)
            : client.query({ name, text: sqlOrCursor, values });
        },
        release: () => client.release(),
      } as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}
