/**
 * What point-reads.ts and batched-creates.ts share: requests collected per collection and id
 * until the end of the current turn of the event loop (setImmediate runs after the callbacks of
 * the current phase, so what other requests ask for meanwhile joins), then handed on per
 * collection in chunks of at most `maxIds` distinct ids. Requests for one id are kept in the
 * order they were made.
 */
export class TickBatches<W> {
  /** collection → id → waiters in arrival order. */
  #pending = new Map<string, Map<string, W[]>>();
  #scheduled = false;

  constructor(
    private readonly maxIds: number,
    private readonly send: (collection: string, ids: string[], waiters: Map<string, W[]>) => void,
  ) {
    if (!Number.isInteger(maxIds) || maxIds < 1) throw new RangeError('maxIds must be an integer >= 1');
  }

  add(collection: string, id: string, waiter: W): void {
    let ids = this.#pending.get(collection);
    if (ids === undefined) this.#pending.set(collection, (ids = new Map()));
    const waiting = ids.get(id);
    if (waiting) waiting.push(waiter);
    else ids.set(id, [waiter]);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#scheduled = false;
    const pending = this.#pending;
    this.#pending = new Map();
    for (const [collection, waiters] of pending) {
      const ids = [...waiters.keys()];
      for (let i = 0; i < ids.length; i += this.maxIds) this.send(collection, ids.slice(i, i + this.maxIds), waiters);
    }
  }
}
