/**
 * Documents of watched collections kept in memory, each under the collection generation it was
 * read at (migration 2: the database adds one to a collection's generation in the same
 * transaction as every change of one of its documents).
 *
 * A get first learns the current generations, from a read that starts after the get was called
 * (PostgreSQL: one statement per turn of the event loop for every get waiting,
 * postgres/generations.ts; SQLite: the generations last read, for as long as the WAL-index header
 * shows no commit since, sqlite/wal-index.ts). An entry is used only if it was read at that very
 * generation. Why that is never stale: the entry's body was read
 * after its generation g was observed; the get observed g too, later, and generations only grow,
 * so no change to the collection committed between the two. A change committed before the get
 * was called has moved the generation past g, and the get reads the row again. Absence is kept
 * the same way (a create moves the generation too).
 *
 * Bounded by entries and by characters (LRU); a body longer than maxDocChars is never kept.
 * Bodies are kept as text and parsed per get, so no caller can alter what another is given.
 */

/** Every watched collection and its generation, on either backend. */
export const READ_GENERATIONS = 'select "collection", "generation" from "collection_generations"';

/** Current generation per watched collection (the keys are the watched collections). */
export type Generations = ReadonlyMap<string, string>;

/** The rows of READ_GENERATIONS as Generations (the driver's bigint, number or text as text). */
export function generationsFrom(rows: ReadonlyArray<{ collection: string; generation: string | number | bigint }>): Generations {
  return new Map(rows.map((r) => [r.collection, String(r.generation)]));
}

export interface DocumentCacheOptions {
  /** Most documents kept (default 4,096). */
  maxEntries?: number;
  /** Most characters of bodies kept, summed (default 8 Mi). */
  maxChars?: number;
  /** Bodies longer than this are not kept (default 256 Ki). */
  maxDocChars?: number;
}

export const DEFAULT_DOCUMENT_CACHE = { maxEntries: 4096, maxChars: 8 * 1024 * 1024, maxDocChars: 256 * 1024 } as const;

interface Entry {
  generation: string;
  /** null: the document was absent at this generation. */
  body: string | null;
}

export class DocumentCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #maxChars: number;
  readonly #maxDocChars: number;
  #chars = 0;
  /** Lookups answered from memory, and lookups that had to read the row (for tests and diagnostics). */
  hits = 0;
  misses = 0;

  constructor(options: DocumentCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? DEFAULT_DOCUMENT_CACHE.maxEntries;
    this.#maxChars = options.maxChars ?? DEFAULT_DOCUMENT_CACHE.maxChars;
    this.#maxDocChars = options.maxDocChars ?? DEFAULT_DOCUMENT_CACHE.maxDocChars;
    for (const [name, value] of [['maxEntries', this.#maxEntries], ['maxChars', this.#maxChars], ['maxDocChars', this.#maxDocChars]] as const) {
      if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be an integer >= 0`);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  get chars(): number {
    return this.#chars;
  }

  /** The body kept for this generation: a string, null (known absent), or undefined (not kept). */
  lookup(collection: string, id: string, generation: string): string | null | undefined {
    const key = keyOf(collection, id);
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    if (entry.generation !== generation) {
      this.#remove(key, entry);
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Most recently used last.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.body;
  }

  store(collection: string, id: string, generation: string, body: string | null): void {
    const key = keyOf(collection, id);
    const previous = this.#entries.get(key);
    if (previous !== undefined) this.#remove(key, previous);
    const size = body?.length ?? 0;
    if (size > this.#maxDocChars || size > this.#maxChars || this.#maxEntries === 0) return;
    this.#entries.set(key, { generation, body });
    this.#chars += size;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#chars <= this.#maxChars) break;
      this.#remove(oldest, entry);
    }
  }

  #remove(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#chars -= entry.body?.length ?? 0;
  }
}

/** Ids and collection names never contain U+0000 (checkKey), so the pair is unambiguous. */
function keyOf(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}
