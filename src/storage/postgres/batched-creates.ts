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
 *
 * Groups (Storage.createIfAbsentInOrder) go out whole in one statement across collections
 * (BATCHED_CREATE_GROUPS), so a group's rows commit together or not at all; the groups asked for
 * in one turn share statements, never split, with the same per-row outcomes as above.
 */
import type { Kysely } from 'kysely';
import { CompiledQuery } from '../sql/kysely.js';
import type { TesseraDatabase } from '../sql/schema.js';
import type { PointReadBatcher } from './point-reads.js';
import { TickBatches } from './tick-batches.js';

/** Any total order serves, as long as every node uses the same one: UTF-16 code units. */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const BATCHED_CREATE_IF_ABSENT =
  'insert into "documents" ("collection", "id", "body", "version", "created_at", "updated_at") ' +
  'select $1::text, k.id, k.body, 1, $4::timestamptz, $4::timestamptz from unnest($2::text[], $3::text[]) as k(id, body) ' +
  'on conflict ("collection", "id") do nothing returning "id"';

/** The same across collections: the statement for groups of rows that must commit together. */
export const BATCHED_CREATE_GROUPS =
  'insert into "documents" ("collection", "id", "body", "version", "created_at", "updated_at") ' +
  'select k.collection, k.id, k.body, 1, $4::timestamptz, $4::timestamptz from unnest($1::text[], $2::text[], $3::text[]) as k(collection, id, body) ' +
  'on conflict ("collection", "id") do nothing returning "collection", "id"';

/** Most ids in one statement; more in one turn are split into several statements. */
export const DEFAULT_MAX_CREATES_PER_STATEMENT = 100;

export interface CreateBatchOptions {
  maxIds?: number;
  /** Called for every insert statement sent, with its collection ('*' for groups) and number of distinct ids. */
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

  /** Groups of rows waiting for the end of this turn, each to go whole into one statement. */
  #groups: Array<Array<{ collection: string; id: string; caller: Caller }>> = [];

  /**
   * The rows of one group in one statement (any collections), so they commit together or not at
   * all; groups asked for in the same turn share statements of up to `maxIds` rows (a group is
   * never split). Each row's outcome is what createIfAbsent would give it.
   */
  createGroup(rows: ReadonlyArray<{ collection: string; id: string; body: string }>): Promise<Array<{ body: string; created: boolean }>> {
    const group: Array<{ collection: string; id: string; caller: Caller }> = [];
    const outcomes = rows.map(
      ({ collection, id, body }) =>
        new Promise<{ body: string; created: boolean }>((resolve, reject) => group.push({ collection, id, caller: { body, resolve, reject } })),
    );
    if (this.#groups.push(group) === 1) setImmediate(() => this.#flushGroups());
    return Promise.all(outcomes);
  }

  #flushGroups(): void {
    const groups = this.#groups;
    this.#groups = [];
    const max = this.options.maxIds ?? DEFAULT_MAX_CREATES_PER_STATEMENT;
    let chunk: typeof groups = [];
    let size = 0;
    for (const group of groups) {
      if (size > 0 && size + group.length > max) {
        void this.#insertGroups(chunk);
        chunk = [];
        size = 0;
      }
      chunk.push(group);
      size += group.length;
    }
    if (chunk.length > 0) void this.#insertGroups(chunk);
  }

  async #insertGroups(groups: Array<Array<{ collection: string; id: string; caller: Caller }>>): Promise<void> {
    // One row per distinct (collection, id); its callers in the order they asked.
    const rows = new Map<string, { collection: string; id: string; callers: Caller[] }>();
    for (const group of groups) {
      for (const { collection, id, caller } of group) {
        const key = `${collection}\u0000${id}`;
        const row = rows.get(key);
        if (row) row.callers.push(caller);
        else rows.set(key, { collection, id, callers: [caller] });
      }
    }
    // In one order for every statement on every node (see #insert).
    const list = [...rows.values()].sort((a, b) => byCodeUnits(a.collection, b.collection) || byCodeUnits(a.id, b.id));
    this.options.onStatement?.('*', list.length);
    let inserted: Set<string>;
    try {
      const at = this.now().toISOString();
      const result = await this.db.executeQuery<{ collection: string; id: string }>(
        CompiledQuery.raw(BATCHED_CREATE_GROUPS, [list.map((r) => r.collection), list.map((r) => r.id), list.map((r) => r.callers[0]!.body), at]),
      );
      inserted = new Set(result.rows.map((r) => `${r.collection}\u0000${r.id}`));
    } catch (err) {
      for (const row of list) for (const c of row.callers) c.reject(err);
      return;
    }
    for (const [key, { collection, id, callers }] of rows) {
      if (inserted.has(key)) {
        const body = callers[0]!.body;
        callers.forEach((c, n) => c.resolve({ body, created: n === 0 }));
        continue;
      }
      this.#readBack(collection, id, callers);
    }
  }

  async #insert(collection: string, asked: string[], callers: Map<string, Caller[]>): Promise<void> {
    // Rows are inserted, and their keys locked, in one order on every node: two statements racing
    // on the same ids in opposite orders would otherwise wait on each other until PostgreSQL
    // aborted one of them as a deadlock (40P01), failing its callers.
    const ids = [...asked].sort(byCodeUnits);
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
      this.#readBack(collection, id, waiting);
    }
  }

  /**
   * Taken: the stored document is every caller's answer. Read after the insert, so it is the row
   * that made ours conflict, or a later version of it.
   */
  #readBack(collection: string, id: string, waiting: Caller[]): void {
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
