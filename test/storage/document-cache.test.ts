/**
 * Collection generations (migration 2) and the documents both backends keep in memory by them
 * (src/storage/sql/document-cache.ts). The database adds one to a watched collection's generation
 * on every change of its documents, whoever makes it. The cache is bounded (entries, characters,
 * size of one body) and answers a lookup only at the generation it was filled at. On PostgreSQL a
 * second get of an unchanged document reads no row, and any change to the collection, by Tessera
 * or by plain SQL (an older node, a script), makes the next get read the row again. SQLite learns
 * that nothing was committed from the WAL-index header (src/storage/sqlite/wal-index.ts), and
 * reads the generations again when it changed.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DocumentCache } from '../../src/storage/sql/document-cache.js';
import { WATCHED_COLLECTIONS_V3 } from '../../src/storage/migrations/0003-watch-iam-policies.js';
import { isValidWalIndexHeader, openSqlite, SQLITE_FILE_NAME, WAL_INDEX_HEADER_BYTES, WalIndexHeader } from '../../src/storage/sqlite/index.js';
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

describe('sqlite collection generations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-doccache-'));
  const cache = new DocumentCache();
  let storage: Storage;
  let raw: Database.Database;
  const generation = (collection: string) =>
    (raw.prepare('select generation from collection_generations where collection = ?').get(collection) as { generation: number } | undefined)?.generation;
  before(async () => {
    storage = await openSqlite({ dataDir: dir, documentCache: cache });
    raw = new Database(join(dir, SQLITE_FILE_NAME));
  });
  after(async () => {
    raw?.close();
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has a generation row for exactly the collections migrations 2 and 3 watch', () => {
    const rows = raw.prepare('select collection from collection_generations order by collection').all() as Array<{ collection: string }>;
    assert.deepEqual(rows.map((r) => r.collection), [...WATCHED_COLLECTIONS_V3].sort());
  });

  it('adds one to a watched collection on every create, update and delete, by Tessera or by plain SQL, and only to that one', async () => {
    const c = storage.collection<{ v: number }>('iam.roles');
    const before = generation('iam.roles')!;
    const pools = generation('ci.pools');
    await c.create('r1', { v: 1 });
    await c.update('r1', () => ({ v: 2 }));
    await c.createIfAbsent('r1', { v: 9 });
    await c.delete('r1');
    assert.equal(generation('iam.roles'), before + 3);
    raw.prepare("insert into documents values ('iam.roles', 'r2', '{}', 1, 'x', 'x')").run();
    raw.prepare("update documents set version = 2 where collection = 'iam.roles' and id = 'r2'").run();
    raw.prepare("delete from documents where collection = 'iam.roles' and id = 'r2'").run();
    assert.equal(generation('iam.roles'), before + 6);
    assert.equal(generation('ci.pools'), pools);
    await storage.collection('ci.identities').create('i1', {});
    assert.equal(generation('ci.identities'), undefined);
  });

  it('answers repeated gets of an unchanged watched document from memory, and unwatched ones from the file', async () => {
    const c = storage.collection<{ v: number }>('ci.pools');
    await c.create('p1', { v: 1 });
    const [hits, misses] = [cache.hits, cache.misses];
    assert.deepEqual(await c.get('p1'), { v: 1 });
    for (let i = 0; i < 5; i++) assert.deepEqual(await c.get('p1'), { v: 1 });
    assert.deepEqual([cache.hits - hits, cache.misses - misses], [5, 1]);
    await storage.collection('ci.identities').create('i2', {});
    await storage.collection('ci.identities').get('i2');
    assert.deepEqual([cache.hits - hits, cache.misses - misses], [5, 1]);
  });

  it('sees at once a change that another process makes with plain SQL, and keeps the entry across a commit to another collection', async () => {
    const c = storage.collection<{ v: number }>('iam.roles');
    await c.create('r3', { v: 1 });
    assert.deepEqual(await c.get('r3'), { v: 1 });
    assert.deepEqual(await c.get('r3'), { v: 1 });
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(process.argv[1]);
      db.pragma('busy_timeout = 5000');
      db.prepare("update documents set body = '{\\"v\\":2}', version = version + 1 where collection = 'iam.roles' and id = 'r3'").run();
      db.close();`;
    const child = spawnSync(process.execPath, ['-e', script, join(dir, SQLITE_FILE_NAME)], { cwd: process.cwd(), encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(await c.get('r3'), { v: 2 });
    // A commit to an unwatched collection changes the header but no generation: the entry stays good.
    const misses = cache.misses;
    raw.prepare("insert into documents values ('ci.identities', 'i3', '{}', 1, 'x', 'x')").run();
    assert.deepEqual(await c.get('r3'), { v: 2 });
    assert.equal(cache.misses, misses);
  });
  it('answers repeated lists of an unchanged watched collection from memory, and sees a change by Tessera or plain SQL at the next list', async () => {
    const c = storage.collection<{ v: number }>('iam.role-policies');
    await c.create('role-a/p1', { v: 1 });
    await c.create('role-a/p2', { v: 2 });
    await c.create('role-b/p1', { v: 9 });
    const ids = async () => (await c.list({ limit: 10, prefix: 'role-a/' })).items.map((i) => `${i.id}=${i.doc.v}`);
    const [hits, misses] = [cache.hits, cache.misses];
    assert.deepEqual(await ids(), ['role-a/p1=1', 'role-a/p2=2']);
    for (let i = 0; i < 4; i++) assert.deepEqual(await ids(), ['role-a/p1=1', 'role-a/p2=2']);
    assert.deepEqual([cache.hits - hits, cache.misses - misses], [4, 1]);
    // Another prefix, limit or page is its own entry.
    assert.deepEqual((await c.list({ limit: 10, prefix: 'role-b/' })).items.map((i) => i.id), ['role-b/p1']);
    const first = await c.list({ limit: 1, prefix: 'role-a/' });
    assert.deepEqual(first.items.map((i) => i.id), ['role-a/p1']);
    assert.deepEqual((await c.list({ limit: 1, prefix: 'role-a/', pageToken: first.next! })).items.map((i) => i.id), ['role-a/p2']);
    // Changes through Tessera: update, create, delete.
    await c.update('role-a/p1', () => ({ v: 3 }));
    assert.deepEqual(await ids(), ['role-a/p1=3', 'role-a/p2=2']);
    await c.create('role-a/p3', { v: 4 });
    assert.deepEqual(await ids(), ['role-a/p1=3', 'role-a/p2=2', 'role-a/p3=4']);
    await c.delete('role-a/p2');
    assert.deepEqual(await ids(), ['role-a/p1=3', 'role-a/p3=4']);
    // A change written by another process with plain SQL (an older node, a script).
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(process.argv[1]);
      db.pragma('busy_timeout = 5000');
      db.prepare("update documents set body = '{\\"v\\":5}', version = version + 1 where collection = 'iam.role-policies' and id = 'role-a/p3'").run();
      db.prepare("insert into documents values ('iam.role-policies', 'role-a/p4', '{\\"v\\":6}', 1, 'x', 'x')").run();
      db.close();`;
    const child = spawnSync(process.execPath, ['-e', script, join(dir, SQLITE_FILE_NAME)], { cwd: process.cwd(), encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(await ids(), ['role-a/p1=3', 'role-a/p3=5', 'role-a/p4=6']);
    // Callers get their own copies.
    const page = await c.list({ limit: 10, prefix: 'role-a/' });
    page.items[0]!.doc.v = 99;
    assert.deepEqual(await ids(), ['role-a/p1=3', 'role-a/p3=5', 'role-a/p4=6']);
  });

  it('lists an unwatched collection from the file every time', async () => {
    const c = storage.collection<{ v: number }>('ci.identities');
    await c.create('l1', { v: 1 });
    const [hits, misses] = [cache.hits, cache.misses];
    for (let i = 0; i < 3; i++) assert.equal((await c.list({ limit: 10, prefix: 'l' })).items.length, 1);
    assert.deepEqual([cache.hits - hits, cache.misses - misses], [0, 0]);
  });
});

describe('sqlite wal-index header', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-walindex-'));
  const file = join(dir, 'x.db');
  let db: Database.Database;
  before(() => {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('create table t (v integer)');
  });
  after(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a consistent header that changes with every commit, by this connection or another', () => {
    const w = new WalIndexHeader(`${file}-shm`);
    try {
      const a = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
      const b = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
      assert.equal(w.read(a), true);
      assert.equal(w.read(b), true);
      assert.ok(a.equals(b), 'no commit, same header');
      db.prepare('insert into t values (1)').run();
      assert.equal(w.read(b), true);
      assert.ok(!a.equals(b), 'own commit changes it');
      const other = new Database(file);
      other.prepare('insert into t values (2)').run();
      other.close();
      assert.equal(w.read(a), true);
      assert.ok(!a.equals(b), "another connection's commit changes it");
      // A statement that commits nothing leaves it as it was.
      db.prepare('select count(*) from t').get();
      assert.equal(w.read(b), true);
      assert.ok(a.equals(b));
    } finally {
      w.close();
    }
  });

  it('shares one descriptor per -shm file and never closes it, so no connection of this process loses its SQLite locks', () => {
    const fds = () => readdirSync('/proc/self/fd').length;
    // A write transaction holds SQLite's write lock, an fcntl lock on the -shm file.
    db.exec('begin immediate');
    try {
      db.prepare('insert into t values (3)').run();
      const first = new WalIndexHeader(`${file}-shm`);
      const before = fds();
      const second = new WalIndexHeader(`${file}-shm`);
      assert.equal(fds(), before, 'no second descriptor');
      first.close();
      second.close();
      assert.equal(fds(), before, 'close() leaves the descriptor open');
      // POSIX would drop every lock this process holds on the file if a descriptor of it were
      // closed: another process must still find the write lock taken.
      const script = `
        const Database = require('better-sqlite3');
        const db = new Database(process.argv[1], { timeout: 0 });
        try { db.exec('begin immediate'); console.log('took the write lock'); db.exec('rollback'); }
        catch (err) { console.log(err.code); }`;
      const child = spawnSync(process.execPath, ['-e', script, file], { cwd: process.cwd(), encoding: 'utf8' });
      assert.equal(child.stdout.trim(), 'SQLITE_BUSY', child.stderr);
    } finally {
      db.exec('rollback');
    }
  });

  it('opens a descriptor of its own when the -shm file was deleted and created again', () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'tessera-walindex-'));
    const f = join(dir2, 'y.db');
    try {
      let d = new Database(f);
      d.pragma('journal_mode = WAL');
      d.exec('create table t (v integer)');
      const a = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
      assert.equal(new WalIndexHeader(`${f}-shm`).read(a), true);
      d.close(); // the last connection: SQLite removes the -wal and -shm files
      d = new Database(f);
      d.prepare('insert into t values (1)').run();
      const w = new WalIndexHeader(`${f}-shm`);
      const b = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
      const c = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
      assert.equal(w.read(b), true);
      d.prepare('insert into t values (2)').run();
      assert.equal(w.read(c), true);
      assert.ok(!b.equals(c), 'the header of the new file, which changes with its commits');
      d.close();
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  });

  it('refuses a header whose copies differ, whose checksum fails, or of another version, and a missing file', () => {
    const real = readFileSync(`${file}-shm`).subarray(0, 2 * WAL_INDEX_HEADER_BYTES);
    assert.equal(isValidWalIndexHeader(real), true);
    const cases: Array<[string, (b: Buffer) => void]> = [
      ['copies differ', (b) => void (b[WAL_INDEX_HEADER_BYTES + 16] ^= 1)],
      ['checksum fails', (b) => { b[16] ^= 1; b[WAL_INDEX_HEADER_BYTES + 16] ^= 1; }],
      ['another version', (b) => { b[0] ^= 1; b[WAL_INDEX_HEADER_BYTES] ^= 1; }],
      ['not initialised', (b) => { b[12] = 0; b[WAL_INDEX_HEADER_BYTES + 12] = 0; }],
    ];
    for (const [name, spoil] of cases) {
      const fake = Buffer.from(real);
      spoil(fake);
      const path = join(dir, `fake-${name.replace(/\s/g, '-')}`);
      writeFileSync(path, fake);
      const w = new WalIndexHeader(path);
      assert.equal(w.read(Buffer.alloc(WAL_INDEX_HEADER_BYTES)), false, name);
      w.close();
    }
    const shortFile = join(dir, 'short');
    writeFileSync(shortFile, real.subarray(0, 60));
    assert.equal(new WalIndexHeader(shortFile).read(Buffer.alloc(WAL_INDEX_HEADER_BYTES)), false, 'short file');
    assert.equal(new WalIndexHeader(join(dir, 'missing')).read(Buffer.alloc(WAL_INDEX_HEADER_BYTES)), false, 'missing file');
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

  it('answers repeated lists of an unchanged watched collection from memory, and sees a change by Tessera or plain SQL at the next list', async () => {
    const c = storage.collection<{ v: number }>('iam.role-attachments');
    await c.create('role-x/a1', { v: 1 });
    await c.create('role-x/a2', { v: 2 });
    const ids = async () => (await c.list({ limit: 10, prefix: 'role-x/' })).items.map((i) => `${i.id}=${i.doc.v}`);
    assert.deepEqual(await ids(), ['role-x/a1=1', 'role-x/a2=2']);
    const [hits, misses] = [cache.hits, cache.misses];
    for (let i = 0; i < 3; i++) assert.deepEqual(await ids(), ['role-x/a1=1', 'role-x/a2=2']);
    assert.deepEqual([cache.hits - hits, cache.misses - misses], [3, 0]);
    await c.delete('role-x/a1');
    assert.deepEqual(await ids(), ['role-x/a2=2']);
    await query(`insert into "${schema}".documents values ('iam.role-attachments', 'role-x/a3', '{"v":3}', 1, now(), now())`);
    assert.deepEqual(await ids(), ['role-x/a2=2', 'role-x/a3=3']);
    await query(`update "${schema}".documents set body = '{"v":4}', version = version + 1 where collection = 'iam.role-attachments' and id = 'role-x/a2'`);
    assert.deepEqual(await ids(), ['role-x/a2=4', 'role-x/a3=3']);
  });

  it('adds one to a watched collection on every create, update and delete, and only to that one', async () => {
    const generation = async (collection: string) =>
      (await query<{ generation: string }>(`select generation from "${schema}".collection_generations where collection = $1`, [collection]))[0]?.generation;
    const c = storage.collection<{ v: number }>('cognito-idp.clients');
    const before = Number(await generation('cognito-idp.clients'));
    const pools = await generation('ci.pools');
    await c.create('c1', { v: 1 });
    await c.update('c1', () => ({ v: 2 }));
    await c.createIfAbsent('c1', { v: 9 });
    await c.delete('c1');
    assert.equal(Number(await generation('cognito-idp.clients')), before + 3);
    assert.equal(await generation('ci.pools'), pools);
    await storage.collection('ci.identities').create('i1', {});
    assert.equal(await generation('ci.identities'), undefined);
  });

  it('has a generation row for exactly the collections migrations 2 and 3 watch', async () => {
    const rows = await query<{ collection: string }>(`select collection from "${schema}".collection_generations order by collection`);
    assert.deepEqual(rows.map((r) => r.collection), [...WATCHED_COLLECTIONS_V3].sort());
  });
});
