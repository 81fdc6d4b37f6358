/**
 * Group commit for SQLite. With journal_mode=WAL and synchronous=FULL (security.md R3, kept) every
 * COMMIT fsyncs the WAL, and better-sqlite3 does that on the event loop; one transaction per write
 * capped first sign-in near 130 req/s with the CPU mostly idle (bench/results/2026-11-23-quick.md).
 *
 * Here, write units (sql/writes.ts) issued while a batch is pending queue up, and at the next
 * setImmediate the queue runs as one transaction:
 *
 *   BEGIN IMMEDIATE; { SAVEPOINT op; <unit>; RELEASE op | ROLLBACK TO op; RELEASE op } × n; COMMIT
 *
 * - BEGIN IMMEDIATE takes the write lock up front (sqlite.org/lang_transaction.html), so a unit's
 *   reads and its writes see one state and no other writer (another node on the same file) can
 *   interleave: update's compare-and-swap is decided against the current row and succeeds on its
 *   first attempt, and createIfAbsent racers in one batch all read the single winner's row.
 * - Each unit runs in its own savepoint (sqlite.org/lang_savepoint.html): a unit that fails (a
 *   unique violation → AlreadyExistsError, NotFoundError, an updater that throws) rolls back only
 *   its own statements and only its own promise rejects.
 * - No promise settles before COMMIT has returned, so nothing is acknowledged that a crash could
 *   lose. If BEGIN or COMMIT fails (or a savepoint cannot be rolled back), the transaction is
 *   rolled back and every unit of the batch rejects with that error.
 * - A batch holds at most `maxBatch` units; a longer queue is cut into several transactions, run
 *   back to back.
 *
 * Reads do not queue: they run on the same connection at once. A point read outside any
 * transaction goes straight to better-sqlite3 (synchronous, so nothing interleaves with it, and it
 * sees only committed rows); while a batch's transaction is open, reads go through kysely, whose
 * SqliteDriver lets only one caller hold the connection at a time, so a read never observes a
 * batch's uncommitted rows — it waits for the batch to finish. A read issued after a write's
 * promise resolved therefore sees the write (read-your-writes); a read racing an unacknowledged
 * write may or may not.
 *
 * A batch is begun from setImmediate, never from inside another caller's promise chain: kysely's
 * SQLite path completes in microtasks, so a batch runs from BEGIN to COMMIT without yielding to
 * the event loop, and a second handle on the same file in this process (tests' "two nodes") can
 * never block in BEGIN IMMEDIATE (busy_timeout, synchronously) on a transaction that cannot move.
 */
import type { Kysely } from 'kysely';
import { CompiledQuery } from '../sql/kysely.js';
import type { TesseraDatabase } from '../sql/schema.js';
import type { WritePath, WriteUnit } from '../sql/writes.js';

export const DEFAULT_MAX_BATCH = 256;

export interface GroupCommitOptions {
  /** Most write units in one transaction (default 256). */
  maxBatch?: number;
  /** Called after each successful COMMIT with the number of units it made durable. */
  onCommit?: (units: number) => void;
  /**
   * Waiting for another process's write lock without blocking the event loop. better-sqlite3
   * waits for a lock inside SQLite's busy handler, synchronously: while one worker of a cluster
   * commits, the other would stall, reads and all. With this set, BEGIN IMMEDIATE runs with a
   * busy timeout of 0; on SQLITE_BUSY the batch is retried at each turn of the event loop for
   * the first 2 ms, then from timers (1, 1, 2, 2, 4 ms apart), taking in writes queued meanwhile,
   * until `maxWaitMs` have passed, then fails as a blocking wait would have.
   */
  lockWait?: { setBusyTimeout(ms: number): void; restoreBusyTimeout(): void; maxWaitMs: number };
}

// Another process holds the lock for one batch's transaction (about 0.5 ms alone, about 2 ms
// under load: bench/results/2026-12-03-night-analysis.md §2): for the first SPIN_MS the batch
// retries at the next turn of the event loop (after the I/O that is ready, so requests keep being
// served), then from timers 1, 1, 2, 2, 4 ms apart; a timer alone made every hand-over at least
// a millisecond late.
const SPIN_MS = 2;
const MAX_RETRY_DELAY_MS = 4;

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY_'));
}

class LockBusy extends Error {
  constructor(readonly busy: unknown) {
    super('write lock busy');
  }
}

interface Queued {
  unit: WriteUnit<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

// Raw statements compiled once: they carry no values, and skip kysely's query builder per batch.
const BEGIN = CompiledQuery.raw('begin immediate');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');
const SAVEPOINT = CompiledQuery.raw('savepoint tessera_unit');
const RELEASE = CompiledQuery.raw('release tessera_unit');
const ROLLBACK_TO = CompiledQuery.raw('rollback to tessera_unit');

export class GroupCommit implements WritePath {
  readonly #db: Kysely<TesseraDatabase>;
  readonly #maxBatch: number;
  readonly #onCommit: ((units: number) => void) | undefined;
  readonly #lockWait: GroupCommitOptions['lockWait'];
  #queue: Queued[] = [];
  /** The running flush loop, if any; also what drain() waits for. */
  #flushing: Promise<void> | undefined;
  #scheduled = false;

  constructor(db: Kysely<TesseraDatabase>, options: GroupCommitOptions = {}) {
    const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError('maxBatch must be an integer >= 1');
    this.#db = db;
    this.#maxBatch = maxBatch;
    this.#onCommit = options.onCommit;
    this.#lockWait = options.lockWait;
  }

  run<R>(unit: WriteUnit<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ unit, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  async drain(): Promise<void> {
    while (this.#flushing || this.#queue.length > 0) {
      if (this.#flushing) await this.#flushing;
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  #schedule(): void {
    // A running flush loop picks up whatever was queued meanwhile when its batch ends.
    if (this.#scheduled || this.#flushing) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flushing = this.#flush().finally(() => {
        this.#flushing = undefined;
        // Units queued between the loop's last look and now would otherwise wait forever.
        if (this.#queue.length > 0) this.#schedule();
      });
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      await this.#runBatch(batch);
    }
  }

  async #runBatch(batch: Queued[]): Promise<void> {
    let outcomes: Outcome[];
    const started = performance.now();
    for (let timed = 0; ; ) {
      try {
        outcomes = await this.#transaction(batch);
        break;
      } catch (err) {
        const waited = performance.now() - started;
        if (err instanceof LockBusy && waited < this.#lockWait!.maxWaitMs) {
          if (waited < SPIN_MS) await new Promise((resolve) => setImmediate(resolve));
          else await new Promise((resolve) => setTimeout(resolve, Math.min(2 ** (timed++ >> 1), MAX_RETRY_DELAY_MS)));
          // Writes queued while we waited join this batch: they would wait for the lock anyway.
          if (batch.length < this.#maxBatch) batch.push(...this.#queue.splice(0, this.#maxBatch - batch.length));
          continue;
        }
        const error = err instanceof LockBusy ? err.busy : err;
        for (const q of batch) q.reject(error);
        return;
      }
    }
    this.#onCommit?.(batch.length);
    batch.forEach((q, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) q.resolve(outcome.value);
      else q.reject(outcome.error);
    });
  }

  #transaction(batch: Queued[]): Promise<Outcome[]> {
    return this.#db.connection().execute(async (conn) => {
        if (this.#lockWait) {
          this.#lockWait.setBusyTimeout(0);
          try {
            await conn.executeQuery(BEGIN);
          } catch (err) {
            if (isBusy(err)) throw new LockBusy(err);
            throw err;
          } finally {
            this.#lockWait.restoreBusyTimeout();
          }
        } else {
          await conn.executeQuery(BEGIN);
        }
        try {
          const results: Outcome[] = [];
          for (const { unit } of batch) results.push(await runInSavepoint(conn, unit));
          await conn.executeQuery(COMMIT);
          return results;
        } catch (err) {
          // A failed COMMIT (e.g. a deferred constraint) leaves the transaction open; some errors
          // (SQLITE_FULL, SQLITE_IOERR…) have already rolled it back, so this may fail harmlessly.
          await conn.executeQuery(ROLLBACK).catch(() => undefined);
          throw err;
        }
      });
  }
}

/** One unit inside its own savepoint; its failure is its own, a savepoint failure is the batch's. */
async function runInSavepoint(conn: Kysely<TesseraDatabase>, unit: WriteUnit<unknown>): Promise<Outcome> {
  await conn.executeQuery(SAVEPOINT);
  let outcome: Outcome;
  try {
    outcome = { ok: true, value: await unit(conn) };
  } catch (error) {
    // Throws (failing the whole batch) when the transaction itself is gone.
    await conn.executeQuery(ROLLBACK_TO);
    outcome = { ok: false, error };
  }
  await conn.executeQuery(RELEASE);
  return outcome;
}
