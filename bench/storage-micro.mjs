#!/usr/bin/env node
/**
 * Storage micro-benchmark (issue #5): ops/s of the embedded SQLite backend through the storage
 * contract, 32-way concurrent, without HTTP. Each configuration opens a real storage in a fresh
 * temp dir (same durability settings as the server: WAL + synchronous=FULL) and runs, closed loop:
 *
 *   create      N creates of distinct ids
 *   get         N gets of random existing ids
 *   update      N compare-and-swap updates of random existing ids
 *   update-hot  N/4 updates all of one row (CAS contention)
 *
 * Configurations: `baseline` = one transaction per write, every query prepared afresh (the code
 * path before issue #5, kept behind groupCommit: false / statementCacheSize: 0); `cache` = with
 * the statement cache only; `default` = statement cache + group commit (what the server runs).
 *
 *   node bench/storage-micro.mjs [--build-dir dist] [--ops 4000] [--concurrency 32] [--repeat 3]
 *                                [--only default,baseline]
 *
 * Configurations run interleaved, `--repeat` rounds, each in a fresh file after a short warm-up
 * (JIT, page cache); the table shows the median of the rounds, since fsync latency on a shared
 * machine varies a lot from one second to the next.
 *
 * Needs a compiled tree (`npm run build`, or tsc --outDir DIR and --build-dir DIR).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    'build-dir': { type: 'string', default: 'dist' },
    ops: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '32' },
    repeat: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});
const OPS = Number(args.ops);
const CONCURRENCY = Number(args.concurrency);
const REPEAT = Number(args.repeat);
const { openSqlite } = await import(pathToFileURL(resolve(root, args['build-dir'], 'src/storage/sqlite/index.js')).href);

const CONFIGS = {
  baseline: { groupCommit: false, statementCacheSize: 0 },
  cache: { groupCommit: false },
  default: {},
};

/** Runs `total` calls of op(i) with `CONCURRENCY` in flight (closed loop); returns ops/s. */
async function closedLoop(total, op) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) await op(next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return total / seconds;
}

async function measure(name, options) {
  const dir = mkdtempSync(join(tmpdir(), `tessera-micro-${name}-`));
  let batches = 0;
  const groupCommit = options.groupCommit === false ? false : { onCommit: () => batches++ };
  const storage = await openSqlite({ dataDir: dir, ...options, groupCommit });
  try {
    const warm = storage.collection('micro.warm-up');
    await closedLoop(500, (i) => warm.create(`w${i}`, { n: 0 }));
    await closedLoop(500, (i) => warm.update(`w${i}`, (d) => ({ n: d.n + 1 })));
    await closedLoop(500, (i) => warm.get(`w${i}`));
    batches = 0;
    const c = storage.collection('micro.docs');
    const doc = (i) => ({ identityId: `eu-west-1:${i}`, logins: [{ providerKey: 'accounts.example.com', subject: `s-${i}` }], n: 0 });
    const rand = () => `id-${Math.floor(Math.random() * OPS)}`;
    const result = { config: name };
    result.create = await closedLoop(OPS, (i) => c.create(`id-${i}`, doc(i)));
    result.createBatches = batches;
    result.get = await closedLoop(OPS, () => c.get(rand()));
    result.update = await closedLoop(OPS, () => c.update(rand(), (d) => ({ ...d, n: d.n + 1 })));
    await c.create('hot', { n: 0 });
    const hot = Math.floor(OPS / 4);
    result['update-hot'] = await closedLoop(hot, () => c.update('hot', (d) => ({ n: d.n + 1 })));
    const final = await c.get('hot');
    if (final.n !== hot) throw new Error(`lost updates: ${final.n} != ${hot}`);
    return result;
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const selected = args.only ? args.only.split(',') : Object.keys(CONFIGS);
for (const name of selected) {
  if (!(name in CONFIGS)) throw new Error(`unknown config ${name}; one of ${Object.keys(CONFIGS).join(', ')}`);
}
const runs = Object.fromEntries(selected.map((name) => [name, []]));
for (let round = 0; round < REPEAT; round++) {
  for (const name of selected) runs[name].push(await measure(name, CONFIGS[name]));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const METRICS = ['create', 'get', 'update', 'update-hot'];
console.log(
  `SQLite storage micro-benchmark: ${OPS} ops per phase (update-hot ${Math.floor(OPS / 4)}), ${CONCURRENCY} in flight, ` +
    `median of ${REPEAT} interleaved rounds, node ${process.version}\n`,
);
console.log('| config | create ops/s | get ops/s | update ops/s | update-hot ops/s | transactions for the creates |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const name of selected) {
  const r = runs[name];
  const cells = METRICS.map((m) => fmt(median(r.map((x) => x[m]))));
  const tx = CONFIGS[name].groupCommit === false ? fmt(OPS) : fmt(median(r.map((x) => x.createBatches)));
  console.log(`| ${name} | ${cells.join(' | ')} | ${tx} |`);
}
