#!/usr/bin/env node
/**
 * `npm run bench:ab -- --a DIR --b DIR [--only key,key]`: two builds side by side, interleaved
 * in short windows, so that the host's drift (30–40% within minutes on the bench machines, see
 * bench/results/*-analysis.md) falls on both alike.
 *
 * Both servers run at once, each on its own store seeded alike (10^4 identities unless
 * --size), but only one is loaded at a time: for each workload, R rounds of one window on A and
 * one on B (the order alternates by round), each window measuring req/s and the server's CPU per
 * answered request. A round gives one paired ratio B/A; the report shows the median and range of
 * those ratios next to each build's median figures, and the largest summed RSS of each server's
 * processes read at the end of a window. A ratio whose whole range is on one side of
 * 1 is a difference; one that straddles 1 is not shown to be.
 *
 *   --a DIR --b DIR      builds (a copy of dist/, e.g. `cp -r dist .build/x`); default --a dist
 *   --only keys          workloads (bench/lib/workloads.mjs), default gcfi-warm,arwwi-warm
 *   --backend sqlite|postgres (default sqlite)   --size N (default 10000)
 *   --rounds R (default 8)   --window MS (default 2000)   --warmup MS (default 1000)
 *   --workers N|auto (default auto)   --connections N (default 32)   --pg-url URL   --out FILE
 *   --a-workers / --b-workers N|auto   one side's worker processes (default --workers), to compare
 *                        process counts on one build (--b may then be the same directory as --a)
 *   --a-size / --b-size N   one side's stored identities (default --size), to compare store sizes
 *                        on one build side by side (issue #5's 10^6 against 10^4 goal), free of the
 *                        drift between two phases of a full run
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { repoRoot } from './lib/paths.mjs';
import { runLoad } from './lib/load.mjs';
import { summarize } from './lib/stats.mjs';
import { cpuMeter, readMemory } from './lib/rss.mjs';
import { startTessera, stopAll } from './lib/processes.mjs';
import { createBenchDatabase, DEFAULT_ADMIN_URL } from './lib/postgres.mjs';
import { bulkSeed, contractSeed } from './lib/seed.mjs';
import { CLIENT_ID, REGION, setupFixture, vendCredentials } from './lib/fixture.mjs';
import { WORKLOADS } from './lib/workloads.mjs';
import { describeMachine } from './lib/machine.mjs';

const { values: args } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    only: { type: 'string' },
    backend: { type: 'string' },
    size: { type: 'string' },
    rounds: { type: 'string' },
    window: { type: 'string' },
    warmup: { type: 'string' },
    workers: { type: 'string' },
    'a-workers': { type: 'string' },
    'b-workers': { type: 'string' },
    'a-size': { type: 'string' },
    'b-size': { type: 'string' },
    connections: { type: 'string' },
    'pg-url': { type: 'string' },
    out: { type: 'string' },
  },
  strict: true,
});

const config = {
  a: resolve(args.a ?? join(repoRoot, 'dist')),
  b: args.b ? resolve(args.b) : undefined,
  only: (args.only ?? 'gcfi-warm,arwwi-warm').split(','),
  backend: args.backend ?? 'sqlite',
  size: Number(args.size ?? 10_000),
  aSize: Number(args['a-size'] ?? args.size ?? 10_000),
  bSize: Number(args['b-size'] ?? args.size ?? 10_000),
  rounds: Number(args.rounds ?? 8),
  windowMs: Number(args.window ?? 2000),
  warmupMs: Number(args.warmup ?? 1000),
  aWorkers: args['a-workers'] ?? args.workers ?? 'auto',
  bWorkers: args['b-workers'] ?? args.workers ?? 'auto',
  connections: Number(args.connections ?? 32),
  pgUrl: args['pg-url'] ?? DEFAULT_ADMIN_URL,
};
if (!config.b) throw new Error('--b DIR is required (a build to compare with --a, default dist/)');
if (!['sqlite', 'postgres'].includes(config.backend)) throw new Error('--backend is sqlite or postgres');
const workloads = config.only.map((k) => WORKLOADS.find((w) => w.key === k) ?? (() => { throw new Error(`unknown workload ${k}`); })());

const log = (msg) => console.error(`[ab ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One build's server with its own store, seeded to `size` identities. */
async function prepare(label, buildDir, issuer, workers, size) {
  const { openStorage } = await import(pathToFileURL(join(buildDir, 'src', 'storage', 'index.js')).href);
  const dataDir = mkdtempSync(join(tmpdir(), `tessera-ab-${label}-`));
  const db = config.backend === 'postgres' ? await createBenchDatabase(config.pgUrl) : undefined;
  const root = { accessKeyId: 'AKIABENCHROOT0000001', secretAccessKey: randomBytes(30).toString('base64url') };
  const options = { dataDir, databaseUrl: db?.url, rootKey: root.accessKeyId, rootSecret: root.secretAccessKey, buildDir, workers };
  const cleanup = async () => {
    if (db) await db.drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  let server = await startTessera(options);
  const fx = await setupFixture({ url: server.url, credentials: root, issuer });
  await server.stop();
  const storage = await openStorage({ dataDir, databaseUrl: db?.url });
  const first = Math.min(3000, size);
  let c;
  try {
    c = await contractSeed({ storage, poolId: fx.poolId, providerKey: fx.providerKey, region: REGION, from: 0, n: first });
  } finally {
    await storage.close();
  }
  let sample = c.sample;
  if (size > first) {
    const s = await bulkSeed({ kind: config.backend, dataDir, databaseUrl: db?.url, poolId: fx.poolId, providerKey: fx.providerKey, region: REGION, from: first, to: size });
    sample = [...c.sample, ...s.sample];
  }
  server = await startTessera(options);
  log(`${label}: ${buildDir} on ${config.backend} with ${size} identities at ${server.url} (pid ${server.pid})`);
  const token = (sub) => issuer.sign(issuer.claims({ sub, aud: CLIENT_ID, jti: randomUUID() }));
  const existing = sample[Math.floor(sample.length / 2)];
  const vended = await vendCredentials({ url: server.url, credentials: root, roleArn: fx.webRole, token: token(existing.subject) });
  const ctx = { url: server.url, ...fx, token, existing, sample, vended, runId: `${label}-${Date.now().toString(36)}`, signSts: false };
  return { label, buildDir, server, ctx, dbName: db?.name, cleanup };
}

async function window(side, next, durationMs, warmupMs) {
  const cpu = cpuMeter(side.server.pid, side.dbName);
  let used;
  const res = await runLoad({ url: side.ctx.url, connections: config.connections, warmupMs, durationMs, next, onMeasureStart: cpu.start, onMeasureEnd: () => (used = cpu.stop()) });
  const failed = res.failed + res.transportErrors;
  if (res.exhausted) return { exhausted: true };
  if (!used || res.completed === 0 || failed > res.completed * 0.01) throw new Error(`${side.label}: ${res.completed} answers, ${failed} failed ${res.errorSample ?? ''}`);
  // Summed RSS of the server's process tree as the window ends (the load just stopped).
  const rss = readMemory(side.server.pid)?.rss;
  return { rss, rps: res.rps, msPerReq: used.serverMs / res.completed, dbMsPerReq: used.dbMs !== undefined ? used.dbMs / res.completed : undefined, p99: summarize(res.latenciesUs).p99 };
}

async function main() {
  const { startIssuer } = await import(pathToFileURL(join(config.a, 'test', 'helpers', 'issuer.js')).href);
  const machine = describeMachine({ postgres: 'see --backend' });
  const issuer = await startIssuer();
  const sides = [];
  const results = [];
  try {
    sides.push(await prepare('A', config.a, issuer, config.aWorkers, config.aSize));
    sides.push(await prepare('B', config.b, issuer, config.bWorkers, config.bSize));
    for (const w of workloads) {
      // Distinct tokens are pre-signed: a supply per side of up to 40,000 (about 3,000 req/s
      // for every window); the rounds stop, and the round in progress is dropped, when one runs out.
      const n = w.distinctOf ? Math.min(40_000, Math.ceil(((config.rounds * (config.windowMs + 300) + config.warmupMs) * 3000) / 1000)) : 0;
      const nexts = [];
      for (const side of sides) nexts.push(await w.build(side.ctx, n + 1));
      for (let i = 0; i < 2; i++) await window(sides[i], nexts[i], config.warmupMs, 0);
      // (the warm-up windows' figures are not kept)
      const rounds = [];
      for (let r = 0; r < config.rounds; r++) {
        const order = r % 2 === 0 ? [0, 1] : [1, 0];
        const got = [];
        for (const i of order) got[i] = await window(sides[i], nexts[i], config.windowMs, 300);
        if (got.some((g) => g.exhausted)) {
          log(`${w.key}: distinct tokens ran out after ${rounds.length} rounds`);
          break;
        }
        rounds.push(got);
        log(`${w.key} round ${r + 1}: A ${Math.round(got[0].rps)} req/s ${got[0].msPerReq.toFixed(3)} ms/req, B ${Math.round(got[1].rps)} req/s ${got[1].msPerReq.toFixed(3)} ms/req`);
      }
      results.push({ key: w.key, rounds });
    }
  } finally {
    for (const s of sides) await s.server.stop().catch(() => undefined);
    await stopAll();
    await issuer.close();
    for (const s of sides) await s.cleanup();
  }

  const f = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '—');
  const L = [
    `# A/B: ${config.a} (A) against ${config.b} (B)`,
    '',
    `${new Date().toISOString()}; ${machine.nproc} × ${machine.cpu}, node ${machine.node}; ${config.backend}, ${config.aSize === config.bSize ? config.aSize : `${config.aSize} (A) / ${config.bSize} (B)`} identities, --workers ${config.aWorkers === config.bWorkers ? config.aWorkers : `${config.aWorkers} (A) / ${config.bWorkers} (B)`}, ${config.connections} connections; ${config.rounds} rounds of one ${config.windowMs} ms window per build (order alternating), each after a 300 ms warm-up.`,
    '',
    '| workload | A req/s | B req/s | B/A req/s, median (range) | A ms/req | B ms/req | B/A ms/req, median (range) | A p99 ms | B p99 ms | A RSS MiB | B RSS MiB |',
    '|---|---:|---:|---|---:|---:|---|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    if (r.rounds.length === 0) {
      L.push(`| ${r.key} | no complete round | | | | | | | | | |`);
      continue;
    }
    const ratio = (k) => r.rounds.map(([a, b]) => b[k] / a[k]);
    const rr = ratio('rps');
    const rc = ratio('msPerReq');
    const m = (i, k) => median(r.rounds.map((x) => x[i][k]));
    L.push(`| ${r.key} (${r.rounds.length} rounds) | ${f(m(0, 'rps'))} | ${f(m(1, 'rps'))} | ${f(median(rr), 3)} (${f(Math.min(...rr), 3)}–${f(Math.max(...rr), 3)}) | ${f(m(0, 'msPerReq'), 3)} | ${f(m(1, 'msPerReq'), 3)} | ${f(median(rc), 3)} (${f(Math.min(...rc), 3)}–${f(Math.max(...rc), 3)}) | ${f(m(0, 'p99'), 1)} | ${f(m(1, 'p99'), 1)} | ${f(Math.max(...r.rounds.map((x) => x[0].rss)))} | ${f(Math.max(...r.rounds.map((x) => x[1].rss)))} |`);
  }
  const md = `${L.join('\n')}\n`;
  process.stdout.write(md);
  if (args.out) writeFileSync(args.out, md);
}

main().catch(async (err) => {
  console.error(err?.stack ?? err);
  await stopAll();
  process.exit(1);
});
