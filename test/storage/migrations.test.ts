import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openStorage } from '../../src/storage/index.js';
import { MIGRATIONS, checkMigrationList, type Migration } from '../../src/storage/migrations/index.js';
import { openPostgres } from '../../src/storage/postgres/index.js';
import { openSqlite } from '../../src/storage/sqlite/index.js';
import { databaseUrl, dropSchema, query, randomSchema, skipUnlessPostgres } from './pg-target.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-migrations-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `d${dirs++}`);

/** Collects log lines so tests can see which node applied what. */
function recorder() {
  const lines: Array<{ obj: Record<string, unknown>; msg?: string }> = [];
  return { lines, log: { info: (obj: object, msg?: string) => lines.push({ obj: obj as Record<string, unknown>, msg }) } };
}
const appliedIn = (lines: Array<{ msg?: string }>) => lines.filter((l) => l.msg === 'applied storage migration').length;

/** A migration after the real ones that creates a table and then fails, to prove migrations are atomic. */
const failing: Migration = {
  version: MIGRATIONS.length + 1,
  name: 'fails-halfway',
  async up(db) {
    await db.schema.createTable('half_done').addColumn('x', 'integer').execute();
    throw new Error('the last migration failed');
  },
};

describe('migration list', () => {
  it('is strictly increasing and starts with the documents table', () => {
    checkMigrationList(MIGRATIONS);
    assert.equal(MIGRATIONS[0]!.name, 'documents');
  });

  it('rejects duplicate or decreasing versions', () => {
    const m = (version: number): Migration => ({ version, name: `m${version}`, up: async () => undefined });
    assert.throws(() => checkMigrationList([m(1), m(1)]));
    assert.throws(() => checkMigrationList([m(2), m(1)]));
    assert.throws(() => checkMigrationList([m(0)]));
  });
});

describe('openStorage', () => {
  it('rejects a databaseUrl that is not postgres:// or postgresql:// without echoing it', async () => {
    for (const url of ['mysql://u:secret@h/db', 'sqlite:///tmp/x.db', '']) {
      await assert.rejects(openStorage({ databaseUrl: url, dataDir: freshDir() }), (err: Error) => {
        assert.match(err.message, /expected postgres:\/\/ or postgresql:\/\//);
        assert.doesNotMatch(err.message, /secret/);
        return true;
      });
    }
  });
});

describe('sqlite migrations', () => {
  it('creates <dataDir>/tessera.db in WAL mode with the documents table', async () => {
    const dir = freshDir();
    const s = await openStorage({ dataDir: dir });
    await s.close();
    const db = new Database(join(dir, 'tessera.db'), { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      const rows = db.prepare('select version, name from tessera_migrations order by version').all();
      assert.deepEqual(rows, MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    } finally {
      db.close();
    }
  });

  it('lets racing opens of one fresh file all succeed with migrations applied once', async () => {
    const dir = freshDir();
    const rec = recorder();
    const opened = await Promise.all(Array.from({ length: 4 }, () => openStorage({ dataDir: dir, log: rec.log })));
    await Promise.all(opened.map((s) => s.close()));
    assert.equal(appliedIn(rec.lines), MIGRATIONS.length);
  });

  it('rolls back a failing migration entirely and records nothing', async () => {
    const dir = freshDir();
    await assert.rejects(openSqlite({ dataDir: dir, migrations: [...MIGRATIONS, failing] }), /the last migration failed/);
    const db = new Database(join(dir, 'tessera.db'), { readonly: true });
    try {
      const tables = db.prepare("select name from sqlite_master where type = 'table'").all();
      assert.deepEqual(tables, []);
    } finally {
      db.close();
    }
  });
});

const skip = await skipUnlessPostgres();

describe('postgres migrations', { skip }, () => {
  const schemas: string[] = [];
  const fresh = (tag: string) => {
    const s = randomSchema(tag);
    schemas.push(s);
    return s;
  };
  after(() => Promise.all(schemas.map(dropSchema)));

  it('lets racing openStorage() calls on one fresh schema all succeed with migrations applied once', async () => {
    const postgresSchema = fresh('race');
    const rec = recorder();
    const opened = await Promise.all(
      Array.from({ length: 4 }, () => openStorage({ databaseUrl, dataDir: freshDir(), postgresSchema, log: rec.log })),
    );
    await Promise.all(opened.map((s) => s.ping()));
    await Promise.all(opened.map((s) => s.close()));
    assert.equal(appliedIn(rec.lines), MIGRATIONS.length);
    const rows = await query<{ version: number }>(`select version from "${postgresSchema}".tessera_migrations order by version`);
    assert.deepEqual(
      rows.map((r) => r.version),
      MIGRATIONS.map((m) => m.version),
    );
  });

  it('creates the tables in the requested schema with byte-wise ("C") key collation', async () => {
    const postgresSchema = fresh('layout');
    await (await openStorage({ databaseUrl, dataDir: freshDir(), postgresSchema })).close();
    const cols = await query<{ column_name: string; collation_name: string | null }>(
      `select column_name, collation_name from information_schema.columns
        where table_schema = $1 and table_name = 'documents' and column_name in ('collection', 'id')
        order by column_name`,
      [postgresSchema],
    );
    assert.deepEqual(cols, [
      { column_name: 'collection', collation_name: 'C' },
      { column_name: 'id', collation_name: 'C' },
    ]);
  });

  it('keeps documents of different schemas apart', async () => {
    const [a, b] = [fresh('iso'), fresh('iso')];
    const sa = await openStorage({ databaseUrl, dataDir: freshDir(), postgresSchema: a });
    const sb = await openStorage({ databaseUrl, dataDir: freshDir(), postgresSchema: b });
    try {
      await sa.collection('c').create('x', 'in-a');
      assert.equal(await sb.collection('c').get('x'), undefined);
    } finally {
      await Promise.all([sa.close(), sb.close()]);
    }
  });

  it('rolls back a failing migration entirely and records nothing', async () => {
    const schema = fresh('fail');
    await assert.rejects(openPostgres({ databaseUrl, schema, migrations: [...MIGRATIONS, failing] }), /the last migration failed/);
    const tables = await query(`select table_name from information_schema.tables where table_schema = $1`, [schema]);
    assert.deepEqual(tables, []);
  });

  it('refuses a schema name that would need quoting', async () => {
    await assert.rejects(
      openStorage({ databaseUrl, dataDir: freshDir(), postgresSchema: 'x"; drop table y; --' }),
      /postgresSchema must match/,
    );
  });
});
