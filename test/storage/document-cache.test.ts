/**
 * Documents of watched collections kept in memory by collection generation
 * (src/storage/sql/document-cache.ts, migration 2). The cache is bounded (entries, characters,
 * size of one body), answers a lookup only at the generation it was filled at, and the backends
 * use it: a second get of an unchanged document reads no row, any change to the collection, by
 * Tessera or by plain SQL (an older node, a script), makes the next get read the row again.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DocumentCache } from '../../src/storage/sql/document-cache.js';
import { WATCHED_COLLECTIONS_V2 } from '../../src/storage/migrations/0002-collection-generations.js';
import { openSqlite, SQLITE_FILE_NAME } from '../../src/storage/sqlite/index.js';
import { openPostgres } from '../../src/storage/postgres/index.js';
import type { Storage } from '../../src/storage/index.js';
import { databaseUrl, dropSchema, query, randomSchema, skipUnlessPostgres } from './pg-target.js';

describe('document cache', () => {
  it('answers a lookup only at the generation the entry was stored at', () => {
    const cache = new DocumentCache();
    cache.store('c', 'a', '4', '{"x":1}');
    assert.equal(cache.lookup('c', 'a', '4'), '{"x":1}');
    assert.equal(cache.lookup('c', 'a', '5'), undefined);
    // The stale entry is gone, so the old generation does not answer either.
    assert.equal(cache.lookup('c', 'a', '4'), undefined);
    cache.store('c', 'gone', '5', null);
    assert.equal(cache.lookup('c', 'gone', '5'), null);
    assert.equal(cache.lookup('other', 'gone', '5'), undefined);
    assert.deepEqual([cache.hits, cache.misses], [2, 3]);
  });

  it('keeps at most maxEntries documents, dropping the least recently used', () => {
    const cache = new DocumentCache({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c']) cache.store('c', id, '1', id);
    assert.equal(cache.lookup('c', 'a', '1'), 'a');
    cache.store('c', 'd', '1', 'd');
    assert.equal(cache.size, 3);
    assert.equal(cache.lookup('c', 'b', '1'), undefined);
    for (const id of ['a', 'c', 'd']) assert.equal(cache.lookup('c', id, '1'), id);
  });

  it('keeps at most maxChars characters of bodies and never a body over maxDocChars', () => {
    const cache = new DocumentCache({ maxChars: 10, maxDocChars: 6 });
    cache.store('c', 'big', '1', 'x'.repeat(7));
    assert.equal(cache.size, 0);
    cache.store('c', 'a', '1', 'aaaaaa');
    cache.store('c', 'b', '1', 'bbbbb');
    assert.equal(cache.chars, 5);
    assert.equal(cache.lookup('c', 'a', '1'), undefined);
    cache.store('c', 'b', '2', 'bb');
    assert.deepEqual([cache.size, cache.chars], [1, 2]);
    assert.throws(() => new DocumentCache({ maxEntries: -1 }), RangeError);
  });
});

describe('sqlite watched collections', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-doccache-'));
  const cache = new DocumentCache();
  let storage: Storage;
  before(async () => {
    storage = await openSqlite({ dataDir: dir, documentCache: cache });
  });
  after(async () => {
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads an unchanged document once, and again after any write to its collection', async () => {
    const c = storage.collection<{ v: number }>('iam.roles');
    await c.create('r1', { v: 1 });
    await c.create('r2', { v: 1 });
    cache.hits = cache.misses = 0;
    assert.deepEqual(await c.get('r1'), { v: 1 });
    assert.deepEqual(await c.get('r1'), { v: 1 });
    assert.deepEqual([cache.hits, cache.misses], [1, 1]);
    await c.update('r2', () => ({ v: 2 }));
    assert.deepEqual(await c.get('r1'), { v: 1 });
    assert.deepEqual([cache.hits, cache.misses], [1, 2]);
  });

  it('does not keep documents of collections that are not watched', async () => {
    const c = storage.collection<{ v: number }>('ci.identities');
    await c.create('i1', { v: 1 });
    cache.hits = cache.misses = 0;
    await c.get('i1');
    await c.get('i1');
    assert.deepEqual([cache.hits, cache.misses], [0, 0]);
  });

  it('sees a change written by plain SQL on another connection, as an older node would write it', async () => {
    const c = storage.collection<{ v: number }>('ci.pools');
    await c.create('p1', { v: 1 });
    assert.deepEqual(await c.get('p1'), { v: 1 });
    const other = new Database(join(dir, SQLITE_FILE_NAME));
    try {
      other.prepare("update documents set body = '{\"v\":2}', version = version + 1 where collection = 'ci.pools' and id = 'p1'").run();
      assert.deepEqual(await c.get('p1'), { v: 2 });
      other.prepare("delete from documents where collection = 'ci.pools' and id = 'p1'").run();
      assert.equal(await c.get('p1'), undefined);
      other.prepare("insert into documents values ('ci.pools', 'p1', '{\"v\":3}', 1, 'x', 'x')").run();
      assert.deepEqual(await c.get('p1'), { v: 3 });
    } finally {
      other.close();
    }
  });

  it('has a generation row for exactly the collections migration 2 watches', () => {
    const db = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
    try {
      const rows = db.prepare('select collection from collection_generations order by collection').all() as Array<{ collection: string }>;
      assert.deepEqual(rows.map((r) => r.collection), [...WATCHED_COLLECTIONS_V2].sort());
    } finally {
      db.close();
    }
  });
});

const skip = await skipUnlessPostgres();

describe('postgres watched collections', { skip }, () => {
  const schema = randomSchema('doccache');
  const cache = new DocumentCache();
  let generationStatements = 0;
  let storage: Storage;
  before(async () => {
    storage = await openPostgres({ databaseUrl, schema, documentCache: cache, onGenerationsStatement: () => void generationStatements++ });
  });
  after(async () => {
    await storage?.close();
    await dropSchema(schema);
  });

  it('answers many concurrent gets with one generations statement, and reads each unchanged document once', async () => {
    const c = storage.collection<{ v: number }>('iam.oidc-providers');
    const ids = Array.from({ length: 20 }, (_, i) => `p${i}`);
    for (const id of ids) await c.create(id, { v: 1 });
    await Promise.all(ids.map((id) => c.get(id)));
    cache.hits = cache.misses = 0;
    generationStatements = 0;
    const docs = await Promise.all([...ids, ...ids].map((id) => c.get(id)));
    assert.ok(docs.every((d) => d?.v === 1));
    assert.deepEqual([cache.hits, cache.misses, generationStatements], [40, 0, 1]);
  });

  it('sees a change written by plain SQL, as an older node would write it', async () => {
    const c = storage.collection<{ v: number }>('iam.roles');
    const id = `r-${randomUUID()}`;
    await c.create(id, { v: 1 });
    assert.deepEqual(await c.get(id), { v: 1 });
    await query(`update "${schema}".documents set body = '{"v":2}', version = version + 1 where collection = 'iam.roles' and id = $1`, [id]);
    assert.deepEqual(await c.get(id), { v: 2 });
    await query(`delete from "${schema}".documents where collection = 'iam.roles' and id = $1`, [id]);
    assert.equal(await c.get(id), undefined);
    await query(`insert into "${schema}".documents values ('iam.roles', $1, '{"v":3}', 1, now(), now())`, [id]);
    assert.deepEqual(await c.get(id), { v: 3 });
  });

  it('has a generation row for exactly the collections migration 2 watches', async () => {
    const rows = await query<{ collection: string }>(`select collection from "${schema}".collection_generations order by collection`);
    assert.deepEqual(rows.map((r) => r.collection), [...WATCHED_COLLECTIONS_V2].sort());
  });
});
