import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { AlreadyExistsError, NotFoundError, type Storage } from '../../src/storage/contract.js';
import { SQLITE_FILE_NAME, openSqlite, type GroupCommitOptions } from '../../src/storage/sqlite/index.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-group-commit-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `d${dirs++}`);

/** Opens a storage on a fresh file, recording the size of every committed batch. */
async function openRecorded(options: GroupCommitOptions = {}, dataDir = freshDir()) {
  const commits: number[] = [];
  const storage = await openSqlite({ dataDir, groupCommit: { ...options, onCommit: (n) => commits.push(n) } });
  return { storage, commits, dataDir };
}

/**
 * Makes every COMMIT of a transaction that inserted document id "poison" fail: a deferred
 * foreign-key violation is only detected at COMMIT (sqlite.org/foreignkeys.html §4.2), and the
 * trigger inserts an orphan child row.
 */
function poisonCommits(dataDir: string): void {
  const raw = new Database(join(dataDir, SQLITE_FILE_NAME));
  raw.exec(`
    create table poison_parent (id text primary key);
    create table poison_child (parent text references poison_parent(id) deferrable initially deferred);
    create trigger poison after insert on documents when new.id = 'poison'
      begin insert into poison_child values ('missing'); end;
  `);
  raw.close();
}

async function withStorage<R>(s: Storage, fn: (s: Storage) => Promise<R>): Promise<R> {
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

describe('sqlite group commit', () => {
  it('commits 200 concurrent creates of distinct ids in one transaction, all readable afterwards', async () => {
    const { storage, commits, dataDir } = await openRecorded();
    const ids = Array.from({ length: 200 }, (_, i) => `id-${i}`);
    await withStorage(storage, async (s) => {
      const c = s.collection<{ i: number }>('gc.many');
      await Promise.all(ids.map((id, i) => c.create(id, { i })));
      assert.deepEqual(commits, [200]);
      for (const [i, id] of ids.entries()) assert.deepEqual(await c.get(id), { i });
    });
    // Durable: a new handle on the file (another node, or after a restart) sees every row.
    await withStorage(await openSqlite({ dataDir }), async (s) => {
      assert.equal(await s.collection('gc.many').count(), 200);
    });
  });

  it('cuts a queue longer than maxBatch into several transactions', async () => {
    const { storage, commits } = await openRecorded({ maxBatch: 64 });
    await withStorage(storage, async (s) => {
      const c = s.collection<number>('gc.cut');
      await Promise.all(Array.from({ length: 200 }, (_, i) => c.create(`k${i}`, i)));
      assert.deepEqual(commits, [64, 64, 64, 8]);
      assert.equal(await c.count(), 200);
    });
  });

  it('rejects only the duplicate create in a batch; the rest of the batch commits', async () => {
    const { storage, commits } = await openRecorded();
    await withStorage(storage, async (s) => {
      const c = s.collection<string>('gc.dup');
      await c.create('dup', 'first');
      commits.length = 0;
      const results = await Promise.allSettled([
        c.create('a', 'a'),
        c.create('dup', 'second'),
        c.create('b', 'b'),
        c.createIfAbsent('dup', 'third'),
      ]);
      assert.deepEqual(commits, [4]);
      assert.equal(results[0]!.status, 'fulfilled');
      assert.equal(results[1]!.status, 'rejected');
      assert.ok((results[1] as PromiseRejectedResult).reason instanceof AlreadyExistsError);
      assert.equal(results[2]!.status, 'fulfilled');
      assert.deepEqual((results[3] as PromiseFulfilledResult<unknown>).value, { doc: 'first', created: false });
      assert.deepEqual(
        (await c.list({ limit: 10 })).items.map((i) => [i.id, i.doc]),
        [
          ['a', 'a'],
          ['b', 'b'],
          ['dup', 'first'],
        ],
      );
    });
  });

  it('decides 32 concurrent updates of one row inside one batch, calling each updater once', async () => {
    const { storage, commits } = await openRecorded();
    await withStorage(storage, async (s) => {
      const c = s.collection<{ n: number }>('gc.cas');
      await c.create('counter', { n: 0 });
      commits.length = 0;
      let calls = 0;
      await Promise.all(
        Array.from({ length: 32 }, () =>
          c.update('counter', (d) => {
            calls++;
            return { n: d.n + 1 };
          }),
        ),
      );
      assert.deepEqual(commits, [32]);
      assert.equal(calls, 32);
      assert.deepEqual(await c.get('counter'), { n: 32 });
    });
  });

  it('rolls back only the unit whose updater throws or whose row is absent', async () => {
    const { storage } = await openRecorded();
    await withStorage(storage, async (s) => {
      const c = s.collection<{ n: number }>('gc.partial');
      await c.create('x', { n: 1 });
      const boom = new Error('refused');
      const results = await Promise.allSettled([
        c.update('x', (d) => ({ n: d.n + 1 })),
        c.update('x', () => {
          throw boom;
        }),
        c.update('missing', (d) => d),
        c.delete('x'),
        c.create('x', { n: 100 }),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled'],
      );
      assert.equal((results[1] as PromiseRejectedResult).reason, boom);
      assert.ok((results[2] as PromiseRejectedResult).reason instanceof NotFoundError);
      assert.equal((results[3] as PromiseFulfilledResult<boolean>).value, true);
      assert.deepEqual(await c.get('x'), { n: 100 });
    });
  });

  it('runs createIfAbsentInOrder as one unit: an entry refused by the database takes the earlier entries with it, and only that call fails', async () => {
    const dataDir = freshDir();
    const { storage, commits } = await openRecorded({}, dataDir);
    const raw = new Database(join(dataDir, SQLITE_FILE_NAME));
    raw.exec(`create trigger refuse before insert on documents when new.id = 'refused' begin select raise(abort, 'refused by trigger'); end;`);
    raw.close();
    await withStorage(storage, async (s) => {
      const results = await Promise.allSettled([
        s.collection('gc.unit').create('plain', 1),
        s.createIfAbsentInOrder([
          { collection: 'gc.unit.index', id: 'first', doc: 1 },
          { collection: 'gc.unit.record', id: 'refused', doc: 2 },
        ]),
        s.createIfAbsentInOrder([
          { collection: 'gc.unit.index', id: 'x', doc: 3 },
          { collection: 'gc.unit.record', id: 'x', doc: 4 },
        ]),
      ]);
      assert.deepEqual(commits, [3]);
      assert.equal(results[0]!.status, 'fulfilled');
      assert.equal(results[1]!.status, 'rejected');
      assert.match(String((results[1] as PromiseRejectedResult).reason), /refused by trigger/);
      assert.deepEqual((results[2] as PromiseFulfilledResult<unknown>).value, [
        { doc: 3, created: true },
        { doc: 4, created: true },
      ]);
      assert.equal(await s.collection('gc.unit.index').get('first'), undefined);
      assert.equal(await s.collection('gc.unit').get('plain'), 1);
      assert.equal(await s.collection('gc.unit.index').get('x'), 3);
      assert.equal(await s.collection('gc.unit.record').get('x'), 4);
    });
  });

  it('commits 100 concurrent two-document createIfAbsentInOrder calls in one transaction of 100 units', async () => {
    const { storage, commits } = await openRecorded();
    await withStorage(storage, async (s) => {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          s.createIfAbsentInOrder([
            { collection: 'gc.pairs.index', id: `k${i}`, doc: i },
            { collection: 'gc.pairs.record', id: `k${i}`, doc: i },
          ]),
        ),
      );
      assert.deepEqual(commits, [100]);
      assert.equal(await s.collection('gc.pairs.index').count(), 100);
      assert.equal(await s.collection('gc.pairs.record').count(), 100);
    });
  });

  it('rejects every unit of a batch whose COMMIT fails, and keeps none of its writes', async () => {
    const dataDir = freshDir();
    const { storage, commits } = await openRecorded({}, dataDir);
    poisonCommits(dataDir);
    await withStorage(storage, async (s) => {
      const c = s.collection<number>('gc.commit-fails');
      await c.create('before', 0);
      commits.length = 0;
      const results = await Promise.allSettled([c.create('a', 1), c.create('poison', 2), c.create('b', 3)]);
      assert.deepEqual(commits, []);
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        assert.equal((r as PromiseRejectedResult).reason.code, 'SQLITE_CONSTRAINT_FOREIGNKEY');
      }
      assert.deepEqual(
        (await c.list({ limit: 10 })).items.map((i) => i.id),
        ['before'],
      );
      // The transaction was rolled back, so the next batch starts clean and commits.
      await c.create('a', 1);
      assert.deepEqual(commits, [1]);
      assert.equal(await c.get('a'), 1);
    });
  });

  it("never lets a read see a batch's uncommitted rows, even one started while the batch's transaction is open", async () => {
    const dataDir = freshDir();
    const { storage } = await openRecorded({}, dataDir);
    poisonCommits(dataDir);
    await withStorage(storage, async (s) => {
      const c = s.collection<number>('gc.isolation');
      await c.create('existing', 0);
      let during: Promise<number | undefined> | undefined;
      // One batch: 'fresh' is inserted, then the updater runs inside the same open transaction
      // and starts a read of 'fresh'; the batch's COMMIT then fails and rolls everything back.
      const results = await Promise.allSettled([
        c.create('fresh', 1),
        c.create('poison', 2),
        c.update('existing', (v) => {
          during = c.get('fresh');
          return v + 1;
        }),
      ]);
      assert.ok(results.every((r) => r.status === 'rejected'), 'the whole batch failed at COMMIT');
      assert.ok(during, 'the updater ran inside the batch');
      assert.equal(await during, undefined, 'the read did not see the rolled-back row');
      assert.equal(await c.get('fresh'), undefined);
      assert.equal(await c.get('existing'), 0);
    });
  });

  it('drains queued writes on close before closing the database', async () => {
    const dataDir = freshDir();
    const s = await openSqlite({ dataDir });
    const c = s.collection<{ n: number }>('gc.drain');
    const creates = Array.from({ length: 100 }, (_, i) => c.create(`k${i}`, { n: i }));
    const closed = s.close();
    const settled = await Promise.allSettled(creates);
    await closed;
    assert.ok(settled.every((r) => r.status === 'fulfilled'));
    await withStorage(await openSqlite({ dataDir }), async (again) => {
      assert.equal(await again.collection('gc.drain').count(), 100);
      assert.deepEqual(await again.collection('gc.drain').get('k99'), { n: 99 });
    });
  });

  it('runs reads at once without waiting for queued writes, and sees a write once it resolved', async () => {
    const { storage, dataDir } = await openRecorded();
    await withStorage(storage, async (s) => {
      const c = s.collection<string>('gc.ryw');
      const write = c.create('k', 'v');
      // The create is queued until the next setImmediate; it has not been acknowledged yet.
      assert.equal(await c.get('k'), undefined);
      await write;
      assert.equal(await c.get('k'), 'v');
      await withStorage(await openSqlite({ dataDir }), async (other) => {
        assert.equal(await other.collection('gc.ryw').get('k'), 'v');
      });
    });
  });

  it("waits for another process's write lock without blocking the event loop, then commits", async () => {
    const dataDir = freshDir();
    const { storage, commits } = await openRecorded({}, dataDir);
    await withStorage(storage, async (s) => {
      const c = s.collection<number>('gc.locked');
      await c.create('warm', 0);
      commits.length = 0;
      // Another writer (another worker process) holds the write lock until the event loop has
      // turned 8 more times: counted, not timed, so a busy machine changes nothing.
      const other = new Database(join(dataDir, SQLITE_FILE_NAME));
      other.exec('begin immediate');
      let ticks = 0;
      let released = false;
      const ticker = setInterval(() => {
        if (++ticks === 8) {
          other.exec('commit');
          released = true;
        }
      }, 5);
      let releasedWhenDone: boolean | undefined;
      const writes = Promise.all([c.create('a', 1), c.create('b', 2)]).then(() => (releasedWhenDone = released));
      // A read is answered while the writes wait: the event loop is free.
      assert.equal(await c.get('warm'), 0);
      await writes;
      clearInterval(ticker);
      other.close();
      // The timers kept running while the writes waited (the lock is released by the 8th tick),
      // and the writes were acknowledged only after the other writer let go of the lock.
      assert.equal(releasedWhenDone, true, 'the writes waited for the lock');
      assert.ok(ticks >= 8, `timers kept running while the writes waited (${ticks} ticks)`);
      assert.deepEqual(commits, [2], 'both writes committed together once the lock was free');
      assert.equal(await c.get('b'), 2);
    });
  });

  it('fails the writes with SQLITE_BUSY, and keeps none, when the lock stays taken past the wait', async () => {
    const dataDir = freshDir();
    await withStorage(await openSqlite({ dataDir, lockWaitMs: 80 }), async (s) => {
      const c = s.collection<number>('gc.busy');
      const other = new Database(join(dataDir, SQLITE_FILE_NAME));
      other.exec('begin immediate');
      try {
        const results = await Promise.allSettled([c.create('x', 1), c.create('y', 2)]);
        for (const r of results) {
          assert.equal(r.status, 'rejected');
          assert.equal((r as PromiseRejectedResult).reason.code, 'SQLITE_BUSY');
        }
      } finally {
        other.exec('rollback');
        other.close();
      }
      assert.equal(await c.count(), 0);
      // Once the lock is free the next write commits.
      await c.create('x', 1);
      assert.equal(await c.get('x'), 1);
    });
  });
});
