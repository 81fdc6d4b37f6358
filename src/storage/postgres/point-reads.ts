/**
 * Point reads answered together (PostgreSQL). Every query costs the Node process a socket write
 * and a read, and waking the PostgreSQL backend is charged to the writer; on gcfi-warm those
 * round trips, not SQL, dominated the server's CPU (bench/results/2026-12-03-pm-analysis.md).
 * Under load many requests read at the same moment, so the point reads issued within one turn of
 * the event loop are sent as one statement per collection:
 *
 *   select "id", "body", "version" from "documents" where "collection" = $1 and "id" = any($2::text[])
 *
 * which PostgreSQL answers from documents_pkey, like the single-row read.
 *
 * Consistency is that of a single-row read. A read is sent after it was asked for, in a
 * statement of its own snapshot, so it sees every write acknowledged before it was asked for
 * (read-your-writes), and nothing uncommitted. Only reads on the shared pool are batched; reads
 * inside a transaction stay on that transaction's connection (SqlCollection decides).
 */
import type { Kysely } from 'kysely';
import { CompiledQuery } from '../sql/kysely.js';
import type { TesseraDatabase } from '../sql/schema.js';
import { TickBatches } from './tick-batches.js';

export interface StoredRow {
  body: string;
  version: number;
}

/** Most ids in one statement; a longer queue for one collection is split into several. */
export const DEFAULT_MAX_IDS_PER_READ = 100;

export const BATCHED_POINT_READ =
  'select "id", "body", "version" from "documents" where "collection" = $1 and "id" = any($2::text[])';

export interface PointReadOptions {
  /** Most ids in one statement (default DEFAULT_MAX_IDS_PER_READ). */
  maxIds?: number;
  /** Called for every statement sent, with its collection and number of distinct ids. */
  onStatement?(collection: string, ids: number): void;
}

interface Waiter {
  resolve(row: StoredRow | undefined): void;
  reject(err: unknown): void;
}

export class PointReadBatcher {
  /** One id asked twice in a turn is read once. */
  readonly #batches: TickBatches<Waiter>;

  constructor(
    private readonly db: Kysely<TesseraDatabase>,
    private readonly options: PointReadOptions = {},
  ) {
    this.#batches = new TickBatches(options.maxIds ?? DEFAULT_MAX_IDS_PER_READ, (collection, ids, waiters) => void this.#fetch(collection, ids, waiters));
  }

  read(collection: string, id: string): Promise<StoredRow | undefined> {
    return new Promise((resolve, reject) => this.#batches.add(collection, id, { resolve, reject }));
  }

  async #fetch(collection: string, ids: string[], waiters: Map<string, Waiter[]>): Promise<void> {
    this.options.onStatement?.(collection, ids.length);
    let rows: Map<string, StoredRow & { id: string }>;
    try {
      const result = await this.db.executeQuery<StoredRow & { id: string }>(CompiledQuery.raw(BATCHED_POINT_READ, [collection, ids]));
      rows = new Map(result.rows.map((r) => [r.id, r]));
    } catch (err) {
      for (const id of ids) for (const w of waiters.get(id)!) w.reject(err);
      return;
    }
    for (const id of ids) {
      const row = rows.get(id);
      // Each caller gets its own object: none can alter what another was given.
      for (const w of waiters.get(id)!) w.resolve(row && { body: row.body, version: row.version });
    }
  }
}
