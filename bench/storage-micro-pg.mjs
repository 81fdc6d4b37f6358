#!/usr/bin/env node
/**
 * PostgreSQL storage micro-benchmark (issue #5, analysis item 4): ops/s of the PostgreSQL backend
 * through the storage contract, 32-way concurrent, without HTTP, at two store sizes. For each
 * size a scratch database (`tessera_bench_<time>_<pid>`, dropped at the end) is migrated by
 * openPostgres, bulk-loaded with `size` identity-shaped rows (ids `eu-west-1:<uuid-shaped md5>`,
 * bodies like src/services/cognito-identity IdentityRecord, generated server-side by
 * generate_series), read back through the contract, then VACUUM (ANALYZE) and CHECKPOINT so
 * neither autovacuum nor a spread checkpoint of the load runs during the measurement. Phases,
 * closed loop:
 *
 *   get       N point reads of random seeded ids (spread over the whole table and its index)
 *   get-hot   N point reads of one id (always in shared buffers)
 *   create    N creates of new ids
 *   update    N compare-and-swap updates (read + conditional UPDATE) of random seeded ids
 *   list      N/4 list pages (limit 20) under random 4-hex-digit id prefixes
 *
 * Configurations: `named` = DML as named prepared statements (what the server runs);
 * `unnamed` = every query parsed and planned afresh (preparedStatements: false, before issue #5).
 * They run interleaved, `--repeat` rounds, each on a freshly opened storage; the table shows the
 * median of the rounds, with CPU per operation of PostgreSQL (all backends of the scratch
 * database, from /proc, bench/lib/rss.mjs; 10 ms ticks, so only meaningful over ≥ 1 s phases) and
 * of this client process (which shares the machine's CPUs with PostgreSQL).
 *
 *   node bench/storage-micro-pg.mjs [--build-dir dist] [--pg-url postgres://postgres@127.0.0.1:5432/test]
 *        [--sizes 10000,1000000] [--ops 8000] [--concurrency 32] [--repeat 3] [--only named,unnamed]
 *
 * Needs a compiled tree (`npm run build`, or tsc --outDir DIR and --build-dir DIR).
 */
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createBenchDatabase, DEFAULT_ADMIN_URL, postgresVersion } from './lib/postgres.mjs';
import { databaseCpuMs } from './lib/rss.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    'build-dir': { type: 'string', default: 'dist' },
    'pg-url': { type: 'string', default: DEFAULT_ADMIN_URL },
    sizes: { type: 'string', default: '10000,1000000' },
    ops: { type: 'string', default: '8000' },
    concurrency: { type: 'string', default: '32' },
    repeat: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});
const OPS = Number(args.ops);
const CONCURRENCY = Number(args.concurrency);
const REPEAT = Number(args.repeat);
const SIZES = args.sizes.split(',').map(Number);
const { openPostgres } = await import(pathToFileURL(resolve(root, args['build-dir'], 'src/storage/postgres/index.js')).href);

const CONFIGS = {
  named: { preparedStatements: true },
  unnamed: { preparedStatements: false },
};
const COLLECTION = 'ci.identities';
const REGION = 'eu-west-1';
const POOL_ID = `${REGION}:11111111-2222-3333-4444-555555555555`;

function identityDoc(identityId, at) {
  return {
    identityId,
    poolId: POOL_ID,
    logins: [{ providerKey: 'accounts.example.com', subject: identityId.slice(-12), publicProvider: true }],
    authenticated: true,
    createdAt: at,
    lastModifiedAt: at,
  };
}

/**
 * The id of seeded row i: `eu-west-1:` + a UUID-shaped md5 of i. Derived, not stored, so the
 * client holds no 10^6-element array (its GC would otherwise weigh on the 10^6 figures only).
 * md5 spreads consecutive i over the whole key space, like random identity ids.
 */
const seededId = (i) => {
  const h = createHash('md5').update(String(i)).digest('hex');
  return `${REGION}:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/**
 * Loads `size` rows as SqlCollection.create stores them (JSON text body, version 1, created_at =
 * updated_at), generated server-side in 100k-row statements; the same md5 as seededId.
 */
async function seed(url, size) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const perStatement = 100_000;
    for (let lo = 0; lo < size; lo += perStatement) {
      await client.query(
        `insert into documents (collection, id, body, version, created_at, updated_at)
         select $1, k.id,
                json_build_object('identityId', k.id, 'poolId', $2::text,
                  'logins', json_build_array(json_build_object('providerKey', 'accounts.example.com',
                    'subject', right(k.id, 12), 'publicProvider', true)),
                  'authenticated', true, 'createdAt', $3::text, 'lastModifiedAt', $3::text)::text,
                1, $3::timestamptz, $3::timestamptz
         from generate_series($4::int, $5::int - 1) as g(i),
              lateral (select $6 || ':' || regexp_replace(md5(g.i::text), '^(.{8})(.{4})(.{4})(.{4})(.{12})$', '\\1-\\2-\\3-\\4-\\5') as id) as k`,
        [COLLECTION, POOL_ID, new Date().toISOString(), lo, Math.min(size, lo + perStatement), REGION],
      );
    }
    await client.query('vacuum (analyze) documents');
    await client.query('checkpoint');
    const { rows } = await client.query(
      "select pg_size_pretty(pg_relation_size('documents')) as heap, pg_size_pretty(pg_relation_size('documents_pkey')) as pkey",
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

/**
 * Runs `total` calls of op(i) with CONCURRENCY in flight (closed loop); returns ops/s and the CPU
 * per operation of PostgreSQL (dbMsPerOp) and of this process (clientMsPerOp).
 */
async function closedLoop(dbName, total, op) {
  let next = 0;
  const db0 = databaseCpuMs(dbName);
  const cpu0 = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) await op(next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let dbMs = 0;
  for (const [p, ms] of databaseCpuMs(dbName)) dbMs += ms - (db0.get(p) ?? 0);
  const cpu = process.cpuUsage(cpu0);
  return { rate: total / seconds, dbMsPerOp: dbMs / total, clientMsPerOp: (cpu.user + cpu.system) / 1000 / total };
}

async function measure(db, size, name, round) {
  const storage = await openPostgres({ databaseUrl: db.url, ...CONFIGS[name] });
  try {
    const c = storage.collection(COLLECTION);
    const at = new Date().toISOString();
    const randomId = () => seededId(Math.floor(Math.random() * size));
    // Warm-up: JIT, pool connections opened, statements parsed on each connection.
    await closedLoop(db.name, 1000, () => c.get(randomId()));
    await closedLoop(db.name, 200, () => c.update(randomId(), (d) => d));
    const hotId = seededId(0);
    const result = {};
    result.get = await closedLoop(db.name, OPS, () => c.get(randomId()));
    result['get-hot'] = await closedLoop(db.name, OPS, () => c.get(hotId));
    result.create = await closedLoop(db.name, OPS, (i) => {
      const id = `${REGION}:new-${name}-${round}-${i}`;
      return c.create(id, identityDoc(id, at));
    });
    result.update = await closedLoop(db.name, OPS, () =>
      c.update(randomId(), (d) => ({ ...d, lastModifiedAt: at })),
    );
    // Prefixes of as many hex digits as leave ≥ 20 ids under each, so every page is full at any size.
    const digits = Math.max(0, Math.floor(Math.log(size / 20) / Math.log(16)));
    const hex = () => (digits ? Math.floor(Math.random() * 16 ** digits).toString(16).padStart(digits, '0') : '');
    result.list = await closedLoop(db.name, Math.floor(OPS / 4), () => c.list({ prefix: `${REGION}:${hex()}`, limit: 20 }));
    return result;
  } finally {
    await storage.close();
  }
}

/** The contract finds seeded rows by seededId (same ids on both sides) and counts them all. */
async function verify(url, size) {
  const storage = await openPostgres({ databaseUrl: url });
  try {
    const c = storage.collection(COLLECTION);
    const probe = seededId(size - 1);
    return (await c.get(probe))?.identityId === probe && (await c.count()) === size;
  } finally {
    await storage.close();
  }
}

const selected = args.only ? args.only.split(',') : Object.keys(CONFIGS);
for (const name of selected) {
  if (!(name in CONFIGS)) throw new Error(`unknown config ${name}; one of ${Object.keys(CONFIGS).join(', ')}`);
}
const METRICS = ['get', 'get-hot', 'create', 'update', 'list'];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n) => Math.round(n).toLocaleString('en-US');

const table = [];
for (const size of SIZES) {
  const db = await createBenchDatabase(args['pg-url']);
  try {
    // Migrate (creates the documents table) before the bulk load.
    await (await openPostgres({ databaseUrl: db.url })).close();
    const t0 = Date.now();
    const { heap, pkey } = await seed(db.url, size);
    if ((await verify(db.url, size)) !== true) throw new Error('seeded rows do not read back through the storage contract');
    console.error(`size ${size}: seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s (heap ${heap}, pkey ${pkey})`);
    const runs = Object.fromEntries(selected.map((name) => [name, []]));
    for (let round = 0; round < REPEAT; round++) {
      for (const name of selected) {
        const r = await measure(db, size, name, round);
        runs[name].push(r);
        console.error(`  round ${round} ${name}: ${METRICS.map((m) => `${m} ${fmt(r[m].rate)}`).join(', ')}`);
      }
    }
    for (const name of selected) table.push({ size, name, heap, pkey, runs: runs[name] });
  } finally {
    await db.drop();
  }
}

console.log(
  `PostgreSQL ${await postgresVersion(args['pg-url'])} storage micro-benchmark: ${OPS} ops per phase (list ${Math.floor(OPS / 4)}), ` +
    `${CONCURRENCY} in flight, pool of 10 connections, median of ${REPEAT} interleaved rounds, node ${process.version}\n`,
);
console.log(`| rows | config | ${METRICS.map((m) => `${m} ops/s (PG / client CPU ms/op)`).join(' | ')} |`);
console.log(`|---:|---|${METRICS.map(() => '---:').join('|')}|`);
for (const row of table) {
  const cells = METRICS.map((m) => {
    const rate = median(row.runs.map((x) => x[m].rate));
    const cpu = median(row.runs.map((x) => x[m].dbMsPerOp));
    const client = median(row.runs.map((x) => x[m].clientMsPerOp));
    return `${fmt(rate)} (${cpu.toFixed(3)} / ${client.toFixed(3)})`;
  });
  console.log(`| ${fmt(row.size)} (heap ${row.heap}, pkey ${row.pkey}) | ${row.name} | ${cells.join(' | ')} |`);
}
if (SIZES.length > 1) {
  const [small, big] = [SIZES[0], SIZES[SIZES.length - 1]];
  console.log(`\nRatio ${fmt(big)} / ${fmt(small)} rows (median ops/s):\n`);
  console.log(`| config | ${METRICS.join(' | ')} |`);
  console.log(`|---|${METRICS.map(() => '---:').join('|')}|`);
  for (const name of selected) {
    const at = (size) => table.find((r) => r.size === size && r.name === name);
    const ratio = (m) => (median(at(big).runs.map((x) => x[m].rate)) / median(at(small).runs.map((x) => x[m].rate))).toFixed(2);
    console.log(`| ${name} | ${METRICS.map(ratio).join(' | ')} |`);
  }
}
