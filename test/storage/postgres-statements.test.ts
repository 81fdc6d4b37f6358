/**
 * PostgreSQL on the request path (issue #5): the documents statements run as named prepared
 * statements, and every one of them, with its parameters typed the way PostgreSQL infers them
 * from node-postgres's untyped binds, is answered from the (collection, id) COLLATE "C" primary
 * key — also under a generic plan, which is what a prepared statement settles on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openPostgres, StatementNames, withNamedStatements } from '../../src/storage/postgres/index.js';
import type { Storage } from '../../src/storage/index.js';
import { databaseUrl, dropSchema, randomSchema, skipUnlessPostgres } from './pg-target.js';

describe('StatementNames', () => {
  it('gives one text the same name every time and different texts different names', () => {
    const names = new StatementNames();
    const a = names.nameFor('select "body" from "documents" where "id" = $1');
    const b = names.nameFor('select "id" from "documents" where "id" = $1');
    assert.ok(a && b);
    assert.notEqual(a, b);
    assert.equal(names.nameFor('select "body" from "documents" where "id" = $1'), a);
    assert.equal(new StatementNames().nameFor('select "body" from "documents" where "id" = $1'), a);
    assert.ok(Buffer.byteLength(a) <= 63, 'PostgreSQL identifiers hold at most 63 bytes');
  });

  it('names DML only, leaving DDL and transaction control unnamed', () => {
    const names = new StatementNames();
    for (const text of ['begin', 'commit', 'create table t (k int)', 'set search_path = x', 'vacuum documents']) {
      assert.equal(names.nameFor(text), undefined, text);
    }
    for (const text of ['SELECT 1', ' insert into t values ($1)', 'update t set k = $1', 'delete from t', 'with x as (select 1) select * from x', '(select 1)']) {
      assert.ok(names.nameFor(text), text);
    }
  });

  it('stops naming new texts once it holds max of them, and keeps the ones it named', () => {
    const names = new StatementNames(2);
    const first = names.nameFor('select 1');
    names.nameFor('select 2');
    assert.equal(names.nameFor('select 3'), undefined);
    assert.equal(names.nameFor('select 1'), first);
    assert.deepEqual(names.texts(), ['select 1', 'select 2']);
  });
});

const skip = await skipUnlessPostgres();

describe('postgres named statements', { skip }, () => {
  it('parses a named text once per connection and binds fresh values on later calls', async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    const names = new StatementNames();
    try {
      const wrapped = withNamedStatements(pool, names);
      const client = await wrapped.connect();
      try {
        const text = 'select $1::int + 1 as n';
        const one = await client.query<{ n: number }>(text, [1]);
        const two = await client.query<{ n: number }>(text, [41]);
        assert.deepEqual([one.rows[0]!.n, two.rows[0]!.n], [2, 42]);
        const prepared = await client.query<{ name: string; statement: string }>(
          'select name, statement from pg_prepared_statements where name = $1',
          [names.nameFor(text)],
        );
        assert.deepEqual(prepared.rows, [{ name: names.nameFor(text), statement: text }]);
        // SET is sent unnamed: the session holds exactly the registry's statements (the three
        // selects above, the last one being this listing itself).
        await client.query('set statement_timeout = 0', []);
        const all = await client.query<{ name: string }>('select name from pg_prepared_statements order by name', []);
        const expected = names.texts().map((t) => names.nameFor(t)!).sort();
        assert.equal(expected.length, 3);
        assert.deepEqual(all.rows.map((r) => r.name), expected);
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  });
});

/** Parameter values of the right type for EXPLAIN EXECUTE; the generic plan does not look at them. */
function sampleValue(type: string): string {
  if (type === 'text') return `'x'`;
  if (type === 'text[]') return `array['x', 'y']`;
  if (type === 'integer' || type === 'bigint') return '1';
  if (type === 'timestamp with time zone') return `'2026-01-01T00:00:00Z'`;
  throw new Error(`no sample value for parameter type ${type}`);
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** EXPLAINs `text` as a generic plan with seq scans disabled; returns the plan nodes on documents. */
async function genericPlan(client: pg.Client, text: string): Promise<PlanNode[]> {
  await client.query('deallocate all');
  await client.query(`prepare probe as ${text}`);
  const types = await client.query<{ t: string[] }>(
    `select parameter_types::text[] as t from pg_prepared_statements where name = 'probe'`,
  );
  const values = types.rows[0]!.t.map(sampleValue);
  const explained = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
    `explain (format json) execute probe${values.length ? `(${values.join(', ')})` : ''}`,
  );
  return nodes(explained.rows[0]!['QUERY PLAN'][0]!.Plan);
}

describe('postgres documents statements use the primary key', { skip }, () => {
  const schema = randomSchema('plans');
  const names = new StatementNames();
  let storage: Storage;
  let client: pg.Client;

  before(async () => {
    storage = await openPostgres({ databaseUrl, schema, preparedStatements: names });
    // Every statement shape SqlCollection issues: create, createIfAbsent (insert … on conflict and
    // its read-back), get, list with and without prefix and page token, count with and without
    // prefix, update (read + CAS), delete.
    const c = storage.collection<{ n: number }>('plans.docs');
    await c.create('a/1', { n: 1 });
    await c.createIfAbsent('a/1', { n: 2 });
    await c.createIfAbsent('a/2', { n: 2 });
    await c.get('a/1');
    // Point reads on the shared pool go out as one "id" = any($2) statement (point-reads.ts).
    await Promise.all([c.get('a/1'), c.get('a/2')]);
    const page = await c.list({ limit: 1 });
    await c.list({ limit: 1, pageToken: page.next! });
    const prefixed = await c.list({ prefix: 'a/', limit: 1 });
    await c.list({ prefix: 'a/', limit: 1, pageToken: prefixed.next! });
    await c.count();
    await c.count('a/');
    await c.update('a/1', (d) => ({ n: d.n + 1 }));
    await c.delete('a/2');
    client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`set search_path = ${schema}`);
    // Force the plan a prepared statement settles on, and make a sequential scan the last resort,
    // so the test sees whether an index *can* answer each predicate, not what is cheapest on a
    // table of three rows.
    await client.query('set plan_cache_mode = force_generic_plan');
    await client.query('set enable_seqscan = off');
    // With statistics of a table of three rows the planner prefers filtering an `id = any($2)` to
    // probing the index per element; a table of a few thousand rows plans like a real one.
    await client.query(
      `insert into documents (collection, id, body, version, created_at, updated_at)
       select 'plans.filler', 'f/' || g, '{}', 1, now(), now() from generate_series(1, 5000) g`,
    );
    await client.query('analyze documents');
  });

  after(async () => {
    await client?.end();
    await storage?.close();
    await dropSchema(schema);
  });

  it('names every statement the collection issued on the documents table', () => {
    const documents = names.texts().filter((t) => t.includes('"documents"'));
    // select by key, list ×4, count ×2, insert, insert … on conflict, update, delete
    assert.ok(documents.length >= 11, `named ${documents.length}: ${documents.join('\n')}`);
  });

  it('answers each collection statement from documents_pkey with collection and id as index conditions', async () => {
    const documents = names.texts().filter((t) => t.includes('"documents"') && !t.startsWith('insert'));
    assert.ok(documents.length > 0);
    for (const text of documents) {
      // A Bitmap Heap Scan is fed by a Bitmap Index Scan, checked in its own right.
      const scans = (await genericPlan(client, text)).filter((n) => /Scan/.test(n['Node Type']) && n['Node Type'] !== 'Bitmap Heap Scan');
      assert.ok(scans.length > 0, text);
      for (const node of scans) {
        assert.match(node['Node Type'], /^(Index|Index Only|Bitmap Index) Scan$/, `${text}\n→ ${node['Node Type']}`);
        assert.equal(node['Index Name'], 'documents_pkey', text);
        assert.match(node['Index Cond'] ?? '', /\(collection = \$\d+\)/, text);
        // Every statement naming an id in its WHERE clause must use it as an index condition
        // (a collation mismatch would demote it to a Filter).
        if (/where .*"id" [<>=]/.test(text)) assert.match(node['Index Cond'] ?? '', /\(id (?:[<>=]+ \$\d+|= ANY \(\$\d+\))\)/, text);
      }
    }
  });

  it('would catch a comparison in another collation: the id predicate then cannot use the "C" index', async () => {
    // Negative control for the check above: "POSIX" compares like "C" but is another collation,
    // and an index only serves predicates in its own collation (PostgreSQL docs §11.11).
    const plan = await genericPlan(
      client,
      'select "body" from "documents" where "collection" = $1 and "id" = $2 collate "POSIX"',
    );
    const scans = plan.filter((n) => /Scan/.test(n['Node Type']));
    assert.ok(scans.length > 0);
    for (const scan of scans) assert.doesNotMatch(scan['Index Cond'] ?? '', /id =/);
  });
});
