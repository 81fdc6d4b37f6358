/**
 * The storage conformance suite (design.md §6, after dex's storage/conformance): every backend
 * registers these node:test cases from its own few-line test file and must pass all of them.
 * `open` must return a handle on the same backing store each time it is called (same file, same
 * schema), which is what the reopen and two-node cases rely on. Each case works in a fresh,
 * randomly named collection, so cases do not see each other's documents.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AlreadyExistsError,
  InvalidPageTokenError,
  MAX_ORDERED_CREATES,
  NotFoundError,
  type Collection,
  type Storage,
} from '../contract.js';
import { compareIds } from '../sql/ids.js';
import { StorageClosedError } from '../sql/storage.js';
import { WATCHED_COLLECTIONS_V2 } from '../migrations/0002-collection-generations.js';

const CONCURRENCY = 32;

function byteOrder(ids: string[]): string[] {
  return [...ids].sort(compareIds);
}

/** Runs `fn` over items with at most `width` in flight (keeps pools and fsyncs busy, not flooded). */
async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

export function storageConformance(name: string, open: () => Promise<Storage>): void {
  describe(`storage conformance: ${name}`, () => {
    let storage: Storage;
    const fresh = <T>(): Collection<T> => storage.collection<T>(`conformance.${randomUUID()}`);

    before(async () => {
      storage = await open();
    });
    after(async () => {
      await storage?.close();
    });

    it('answers ping', async () => {
      await storage.ping();
    });

    it('round-trips nested JSON with unicode, escapes and edge numbers unchanged', async () => {
      const c = fresh<unknown>();
      const doc = {
        name: 'Zoë 🤖 ǅ 日本語 עברית e\u0301',
        quotes: 'say "hi" \\ back\nslash\t\u0000nul',
        lone: '\ud800 surrogate',
        numbers: [0, -1, 1.5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e-300],
        flags: { yes: true, no: false, nothing: null },
        deep: { a: { b: { c: { d: [[{ e: ['𝄞'] }]] } } } },
        empty: { obj: {}, arr: [], str: '' },
      };
      await c.create('unicode-ключ-🔑', doc);
      assert.deepEqual(await c.get('unicode-ключ-🔑'), doc);
    });

    it('returns undefined from get of an absent id', async () => {
      assert.equal(await fresh().get('absent'), undefined);
    });

    it('throws AlreadyExistsError when creating an existing id and keeps the first document', async () => {
      const c = fresh<{ n: number }>();
      await c.create('dup', { n: 1 });
      await assert.rejects(c.create('dup', { n: 2 }), (err: unknown) => {
        assert.ok(err instanceof AlreadyExistsError);
        assert.equal(err.id, 'dup');
        return true;
      });
      assert.deepEqual(await c.get('dup'), { n: 1 });
    });

    it(`lets exactly one of ${CONCURRENCY} concurrent create() calls of one id succeed`, async () => {
      const c = fresh<{ by: number }>();
      const results = await Promise.allSettled(
        Array.from({ length: CONCURRENCY }, (_, i) => c.create('contended', { by: i })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(won.length, 1);
      assert.equal(lost.length, CONCURRENCY - 1);
      for (const r of lost) assert.ok(r.reason instanceof AlreadyExistsError, String(r.reason));
      const winner = results.findIndex((r) => r.status === 'fulfilled');
      assert.deepEqual(await c.get('contended'), { by: winner });
    });

    it(`makes ${CONCURRENCY} concurrent createIfAbsent() calls agree on one document with one creator`, async () => {
      const c = fresh<{ by: number }>();
      const results = await Promise.all(
        Array.from({ length: CONCURRENCY }, (_, i) => c.createIfAbsent('contended', { by: i })),
      );
      const creators = results.filter((r) => r.created);
      assert.equal(creators.length, 1);
      for (const r of results) assert.deepEqual(r.doc, creators[0]!.doc);
      assert.deepEqual(await c.get('contended'), creators[0]!.doc);
    });

    it('returns the existing document from createIfAbsent when the id is taken', async () => {
      const c = fresh<{ v: string }>();
      await c.create('x', { v: 'first' });
      assert.deepEqual(await c.createIfAbsent('x', { v: 'second' }), { doc: { v: 'first' }, created: false });
    });

    it('creates the entries of createIfAbsentInOrder across collections and reports each outcome at its index', async () => {
      const a = `conformance.${randomUUID()}`;
      const b = `conformance.${randomUUID()}`;
      await storage.collection(b).create('taken', { v: 'stored' });
      const outcomes = await storage.createIfAbsentInOrder([
        { collection: a, id: 'one', doc: { v: 1 } },
        { collection: b, id: 'taken', doc: { v: 'ignored' } },
        { collection: b, id: 'two', doc: { v: 2 } },
        { collection: a, id: 'one', doc: { v: 'again' } },
      ]);
      assert.deepEqual(outcomes, [
        { doc: { v: 1 }, created: true },
        { doc: { v: 'stored' }, created: false },
        { doc: { v: 2 }, created: true },
        { doc: { v: 1 }, created: false },
      ]);
      assert.deepEqual(await storage.collection(a).get('one'), { v: 1 });
      assert.deepEqual(await storage.collection(b).get('taken'), { v: 'stored' });
      assert.deepEqual(await storage.collection(b).get('two'), { v: 2 });
      assert.deepEqual(await storage.createIfAbsentInOrder([]), []);
    });

    it('writes nothing after the first entry of createIfAbsentInOrder with ifFirstCreated when its id existed', async () => {
      const c = `conformance.${randomUUID()}`;
      await storage.collection(c).create('taken', 'stored');
      const entries = (ids: string[]) => ids.map((id) => ({ collection: c, id, doc: `new ${id}` }));
      assert.deepEqual(await storage.createIfAbsentInOrder(entries(['taken', 'a', 'b']), { ifFirstCreated: true }), [{ doc: 'stored', created: false }]);
      // Only the first decides: a later entry that exists is reported, and the rest still written.
      assert.deepEqual(await storage.createIfAbsentInOrder(entries(['c', 'taken', 'd']), { ifFirstCreated: true }), [
        { doc: 'new c', created: true },
        { doc: 'stored', created: false },
        { doc: 'new d', created: true },
      ]);
      assert.deepEqual((await storage.collection(c).list({ limit: 10 })).items.map((i) => i.id), ['c', 'd', 'taken']);
      // Without it, every entry is written.
      assert.equal((await storage.createIfAbsentInOrder(entries(['taken', 'g']))).length, 2);
      assert.equal(await storage.collection(c).get('g'), 'new g');
    });

    it('checks every id and document of createIfAbsentInOrder before writing any of them', async () => {
      const c = `conformance.${randomUUID()}`;
      const first = { collection: c, id: 'first', doc: 1 };
      await assert.rejects(storage.createIfAbsentInOrder([first, { collection: c, id: 'bad\u0000id', doc: 2 }]), RangeError);
      await assert.rejects(storage.createIfAbsentInOrder([first, { collection: '', id: 'x', doc: 2 }]), RangeError);
      await assert.rejects(storage.createIfAbsentInOrder([first, { collection: c, id: 'y', doc: 10n }]), TypeError);
      await assert.rejects(storage.createIfAbsentInOrder([first, { collection: c, id: 'z', doc: undefined }]), TypeError);
      await assert.rejects(
        storage.createIfAbsentInOrder(Array.from({ length: MAX_ORDERED_CREATES + 1 }, (_, i) => ({ collection: c, id: `n${i}`, doc: i }))),
        RangeError,
      );
      assert.equal(await storage.collection(c).count(), 0);
    });

    it(`makes ${CONCURRENCY} createIfAbsentInOrder calls racing on two handles (two nodes) agree on one creator per entry`, async () => {
      const other = await open();
      try {
        const a = `conformance.${randomUUID()}`;
        const b = `conformance.${randomUUID()}`;
        const handles = [storage, other];
        const results = await Promise.all(
          Array.from({ length: CONCURRENCY }, (_, i) =>
            handles[i % 2]!.createIfAbsentInOrder([
              { collection: a, id: 'index', doc: { by: i } },
              { collection: b, id: 'record', doc: { by: i } },
            ]),
          ),
        );
        for (const entry of [0, 1]) {
          const creators = results.filter((r) => r[entry]!.created);
          assert.equal(creators.length, 1, `entry ${entry}`);
          for (const r of results) assert.deepEqual(r[entry]!.doc, creators[0]![entry]!.doc);
        }
        assert.deepEqual(await storage.collection(a).get('index'), results.find((r) => r[0]!.created)![0]!.doc);
        assert.deepEqual(await other.collection(b).get('record'), results.find((r) => r[1]!.created)![1]!.doc);
      } finally {
        await other.close();
      }
    });

    it('never lets another node see an entry of createIfAbsentInOrder without the entries before it', async () => {
      const other = await open();
      try {
        const a = `conformance.${randomUUID()}`;
        const b = `conformance.${randomUUID()}`;
        const n = 200;
        let done = false;
        const writing = inBatches(Array.from({ length: n }, (_, i) => i), CONCURRENCY, (i) =>
          storage.createIfAbsentInOrder([
            { collection: a, id: `k${i}`, doc: i },
            { collection: b, id: `k${i}`, doc: i },
          ]),
        ).finally(() => {
          done = true;
        });
        let sawLater = 0;
        while (!done) {
          // A read may complete in microtasks alone (SQLite): yield so the writes can commit.
          await new Promise((resolve) => setImmediate(resolve));
          for (let i = 0; i < n; i++) {
            // The later entry first: if it is there, the earlier one was stored before it.
            if ((await other.collection(b).get(`k${i}`)) === undefined) continue;
            sawLater++;
            assert.equal(await other.collection(a).get(`k${i}`), i, `k${i}: later entry visible without the earlier one`);
          }
        }
        await writing;
        assert.equal(await other.collection(a).count(), n);
        assert.equal(await other.collection(b).count(), n);
        assert.ok(sawLater > 0, 'the reader never overlapped the writes');
      } finally {
        await other.close();
      }
    });

    it(`ends at exactly ${CONCURRENCY} after ${CONCURRENCY} concurrent compare-and-swap increments`, async () => {
      const c = fresh<{ n: number }>();
      await c.create('counter', { n: 0 });
      const returned = await Promise.all(
        Array.from({ length: CONCURRENCY }, () => c.update('counter', (d) => ({ n: d.n + 1 }))),
      );
      assert.deepEqual(await c.get('counter'), { n: CONCURRENCY });
      // Each successful swap saw a distinct predecessor, so the returned values are 1..N.
      assert.deepEqual(
        returned.map((d) => d.n).sort((a, b) => a - b),
        Array.from({ length: CONCURRENCY }, (_, i) => i + 1),
      );
    });

    it('returns the new document from update and get sees it', async () => {
      const c = fresh<{ tags: string[] }>();
      await c.create('u', { tags: ['a'] });
      assert.deepEqual(await c.update('u', (d) => ({ tags: [...d.tags, 'b'] })), { tags: ['a', 'b'] });
      assert.deepEqual(await c.get('u'), { tags: ['a', 'b'] });
    });

    it('propagates an error thrown by the updater and leaves the document unchanged', async () => {
      const c = fresh<{ n: number }>();
      await c.create('keep', { n: 7 });
      const boom = new Error('updater refused');
      await assert.rejects(
        c.update('keep', () => {
          throw boom;
        }),
        (err: unknown) => err === boom,
      );
      assert.deepEqual(await c.get('keep'), { n: 7 });
    });

    it('throws NotFoundError from update of an absent id without calling the updater', async () => {
      const c = fresh<{ n: number }>();
      let calls = 0;
      await assert.rejects(
        c.update('absent', (d) => {
          calls++;
          return d;
        }),
        NotFoundError,
      );
      assert.equal(calls, 0);
    });

    it('lists ids in byte-wise UTF-8 order, not UTF-16 or locale order', async () => {
      const c = fresh<{ id: string }>();
      // '\uFFFD' < '😀' in UTF-8 bytes (EF.. < F0..) but not in UTF-16 code units; 'B' < 'a' < 'é'.
      const ids = ['b', 'a', 'B', 'a_', 'a%', 'é', 'e', 'Z', '😀', '\uFFFD', 'a b', 'a-b', '10', '9', 'aa'];
      for (const id of ids) await c.create(id, { id });
      const page = await c.list({ limit: 100 });
      const expected = byteOrder(ids);
      assert.deepEqual(
        page.items.map((i) => i.id),
        expected,
      );
      assert.ok(expected.indexOf('\uFFFD') < expected.indexOf('😀'));
      for (const item of page.items) assert.deepEqual(item.doc, { id: item.id });
      assert.equal(page.next, undefined);
    });

    it('treats % and _ in a prefix literally and matches case-sensitively', async () => {
      const c = fresh<number>();
      const ids = ['a%b', 'a%c', 'axb', 'a_b', 'aXb', 'a', 'A%b', 'a%', 'b%x', 'p', 'p\u{10FFFF}', 'p😀x', 'q'];
      for (const id of ids) await c.create(id, 1);
      const listed = async (prefix: string) => (await c.list({ prefix, limit: 100 })).items.map((i) => i.id);
      assert.deepEqual(await listed('a%'), ['a%', 'a%b', 'a%c']);
      assert.deepEqual(await listed('a_'), ['a_b']);
      assert.deepEqual(await listed('A'), ['A%b']);
      assert.deepEqual(await listed('p'), byteOrder(['p', 'p\u{10FFFF}', 'p😀x']));
      assert.deepEqual(await listed('zzz'), []);
      assert.equal(await c.count('a%'), 3);
      assert.equal(await c.count('a_'), 1);
    });

    it('pages through 2,500 documents with limit 1000 returning every id exactly once, in order', async () => {
      const c = fresh<{ i: number }>();
      // Insertion order differs from id order so the database, not insertion, must sort.
      const ids = Array.from({ length: 2500 }, (_, i) => `doc-${((i * 7919) % 2500).toString(36)}-${i}`);
      await inBatches(ids, 50, (id) => c.create(id, { i: Number(id.split('-')[2]) }));
      await c.create('other-prefix', { i: -1 });
      const seen: string[] = [];
      const sizes: number[] = [];
      let pageToken: string | undefined;
      do {
        const page = await c.list({ prefix: 'doc-', limit: 1000, pageToken });
        sizes.push(page.items.length);
        seen.push(...page.items.map((item) => item.id));
        pageToken = page.next;
      } while (pageToken !== undefined);
      assert.deepEqual(sizes, [1000, 1000, 500]);
      assert.deepEqual(seen, byteOrder(ids));
      assert.equal(new Set(seen).size, 2500);
    });

    it('omits next when the last page is exactly full', async () => {
      const c = fresh<number>();
      await c.create('a', 1);
      await c.create('b', 2);
      const first = await c.list({ limit: 1 });
      assert.ok(first.next);
      const second = await c.list({ limit: 1, pageToken: first.next });
      assert.deepEqual(second.items, [{ id: 'b', doc: 2 }]);
      assert.equal(second.next, undefined);
    });

    it('rejects a page token used with another prefix, another collection, or corrupted', async () => {
      const c = fresh<number>();
      for (const id of ['k1', 'k2', 'k3']) await c.create(id, 1);
      const { next } = await c.list({ prefix: 'k', limit: 1 });
      assert.ok(next);
      await assert.rejects(c.list({ prefix: 'k1', limit: 1, pageToken: next }), InvalidPageTokenError);
      await assert.rejects(c.list({ limit: 1, pageToken: next }), InvalidPageTokenError);
      await assert.rejects(fresh<number>().list({ prefix: 'k', limit: 1, pageToken: next }), InvalidPageTokenError);
      for (const bad of ['', 'not a token!', next.slice(0, -3), Buffer.from('{"v":2}').toString('base64url')]) {
        await assert.rejects(c.list({ prefix: 'k', limit: 1, pageToken: bad }), InvalidPageTokenError, bad);
      }
    });

    it('rejects list limits outside 1..1000', async () => {
      const c = fresh();
      for (const limit of [0, -1, 1001, 1.5, Number.NaN]) {
        await assert.rejects(c.list({ limit }), RangeError, String(limit));
      }
    });

    it('counts all documents or those with a prefix', async () => {
      const c = fresh<number>();
      assert.equal(await c.count(), 0);
      for (const id of ['x1', 'x2', 'y1']) await c.create(id, 0);
      assert.equal(await c.count(), 3);
      assert.equal(await c.count('x'), 2);
      assert.equal(await c.count('z'), 0);
    });

    it('deletes a document once, after which the id is absent and can be created again', async () => {
      const c = fresh<number>();
      await c.create('d', 1);
      assert.equal(await c.delete('d'), true);
      assert.equal(await c.get('d'), undefined);
      assert.equal(await c.delete('d'), false);
      await assert.rejects(c.update('d', (n) => n + 1), NotFoundError);
      await c.create('d', 2);
      assert.deepEqual(await c.get('d'), 2);
    });

    it('isolates collections from each other', async () => {
      const left = fresh<string>();
      const right = fresh<string>();
      await left.create('same', 'left');
      await right.create('same', 'right');
      await left.create('only-left', 'left');
      assert.equal(await left.get('same'), 'left');
      assert.equal(await right.get('same'), 'right');
      assert.equal(await right.get('only-left'), undefined);
      assert.equal(await right.count(), 1);
      assert.deepEqual(
        (await right.list({ limit: 10 })).items.map((i) => i.id),
        ['same'],
      );
      assert.equal(await right.delete('same'), true);
      assert.equal(await left.get('same'), 'left');
    });

    it('refuses ids containing U+0000 or lone surrogates, and empty ids', async () => {
      const c = fresh<number>();
      for (const id of ['a\u0000b', 'x\ud800', '\udc00', '']) {
        await assert.rejects(c.create(id, 1), RangeError, JSON.stringify(id));
      }
    });

    it('keeps data across close and reopen', async () => {
      const collection = `conformance.${randomUUID()}`;
      const first = await open();
      await first.collection<{ kept: boolean }>(collection).create('durable', { kept: true });
      await first.close();
      const second = await open();
      try {
        assert.deepEqual(await second.collection(collection).get('durable'), { kept: true });
      } finally {
        await second.close();
      }
    });

    it(`lets exactly one of ${CONCURRENCY} creates racing across two open handles (two nodes) win`, async () => {
      const other = await open();
      try {
        const collection = `conformance.${randomUUID()}`;
        const handles = [storage, other];
        const results = await Promise.allSettled(
          Array.from({ length: CONCURRENCY }, (_, i) => handles[i % 2]!.collection(collection).create('one', i)),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of results) {
          if (r.status === 'rejected') assert.ok(r.reason instanceof AlreadyExistsError, String(r.reason));
        }
      } finally {
        await other.close();
      }
    });

    // Watched collections (migration 2) may be answered from memory; what a get returns must not
    // change because of it. Another handle is another node.
    it('sees, in a watched collection, every create, update and delete made by another node at once, also after reading the id absent', async () => {
      const other = await open();
      try {
        for (const name of WATCHED_COLLECTIONS_V2) {
          const id = `conformance-${randomUUID()}`;
          const reader = storage.collection<{ v: number }>(name);
          const writer = other.collection<{ v: number }>(name);
          assert.equal(await reader.get(id), undefined, name);
          assert.equal(await reader.get(id), undefined, name);
          await writer.create(id, { v: 1 });
          assert.deepEqual(await reader.get(id), { v: 1 }, `${name} after create`);
          assert.deepEqual(await reader.get(id), { v: 1 }, `${name} read again`);
          await writer.update(id, (d) => ({ v: d.v + 1 }));
          assert.deepEqual(await reader.get(id), { v: 2 }, `${name} after update`);
          await writer.createIfAbsent(`${id}-2`, { v: 3 });
          assert.deepEqual(await reader.get(`${id}-2`), { v: 3 }, `${name} after createIfAbsent`);
          assert.equal(await writer.delete(id), true);
          assert.equal(await reader.get(id), undefined, `${name} after delete`);
          await writer.delete(`${id}-2`);
        }
      } finally {
        await other.close();
      }
    });

    it('sees its own writes to a watched collection at once, and hands every get its own object', async () => {
      const c = storage.collection<{ list: number[] }>(WATCHED_COLLECTIONS_V2[0]);
      const id = `conformance-${randomUUID()}`;
      await c.create(id, { list: [1] });
      const first = (await c.get(id))!;
      first.list.push(99);
      assert.deepEqual(await c.get(id), { list: [1] });
      await c.update(id, (d) => ({ list: [...d.list, 2] }));
      assert.deepEqual(await c.get(id), { list: [1, 2] });
      const [a, b] = await Promise.all([c.get(id), c.get(id)]);
      assert.notEqual(a, b);
      await c.delete(id);
      assert.equal(await c.get(id), undefined);
    });

    it('keeps concurrent gets of a watched collection right while another node rewrites the document', async () => {
      const other = await open();
      try {
        const id = `conformance-${randomUUID()}`;
        const reader = storage.collection<{ v: number }>(WATCHED_COLLECTIONS_V2[1]);
        const writer = other.collection<{ v: number }>(WATCHED_COLLECTIONS_V2[1]);
        await writer.create(id, { v: 0 });
        for (let v = 1; v <= 20; v++) {
          // Reads issued while the write is in flight may see either value; reads issued after it
          // was acknowledged must see the new one.
          const during = Array.from({ length: 8 }, () => reader.get(id));
          await writer.update(id, () => ({ v }));
          for (const doc of await Promise.all(during)) assert.ok(doc!.v === v - 1 || doc!.v === v, `saw ${doc!.v} around write ${v}`);
          const afterWrite = await Promise.all(Array.from({ length: 8 }, () => reader.get(id)));
          for (const doc of afterWrite) assert.equal(doc!.v, v);
        }
      } finally {
        await other.close();
      }
    });

    it('waits for in-flight operations on close, then refuses new ones; closing twice is harmless', async () => {
      const s = await open();
      const collection = `conformance.${randomUUID()}`;
      const c = s.collection<{ n: number }>(collection);
      await c.create('n', { n: 0 });
      const pending = Array.from({ length: 16 }, () => c.update('n', (d) => ({ n: d.n + 1 })));
      const closed = s.close();
      await Promise.all(pending);
      await closed;
      await s.close();
      await assert.rejects(c.get('n'), StorageClosedError);
      await assert.rejects(s.ping(), StorageClosedError);
      assert.deepEqual(await storage.collection(collection).get('n'), { n: 16 });
    });
  });
}
