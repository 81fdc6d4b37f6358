/**
 * PostgreSQL point reads issued at the same time share a statement (src/storage/postgres/
 * point-reads.ts), and that changes nothing a caller can see: each get answers its own id (absent
 * ids included, one id asked twice, ids of several collections at once), sees every write that
 * was acknowledged before it was asked for, and fails alone with the statement it rode in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openPostgres, DEFAULT_MAX_IDS_PER_READ } from '../../src/storage/postgres/index.js';
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
