/**
 * An in-memory Storage for unit tests of components that only need the contract. Every call
 * yields to the event loop first, so concurrent callers interleave as they would against a real
 * database; createIfAbsent is atomic, as the contract requires.
 */
import { AlreadyExistsError, InvalidPageTokenError, NotFoundError, type Collection, type Storage } from '../../../src/storage/contract.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

export function createMemoryStorage(): Storage & { dump(name: string): Map<string, unknown> } {
  const collections = new Map<string, Map<string, unknown>>();
  const data = (name: string) => {
    let m = collections.get(name);
    if (!m) collections.set(name, (m = new Map()));
    return m;
  };
  const clone = <T>(v: T): T => structuredClone(v);

  function collection<T>(name: string): Collection<T> {
    const m = data(name) as Map<string, T>;
    return {
      async create(id, doc) {
        await tick();
        if (m.has(id)) throw new AlreadyExistsError(name, id);
        m.set(id, clone(doc));
      },
      async createIfAbsent(id, doc) {
        await tick();
        const existing = m.get(id);
        if (existing !== undefined) return { doc: clone(existing), created: false };
        m.set(id, clone(doc));
        return { doc: clone(doc), created: true };
      },
      async get(id) {
        await tick();
        const v = m.get(id);
        return v === undefined ? undefined : clone(v);
      },
      async list({ prefix = '', limit, pageToken }) {
        await tick();
        let after = '';
        if (pageToken !== undefined) {
          const decoded = Buffer.from(pageToken, 'base64url').toString('utf8');
          if (!decoded.startsWith(`${prefix}\n`)) throw new InvalidPageTokenError();
          after = decoded.slice(prefix.length + 1);
        }
        const ids = [...m.keys()].filter((id) => id.startsWith(prefix) && id > after).sort();
        const items = ids.slice(0, limit).map((id) => ({ id, doc: clone(m.get(id)!) }));
        const last = items.at(-1);
        return ids.length > limit && last ? { items, next: Buffer.from(`${prefix}\n${last.id}`).toString('base64url') } : { items };
      },
      async count(prefix = '') {
        await tick();
        return [...m.keys()].filter((id) => id.startsWith(prefix)).length;
      },
      async update(id, updater) {
        await tick();
        const v = m.get(id);
        if (v === undefined) throw new NotFoundError(name, id);
        const next = updater(clone(v));
        m.set(id, clone(next));
        return clone(next);
      },
      async delete(id) {
        await tick();
        return m.delete(id);
      },
    };
  }

  return {
    kind: 'sqlite',
    collection,
    // All entries at once, in order, after one yield: atomic, which the contract allows.
    async createIfAbsentInOrder(entries, options = {}) {
      await tick();
      const outcomes: Array<{ doc: unknown; created: boolean }> = [];
      for (const { collection: name, id, doc } of entries) {
        const m = data(name);
        const existing = m.get(id);
        if (existing !== undefined) {
          outcomes.push({ doc: clone(existing), created: false });
          if (options.ifFirstCreated && outcomes.length === 1) break;
          continue;
        }
        m.set(id, clone(doc));
        outcomes.push({ doc: clone(doc), created: true });
      }
      return outcomes;
    },
    async ping() {},
    async close() {},
    dump: (name) => data(name),
  };
}
