/**
 * Collection generations (migration 2) read for every get of a watched collection that is
 * waiting, in one statement per turn of the event loop. The statement is sent after every
 * waiter asked (setImmediate runs after the callbacks of the current phase), in a snapshot of
 * its own, so each waiter gets generations that reflect every commit acknowledged before it
 * asked: the guarantee document-cache.ts rests on. One statement replaces, per turn, the point
 * reads of every watched collection that would otherwise be sent (point-reads.ts).
 */
import type { Kysely } from 'kysely';
import { CompiledQuery } from '../sql/kysely.js';
import { READ_GENERATIONS, generationsFrom, type Generations } from '../sql/document-cache.js';
import type { TesseraDatabase } from '../sql/schema.js';

export { READ_GENERATIONS };

interface Waiter {
  resolve(generations: Generations): void;
  reject(err: unknown): void;
}

export class GenerationReader {
  #waiting: Waiter[] = [];

  constructor(
    private readonly db: Kysely<TesseraDatabase>,
    private readonly onStatement?: () => void,
  ) {}

  read(): Promise<Generations> {
    return new Promise((resolve, reject) => {
      if (this.#waiting.push({ resolve, reject }) === 1) setImmediate(() => void this.#fetch());
    });
  }

  async #fetch(): Promise<void> {
    const waiting = this.#waiting;
    this.#waiting = [];
    this.onStatement?.();
    let generations: Generations;
    try {
      generations = await readGenerations(this.db);
    } catch (err) {
      for (const w of waiting) w.reject(err);
      return;
    }
    for (const w of waiting) w.resolve(generations);
  }
}

/** Every watched collection and its generation (as text: pg returns bigint as a string). */
export async function readGenerations(db: Kysely<TesseraDatabase>): Promise<Generations> {
  const result = await db.executeQuery<{ collection: string; generation: string | number }>(CompiledQuery.raw(READ_GENERATIONS, []));
  return generationsFrom(result.rows);
}
