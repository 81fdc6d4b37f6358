import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { withStatementCache } from '../../src/storage/sqlite/statement-cache.js';

/** An in-memory database whose prepare() calls are counted by SQL text. */
function counted() {
  const handle = new Database(':memory:');
  handle.exec('create table t (k integer primary key, v text)');
  const prepared: string[] = [];
  const original = handle.prepare.bind(handle);
  handle.prepare = ((sql: string) => {
    prepared.push(sql);
    return original(sql);
  }) as typeof handle.prepare;
  return { handle, prepared };
}

describe('sqlite statement cache', () => {
  it('prepares each SQL text once and reuses the statement with fresh parameters', () => {
    const { handle, prepared } = counted();
    const db = withStatementCache(handle, 8);
    for (let k = 0; k < 5; k++) db.prepare('insert into t (k, v) values (?, ?)').run([k, `v${k}`]);
    const rows = [0, 3, 4].map((k) => db.prepare('select v from t where k = ?').all([k]));
    assert.deepEqual(rows, [[{ v: 'v0' }], [{ v: 'v3' }], [{ v: 'v4' }]]);
    assert.deepEqual(prepared, ['insert into t (k, v) values (?, ?)', 'select v from t where k = ?']);
    assert.equal(db.cached, 2);
    db.close();
  });

  it('evicts the least recently used statement beyond its capacity', () => {
    const { handle, prepared } = counted();
    const db = withStatementCache(handle, 2);
    db.prepare('select 1');
    db.prepare('select 2');
    db.prepare('select 1'); // now most recent; "select 2" is the eviction candidate
    db.prepare('select 3');
    assert.equal(db.cached, 2);
    db.prepare('select 1');
    db.prepare('select 2');
    assert.deepEqual(prepared, ['select 1', 'select 2', 'select 3', 'select 2']);
    db.close();
  });

  it('never hands out a statement that is still iterating', () => {
    const { handle } = counted();
    const db = withStatementCache(handle, 4);
    db.prepare('insert into t (k, v) values (?, ?)').run([1, 'a']);
    db.prepare('insert into t (k, v) values (?, ?)').run([2, 'b']);
    const iterating = db.prepare('select k from t order by k').iterate([]);
    assert.deepEqual(iterating.next().value, { k: 1 });
    // The cached statement is busy; a second caller gets a working one of its own.
    assert.deepEqual(db.prepare('select k from t order by k').all([]), [{ k: 1 }, { k: 2 }]);
    assert.deepEqual(iterating.next().value, { k: 2 });
    iterating.return?.();
    db.close();
  });

  it('prepares every time when its capacity is 0', () => {
    const { handle, prepared } = counted();
    const db = withStatementCache(handle, 0);
    db.prepare('select 1');
    db.prepare('select 1');
    assert.equal(prepared.length, 2);
    assert.equal(db.cached, 0);
    db.close();
  });
});
