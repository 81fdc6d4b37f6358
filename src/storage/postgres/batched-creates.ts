/**
 * createIfAbsent calls issued together share one statement and one commit (PostgreSQL), as the
 * point reads do (point-reads.ts): a first sign-in creates three documents, each of them a round
 * trip and a commit of its own, and under load many sign-ins create at the same moment. The
 * calls made within one turn of the event loop go out, per collection, as
 *
 *   insert into "documents" (…) select $1::text, k.id, k.body, 1, $4::timestamptz, $4::timestamptz
 *     from unnest($2::text[], $3::text[]) as k(id, body)
 *   on conflict ("collection", "id") do nothing returning "id"
 *
 * What a caller sees is what one createIfAbsent would give it:
 * - The database still decides every winner: an id that already exists is not inserted (the
 *   primary key, never a read first), and its caller gets the stored document with
 *   `created: false`, read after the insert.
 * - Callers asking for the same id in one batch are served in call order: the first one's
 *   document is inserted (or the stored one is found) and every later one gets that document
 *   with `created: false`, exactly as if they had run one after another.
 * - Nothing resolves before the statement has committed (autocommit), so nothing acknowledged can
 *   be lost; if the statement fails, every call in it fails and nothing of it was written.
 * - A stored document deleted between the insert and the read-back is tried again, as the single
 *   call's loop does.
 */
import type { Kysely } from 'kysely';
import { CompiledQuery } from '../sql/kysely.js';
import type { TesseraDatabase } from '../sql/schema.js';
import type { PointReadBatcher } from './point-reads.js';
import { TickBatches } from './tick-batches.js';

export const BATCHED_CREATE_IF_ABSENT =
  'insert into "documents" ("collection", "id", "body", "version", "created_at", "updated_at") ' +
  'select $1::text, k.id, k.body, 1, $4::timestamptz, $4::timestamptz from unnest($2::text[], $3::text[]) as k(id, body) ' +
  'on conflict ("collection", "id") do nothing returning "id"';

/** Most ids in one statement; more in one turn are split into several statements. */
export const DEFAULT_MAX_CREATES_PER_STATEMENT = 100;

export interface CreateBatchOptions {
  maxIds?: number;
  /** Called for every insert statement sent, with its collection and number of distinct ids. */
  onStatement?(collection: string, ids: number): void;
}

interface Caller {
  body: string;
  resolve(outcome: { body: string; created: boolean }): void;
  reject(err: unknown): void;
}

export class CreateIfAbsentBatcher {
  /** Callers of one id in a turn, in call order. */
  readonly #batches: TickBatches<Caller>;

  constructor(
    private readonly db: Kysely<TesseraDatabase>,
    private readonly reads: PointReadBatcher,
    private readonly now: () => Date,
    private readonly options: CreateBatchOptions = {},
  ) {
    this.#batches = new TickBatches(options.maxIds ?? DEFAULT_MAX_CREATES_PER_STATEMENT, (collection, ids, callers) => void this.#insert(collection, ids, callers));
  }

  createIfAbsent(collection: string, id: string, body: string): Promise<{ body: string; created: boolean }> {
    return new Promise((resolve, reject) => this.#batches.add(collection, id, { body, resolve, reject }));
  }

  async #insert(collection: string, ids: string[], callers: Map<string, Caller[]>): Promise<void> {
    this.options.onStatement?.(collection, ids.length);
    const bodies = ids.map((id) => callers.get(id)![0]!.body);
    let inserted: Set<string>;
    try {
      const at = this.now().toISOString();
      const result = await this.db.executeQuery<{ id: string }>(CompiledQuery.raw(BATCHED_CREATE_IF_ABSENT, [collection, ids, bodies, at]));
      inserted = new Set(result.rows.map((r) => r.id));
    } catch (err) {
      for (const id of ids) for (const c of callers.get(id)!) c.reject(err);
      return;
    }
    for (const [i, id] of ids.entries()) {
      const waiting = callers.get(id)!;
      if (inserted.has(id)) {
        // The first caller's document was inserted; the later ones find it.
        waiting.forEach((c, n) => c.resolve({ body: bodies[i]!, created: n === 0 }));
        continue;
      }
      // Taken: the stored document is every caller's answer. Read after the insert, so it is the
      // row that made ours conflict, or a later version of it.
      void this.reads.read(collection, id).then(
        (row) => {
          if (row) for (const c of waiting) c.resolve({ body: row.body, created: false });
          // Deleted in between: the callers try again, in the same order.
          else for (const c of waiting) this.#batches.add(collection, id, c);
        },
        (err: unknown) => {
          for (const c of waiting) c.reject(err);
        },
      );
    }
  }
}
