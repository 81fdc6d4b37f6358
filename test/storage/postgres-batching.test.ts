/**
 * PostgreSQL point reads and createIfAbsent calls issued at the same time share a statement
 * (src/storage/postgres/point-reads.ts, batched-creates.ts), and that changes nothing a caller
 * can see. A get answers its own id (absent ids included, one id asked twice, ids of several
 * collections at once), sees every write acknowledged before it was asked for, and fails with the
 * statement it rode in. A createIfAbsent gets the outcome of running alone in call order: one
 * creator per id (also across two nodes), the stored document for a taken id, and nothing written
 * when its statement fails.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openPostgres, DEFAULT_MAX_IDS_PER_READ, DEFAULT_MAX_CREATES_PER_STATEMENT } from '../../src/storage/postgres/index.js';
import type { Storage } from '../../src/storage/index.js';
import { databaseUrl, dropSchema, query, randomSchema, skipUnlessPostgres } from './pg-target.js';

const skip = await skipUnlessPostgres();

describe('postgres point reads issued together', { skip }, () => {
  const schema = randomSchema('pointreads');
  const statements: Array<{ collection: string; ids: number }> = [];
  let storage: Storage;

  before(async () => {
    storage = await openPostgres({ databaseUrl, schema, batchPointReads: { onStatement: (collection, ids) => statements.push({ collection, ids }) } });
    const a = storage.collection<{ n: number }>('reads.a');
    const b = storage.collection<{ n: number }>('reads.b');
    for (let i = 0; i < 250; i++) await a.create(`a/${i}`, { n: i });
    await b.create('b/1', { n: -1 });
  });

  after(async () => {
    await storage?.close();
    await dropSchema(schema);
  });

  it('answers many concurrent gets of two collections with one statement per collection, each get its own row', async () => {
    const a = storage.collection<{ n: number }>('reads.a');
    const b = storage.collection<{ n: number }>('reads.b');
    statements.length = 0;
    const ids = [3, 7, 7, 42, 99, 1000, 0];
    const [fromA, fromB, missingB] = await Promise.all([
      Promise.all(ids.map((i) => a.get(`a/${i}`))),
      b.get('b/1'),
      b.get('b/2'),
    ]);
    assert.deepEqual(fromA, [{ n: 3 }, { n: 7 }, { n: 7 }, { n: 42 }, { n: 99 }, undefined, { n: 0 }]);
    assert.deepEqual(fromB, { n: -1 });
    assert.equal(missingB, undefined);
    // 6 distinct ids of reads.a (7 asked twice), 2 of reads.b.
    assert.deepEqual(statements.sort((x, y) => x.collection.localeCompare(y.collection)), [
      { collection: 'reads.a', ids: 6 },
      { collection: 'reads.b', ids: 2 },
    ]);
    // One id asked twice is two independent documents.
    assert.notEqual(fromA[1], fromA[2]);
  });

  it(`splits more than ${DEFAULT_MAX_IDS_PER_READ} ids of one collection into several statements`, async () => {
    const a = storage.collection<{ n: number }>('reads.a');
    statements.length = 0;
    const docs = await Promise.all(Array.from({ length: 250 }, (_, i) => a.get(`a/${i}`)));
    assert.deepEqual(docs.map((d) => d?.n), Array.from({ length: 250 }, (_, i) => i));
    assert.deepEqual(statements.map((s) => s.ids), [DEFAULT_MAX_IDS_PER_READ, DEFAULT_MAX_IDS_PER_READ, 50]);
  });

  it('sees a write acknowledged before the get was asked for, even when the get shares a statement', async () => {
    const a = storage.collection<{ n: number }>('reads.a');
    for (let round = 0; round < 20; round++) {
      await a.update('a/5', () => ({ n: 1000 + round }));
      const [mine, others] = await Promise.all([a.get('a/5'), Promise.all([a.get('a/6'), a.get('a/8')])]);
      assert.deepEqual(mine, { n: 1000 + round });
      assert.deepEqual(others, [{ n: 6 }, { n: 8 }]);
    }
    await a.delete('a/9');
    assert.deepEqual(await Promise.all([a.get('a/9'), a.get('a/10')]), [undefined, { n: 10 }]);
  });

  it('reads ids with quotes, backslashes, commas, braces and non-ASCII text exactly', async () => {
    const c = storage.collection<{ id: string }>('reads.odd');
    const ids = ['q"uote', 'back\\slash', 'com,ma', '{brace}', 'NULL', 'sp ace', 'ünï/cødé', '"'];
    for (const id of ids) await c.create(id, { id });
    const docs = await Promise.all(ids.map((id) => c.get(id)));
    assert.deepEqual(docs.map((d) => d?.id), ids);
  });

  it('fails every get of a statement that fails, and answers the next gets once the table is back', async () => {
    const own = randomSchema('pointfail');
    const st = await openPostgres({ databaseUrl, schema: own });
    try {
      const a = st.collection<{ n: number }>('reads.a');
      await a.create('a/1', { n: 1 });
      await query(`alter table ${own}.documents rename to documents_away`);
      const settled = await Promise.allSettled([a.get('a/1'), a.get('a/2'), st.collection('reads.b').get('b/1')]);
      assert.deepEqual(settled.map((r) => r.status), ['rejected', 'rejected', 'rejected']);
      await query(`alter table ${own}.documents_away rename to documents`);
      assert.deepEqual(await Promise.all([a.get('a/1'), a.get('a/2')]), [{ n: 1 }, undefined]);
    } finally {
      await st.close();
      await dropSchema(own);
    }
  });
});

describe('postgres createIfAbsent calls issued together', { skip }, () => {
  const schema = randomSchema('creates');
  const inserts: Array<{ collection: string; ids: number }> = [];
  let storage: Storage;
  let other: Storage;

  before(async () => {
    storage = await openPostgres({ databaseUrl, schema, batchCreates: { onStatement: (collection, ids) => inserts.push({ collection, ids }) } });
    other = await openPostgres({ databaseUrl, schema });
  });

  after(async () => {
    await other?.close();
    await storage?.close();
    await dropSchema(schema);
  });

  it('creates concurrent new ids of two collections with one insert per collection, each caller the creator of its own', async () => {
    const a = storage.collection<{ n: number }>('creates.a');
    const b = storage.collection<{ n: number }>('creates.b');
    inserts.length = 0;
    const results = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => a.createIfAbsent(`new/${i}`, { n: i })),
      b.createIfAbsent('new/x', { n: -1 }),
    ]);
    assert.deepEqual(results, [...Array.from({ length: 20 }, (_, i) => ({ doc: { n: i }, created: true })), { doc: { n: -1 }, created: true }]);
    assert.deepEqual(inserts.sort((x, y) => x.collection.localeCompare(y.collection)), [
      { collection: 'creates.a', ids: 20 },
      { collection: 'creates.b', ids: 1 },
    ]);
    assert.deepEqual(await Promise.all([a.get('new/0'), a.get('new/19'), b.get('new/x')]), [{ n: 0 }, { n: 19 }, { n: -1 }]);
    assert.equal(await a.count('new/'), 20);
  });

  it('serves callers of one id in call order: the first creates, the later ones get its document', async () => {
    const c = storage.collection<{ by: number }>('creates.same');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => c.createIfAbsent('one', { by: i })));
    assert.deepEqual(results, Array.from({ length: 8 }, (_, i) => ({ doc: { by: 0 }, created: i === 0 })));
    assert.deepEqual(await c.get('one'), { by: 0 });
  });

  it('gives a taken id the stored document and creates the free ids of the same statement', async () => {
    const c = storage.collection<{ v: string }>('creates.mixed');
    await c.create('taken', { v: 'stored' });
    inserts.length = 0;
    const results = await Promise.all([c.createIfAbsent('taken', { v: 'mine' }), c.createIfAbsent('free', { v: 'mine' })]);
    assert.deepEqual(results, [
      { doc: { v: 'stored' }, created: false },
      { doc: { v: 'mine' }, created: true },
    ]);
    assert.deepEqual(inserts, [{ collection: 'creates.mixed', ids: 2 }]);
    assert.deepEqual(await c.get('taken'), { v: 'stored' });
  });

  it(`splits more than ${DEFAULT_MAX_CREATES_PER_STATEMENT} ids of one collection into several inserts`, async () => {
    const c = storage.collection<{ n: number }>('creates.many');
    inserts.length = 0;
    const results = await Promise.all(Array.from({ length: 230 }, (_, i) => c.createIfAbsent(`m/${i}`, { n: i })));
    assert.ok(results.every((r, i) => r.created && r.doc.n === i));
    assert.deepEqual(inserts.map((s) => s.ids), [DEFAULT_MAX_CREATES_PER_STATEMENT, DEFAULT_MAX_CREATES_PER_STATEMENT, 30]);
    assert.equal(await c.count('m/'), 230);
  });

  it('lets exactly one creator win each id when two nodes race on the same ids', async () => {
    for (let round = 0; round < 10; round++) {
      const ids = Array.from({ length: 12 }, (_, i) => `race/${round}/${i}`);
      const mine = storage.collection<{ node: string }>('creates.race');
      const theirs = other.collection<{ node: string }>('creates.race');
      const results = await Promise.all(ids.flatMap((id) => [mine.createIfAbsent(id, { node: 'a' }), theirs.createIfAbsent(id, { node: 'b' })]));
      for (let i = 0; i < ids.length; i++) {
        const [x, y] = [results[2 * i]!, results[2 * i + 1]!];
        assert.equal(Number(x.created) + Number(y.created), 1, `${ids[i]}: one creator`);
        assert.deepEqual(x.doc, y.doc, `${ids[i]}: both see the winner's document`);
        assert.deepEqual(await mine.get(ids[i]!), x.doc);
      }
    }
  });

  it('never fails with a deadlock when two nodes insert the same ids in opposite orders', async () => {
    for (let round = 0; round < 20; round++) {
      const ids = Array.from({ length: 40 }, (_, i) => `opposite/${round}/${String(i).padStart(2, '0')}`);
      const mine = storage.collection<{ node: string }>('creates.opposite');
      const theirs = other.collection<{ node: string }>('creates.opposite');
      // 16 ids × 2 collections: a full group (MAX_ORDERED_CREATES), the same rows on both nodes.
      const grouped = ids.slice(0, 16);
      const group = (s: Storage, order: string[], node: string) =>
        s.createIfAbsentInOrder(order.flatMap((id) => [{ collection: 'groups.opposite.a', id, doc: node }, { collection: 'groups.opposite.b', id, doc: node }]));
      const settled = await Promise.allSettled([
        ...ids.map((id) => mine.createIfAbsent(id, { node: 'a' })),
        ...[...ids].reverse().map((id) => theirs.createIfAbsent(id, { node: 'b' })),
        group(storage, grouped, 'a'),
        group(other, [...grouped].reverse(), 'b'),
      ]);
      const failed = settled.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
      assert.deepEqual(failed, [], `round ${round}`);
    }
  });

  it('fails every call of an insert that fails, and writes none of them', async () => {
    const own = randomSchema('createfail');
    const st = await openPostgres({ databaseUrl, schema: own });
    try {
      const c = st.collection<{ n: number }>('creates.fail');
      await query(`alter table ${own}.documents add constraint small_bodies check (length(body) < 20)`);
      const settled = await Promise.allSettled([c.createIfAbsent('ok', { n: 1 }), c.createIfAbsent('too-long', { n: 123456789012345678 })]);
      assert.deepEqual(settled.map((r) => r.status), ['rejected', 'rejected']);
      assert.equal(await c.count(), 0, 'the short document of the same statement was not written either');
      await query(`alter table ${own}.documents drop constraint small_bodies`);
      assert.deepEqual(await c.createIfAbsent('ok', { n: 1 }), { doc: { n: 1 }, created: true });
    } finally {
      await st.close();
      await dropSchema(own);
    }
  });

  it('sends concurrent createIfAbsentInOrder calls across collections as one insert, each caller the creator of its own rows', async () => {
    inserts.length = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        storage.createIfAbsentInOrder([
          { collection: 'groups.index', id: `g/${i}`, doc: {} },
          { collection: 'groups.record', id: `g/${i}`, doc: { n: i } },
        ]),
      ),
    );
    assert.deepEqual(results, Array.from({ length: 10 }, (_, i) => [{ doc: {}, created: true }, { doc: { n: i }, created: true }]));
    assert.deepEqual(inserts, [{ collection: '*', ids: 20 }]);
    assert.equal(await storage.collection('groups.record').count('g/'), 10);
  });

  it('sends the first row of an ifFirstCreated call alone and the rest as one insert only once it was created', async () => {
    await storage.collection('groups.login').create('taken', { owner: 'earlier' });
    inserts.length = 0;
    const row = (collection: string, id: string) => ({ collection, id, doc: { id } });
    const [won, lost] = await Promise.all([
      storage.createIfAbsentInOrder([row('groups.login', 'free'), row('groups.index', 'free'), row('groups.record', 'free')], { ifFirstCreated: true }),
      storage.createIfAbsentInOrder([row('groups.login', 'taken'), row('groups.index', 'taken'), row('groups.record', 'taken')], { ifFirstCreated: true }),
    ]);
    assert.deepEqual(won.map((o) => o.created), [true, true, true]);
    assert.deepEqual(lost, [{ doc: { owner: 'earlier' }, created: false }]);
    // Both first rows in one insert of their collection, then one insert of the winner's other two.
    assert.deepEqual(inserts, [{ collection: 'groups.login', ids: 2 }, { collection: '*', ids: 2 }]);
    assert.equal(await storage.collection('groups.record').get('taken'), undefined);
  });

  it('writes no row of a group whose insert fails, and fails only the calls in that insert', async () => {
    const own = randomSchema('groupfail');
    const st = await openPostgres({ databaseUrl, schema: own });
    try {
      await query(`alter table ${own}.documents add constraint small_bodies check (length(body) < 20)`);
      const settled = await st.createIfAbsentInOrder([
        { collection: 'groups.a', id: 'short', doc: 1 },
        { collection: 'groups.b', id: 'long', doc: 'x'.repeat(40) },
      ]).then(() => 'fulfilled', () => 'rejected');
      assert.equal(settled, 'rejected');
      assert.equal(await st.collection('groups.a').get('short'), undefined, 'the short row of the group was not written either');
      await query(`alter table ${own}.documents drop constraint small_bodies`);
      assert.deepEqual(await st.createIfAbsentInOrder([{ collection: 'groups.a', id: 'short', doc: 1 }]), [{ doc: 1, created: true }]);
    } finally {
      await st.close();
      await dropSchema(own);
    }
  });
});
