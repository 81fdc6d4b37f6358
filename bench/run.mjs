#!/usr/bin/env node
/**
 * `npm run bench` (issue #5): starts Tessera on SQLite and on PostgreSQL (a fresh database per
 * run, dropped afterwards), moto_server and a bare node:http server, loads each over loopback
 * with the closed-loop generator in bench/lib/load.mjs, and writes bench/results/<date>.md.
 *
 *   npm run bench                      full run: SQLite + PostgreSQL, 10^4 and 10^6 identities
 *   npm run bench -- --quick           short durations, SQLite only, 10^4 only (< 3 minutes)
 *   npm run bench -- --profile KEY     SQLite, 10^4, one workload, server under --cpu-prof;
 *                                      prints the top self-time functions
 * Other flags: --backends sqlite,postgres  --sizes 10000,1000000  --only key,key  --duration MS
 *   --warmup MS  --connections N  --no-moto  --build-dir DIR (a build other than dist/)
 *   --pg-url postgres://…  --out FILE  --log-level LEVEL
 *   --workers N|auto (Tessera's worker processes; default auto = one per CPU, 1 when profiling)
 *   npm run bench -- --gateway         the SigV4 gateway instead (bench/gateway.mjs): added p50 and
 *                                      CPU per GetObject/GetItem, RSS of a 1 GiB round trip
 */
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import http from 'node:http';
import { repoRoot } from './lib/paths.mjs';
import { runLoad } from './lib/load.mjs';
import { summarize } from './lib/stats.mjs';
import { cpuMeter, readMemory, sampleRss } from './lib/rss.mjs';
import { startBare, startMoto, startTessera, stopAll } from './lib/processes.mjs';
import { createBenchDatabase, DEFAULT_ADMIN_URL, postgresVersion } from './lib/postgres.mjs';
import { bulkSeed, cloneUsers, contractSeed, verifySeed } from './lib/seed.mjs';
import { CLIENT_ID, REGION, getIdFor, setupFixture, vendCredentials } from './lib/fixture.mjs';
import { WORKLOADS } from './lib/workloads.mjs';
import { jsonRequest } from './lib/wire.mjs';
import { describeMachine } from './lib/machine.mjs';
import { evaluateGoals, renderReport } from './lib/report.mjs';
import { summarizeProfileFile } from './lib/cpuprofile.mjs';

// `npm run bench -- --gateway`: the SigV4 gateway's bench (issue #26), with its own flags and report.
if (process.argv.includes('--gateway')) {
  const { main } = await import('./gateway.mjs');
  try {
    await main();
    process.exit(0);
  } catch (err) {
    console.error(err);
    await stopAll();
    process.exit(1);
  }
}

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    profile: { type: 'string' },
    backends: { type: 'string' },
    sizes: { type: 'string' },
    only: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    'no-moto': { type: 'boolean' },
    'build-dir': { type: 'string' },
    'pg-url': { type: 'string' },
    out: { type: 'string' },
    'log-level': { type: 'string' },
    workers: { type: 'string' },
  },
  strict: true,
});

const quick = Boolean(args.quick);
const profileKey = args.profile;
const config = {
  quick,
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  connections: Number(args.connections ?? 32),
  warmupMs: Number(args.warmup ?? (quick ? 500 : 2000)),
  durationMs: Number(args.duration ?? (quick ? 2500 : 10_000)),
  backends: (args.backends ?? (quick || profileKey ? 'sqlite' : 'sqlite,postgres')).split(','),
  sizes: (args.sizes ?? (quick || profileKey ? '10000' : '10000,1000000')).split(',').map(Number),
  only: args.only?.split(',') ?? (profileKey ? [profileKey] : undefined),
  moto: !args['no-moto'] && !profileKey,
  bare: !profileKey,
  buildDir: args['build-dir'] ? resolve(args['build-dir']) : undefined,
  pgUrl: args['pg-url'] ?? process.env.TESSERA_BENCH_DATABASE_URL ?? DEFAULT_ADMIN_URL,
  logLevel: args['log-level'] ?? 'info',
  // Tessera's worker processes (`tessera serve --workers`): one per CPU unless told, profiles one.
  workers: args.workers ?? (profileKey ? '1' : 'auto'),
  // Pre-signed distinct tokens per workload: enough for the measured rate of the warm twin.
  maxTokens: quick ? 12_000 : 40_000,
  // Identities seeded through Collection.create to document that path's cost.
  contractSample: quick ? 1000 : 3000,
  // Users for initiate-auth-distinct: one more than the password memo keeps, so cycling misses.
  clonedUsers: 10_001,
};
for (const b of config.backends) if (b !== 'sqlite' && b !== 'postgres') throw new Error(`unknown backend ${b}`);
if (profileKey && !WORKLOADS.some((w) => w.key === profileKey)) throw new Error(`unknown workload ${profileKey}: ${WORKLOADS.map((w) => w.key).join(', ')}`);
const selected = WORKLOADS.filter((w) => !config.only || config.only.includes(w.key));
const buildRoot = config.buildDir ?? join(repoRoot, 'dist');
const load = (rel) => import(pathToFileURL(join(buildRoot, rel)).href);

const log = (msg) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const hr = () => process.hrtime.bigint();
const secondsSince = (t) => Number(hr() - t) / 1e9;

function which(bin) {
  try {
    return execFileSync('which', [bin], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** One request outside the timed phase: the workload must succeed before it is measured. */
function probe(url, req) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const r = http.request({ host: u.hostname, port: u.port, method: req.method, path: req.path, headers: req.headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

/** What a successful answer of each operation contains (checked on the probe). */
const EXPECT = {
  'guest-getid': 'IdentityId',
  'getid-existing-warm': 'IdentityId',
  'getid-existing-distinct': 'IdentityId',
  'first-signin': 'IdentityId',
  'gcfi-warm': 'SecretKey',
  'gcfi-distinct': 'SecretKey',
  'openid-warm': '"Token"',
  'openid-distinct': '"Token"',
  'arwwi-warm': '<SessionToken>',
  'arwwi-distinct': '<SessionToken>',
  'arwwi-cold': '<SessionToken>',
  'gci-signed': '<Arn>',
  'initiate-auth': 'AccessToken',
  'initiate-auth-distinct': 'AccessToken',
};

/**
 * Runs `workloads` against a server; `only` keys limit it (moto). Returns result rows.
 * `rpsOf` carries measured rates between workloads (the token budget of a distinct workload is
 * sized from its warm twin).
 */
async function runWorkloads({ ctx, pid, workloads, target, size, dbName }) {
  const rows = [];
  const rpsOf = {};
  for (const w of workloads) {
    const row = { target, size, key: w.key, label: w.label, cache: w.cache, comparable: w.comparable };
    rows.push(row);
    const unavailable = w.unavailable?.(ctx);
    if (unavailable) {
      Object.assign(row, { status: 'unavailable', note: unavailable });
      log(`${target} ${w.key}: not available (${unavailable})`);
      continue;
    }
    try {
      let n = 0;
      if (w.distinctOf) {
        const hint = rpsOf[w.distinctOf] ?? 2000;
        n = Math.min(config.maxTokens, Math.ceil((hint * (config.warmupMs + config.durationMs) * 1.3) / 1000) + 200);
      }
      const prepStart = hr();
      const next = await w.build(ctx, n + 1);
      row.prepSeconds = secondsSince(prepStart);
      const first = next();
      const p = await probe(ctx.url, first);
      if (p.status < 200 || p.status >= 300 || !p.body.includes(EXPECT[w.key])) {
        const unknown = /UnknownOperation|InvalidAction|not (yet )?implemented/i.test(p.body);
        Object.assign(row, { status: unknown ? 'unavailable' : 'failed', note: `${p.status} ${p.body.slice(0, 300)}` });
        log(`${target} ${w.key}: ${row.status}: ${row.note}`);
        continue;
      }
      const rss = sampleRss(pid);
      const cpu = cpuMeter(pid, dbName);
      let used;
      const res = await runLoad({
        url: ctx.url,
        connections: config.connections,
        warmupMs: config.warmupMs,
        durationMs: config.durationMs,
        next,
        onMeasureStart: cpu.start,
        onMeasureEnd: () => (used = cpu.stop()),
      });
      const mem = rss.stop();
      const lat = summarize(res.latenciesUs);
      if (!used) {
        // The supply ran out during warm-up: nothing was measured.
        Object.assign(row, { status: 'failed', note: `request supply (${n}) exhausted during warm-up; ${res.errorSample ?? ''}` });
        log(`${target} ${w.key}: ${row.note}`);
        continue;
      }
      Object.assign(row, {
        status: res.completed > 0 && res.failed + res.transportErrors < res.completed * 0.01 ? 'ok' : 'failed',
        rps: res.rps,
        ...lat,
        completed: res.completed,
        failed: res.failed,
        transportErrors: res.transportErrors,
        seconds: res.seconds,
        exhausted: res.exhausted,
        statuses: res.statuses,
        rssMax: mem.max,
        pssMax: mem.pssMax,
        serverCpuMsPerReq: used ? used.serverMs / res.completed : undefined,
        serverCpuShare: used ? used.serverMs / 1000 / res.seconds : undefined,
        clientCpuShare: used ? used.clientMs / 1000 / res.seconds : undefined,
        otherCpuShare: used ? used.otherMs / 1000 / res.seconds : undefined,
        dbCpuShare: used?.dbMs !== undefined ? used.dbMs / 1000 / res.seconds : undefined,
        dbCpuMsPerReq: used?.dbMs !== undefined ? used.dbMs / res.completed : undefined,
        tokens: n || undefined,
        window: { startUs: Number(res.window.startNs / 1000n), endUs: Number(res.window.endNs / 1000n) },
      });
      if (res.errorSample) row.note = res.errorSample.slice(0, 300);
      rpsOf[w.key] = res.rps;
      log(`${target} ${w.key}: ${Math.round(res.rps)} req/s p50 ${lat.p50.toFixed(2)} p99 ${lat.p99.toFixed(2)} ms, ${res.completed} reqs, ${res.failed + res.transportErrors} failed${res.exhausted ? ' (tokens ran out)' : ''}, RSS ${mem.max.toFixed(1)} MiB (PSS ${mem.pssMax.toFixed(1)}), server CPU ${(row.serverCpuShare * 100).toFixed(0)}% (${row.serverCpuMsPerReq.toFixed(2)} ms/req), generator CPU ${(row.clientCpuShare * 100).toFixed(0)}%${row.dbCpuShare !== undefined ? `, postgres ${(row.dbCpuShare * 100).toFixed(0)}% (${row.dbCpuMsPerReq.toFixed(2)} ms/req)` : ''}, others ${(row.otherCpuShare * 100).toFixed(0)}%${res.errorSample ? ` — ${res.errorSample.slice(0, 160)}` : ''}`);
    } catch (err) {
      Object.assign(row, { status: 'failed', note: String(err?.stack ?? err).slice(0, 300) });
      log(`${target} ${w.key}: failed: ${err?.message}`);
    }
  }
  return rows;
}

/** Draws `size` entries from several samples, each in proportion to the identities it stands for. */
function proportionalSample(parts, size) {
  const total = parts.reduce((a, p) => a + p.identities, 0);
  const out = [];
  for (const p of parts) {
    const want = Math.max(1, Math.round((size * p.identities) / total));
    const stride = Math.max(1, p.sample.length / want);
    for (let i = 0; i < p.sample.length && out.length < size * 2; i += stride) out.push(p.sample[Math.floor(i)]);
  }
  return out;
}

/** Undo steps of the run in progress (drop its database, remove its data dir), for signals. */
const cleanups = new Set();

async function benchTessera(kind, issuer, run) {
  const { openStorage } = await load('src/storage/index.js');
  const dataDir = mkdtempSync(join(tmpdir(), `tessera-bench-${kind}-`));
  const result = { kind, seeding: [], phases: [] };
  const root = { accessKeyId: 'AKIABENCHROOT0000001', secretAccessKey: randomBytes(30).toString('base64url') };
  let db;
  let server;
  const serverOptions = (measuring = false) => ({
    dataDir,
    databaseUrl: db?.url,
    rootKey: root.accessKeyId,
    rootSecret: root.secretAccessKey,
    buildDir: config.buildDir,
    logLevel: config.logLevel,
    cpuProfDir: measuring ? run.cpuProfDir : undefined,
    workers: config.workers,
  });
  const token = (sub) => issuer.sign(issuer.claims({ sub, aud: CLIENT_ID, jti: randomUUID() }));
  const cleanup = async () => {
    if (db) await db.drop().catch((e) => log(`could not drop ${db.name}: ${e.message}`));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    cleanups.add(cleanup);
    if (kind === 'postgres') {
      db = await createBenchDatabase(config.pgUrl);
      log(`postgres: database ${db.name}`);
    }
    server = await startTessera(serverOptions());
    log(`tessera/${kind} at ${server.url} (pid ${server.pid}); setting up`);
    const fx = await setupFixture({ url: server.url, credentials: root, issuer });
    await server.stop();
    server = undefined;

    // Seeding happens with the server stopped: the bench process is the store's only writer.
    const storage = await openStorage({ dataDir, databaseUrl: db?.url });
    const parts = [];
    try {
      const c = await contractSeed({ storage, poolId: fx.poolId, providerKey: fx.providerKey, region: REGION, from: 0, n: config.contractSample });
      result.seeding.push({ path: 'contract: Collection.create, 8 concurrent', identities: c.identities, seconds: c.seconds });
      parts.push(c);
      log(`${kind}: ${c.identities} identities through Collection.create in ${c.seconds.toFixed(1)} s (${Math.round(c.rate)}/s)`);
      if (!fx.userPool.unavailable && selected.some((w) => w.key === 'initiate-auth-distinct')) {
        const t = hr();
        fx.userPool.others = await cloneUsers({ storage, userPoolId: fx.userPool.poolId, template: fx.userPool.username, count: config.clonedUsers });
        result.seeding.push({ path: 'contract: user pool users (copies of the bench user), 8 concurrent', users: config.clonedUsers, seconds: secondsSince(t) });
        log(`${kind}: ${config.clonedUsers} user pool users in ${secondsSince(t).toFixed(1)} s`);
      }
    } finally {
      await storage.close();
    }
    let seeded = config.contractSample;
    for (const size of config.sizes) {
      if (size > seeded) {
        log(`${kind}: bulk seeding ${seeded} → ${size} identities`);
        const s = await bulkSeed({ kind, dataDir, databaseUrl: db?.url, poolId: fx.poolId, providerKey: fx.providerKey, region: REGION, from: seeded, to: size });
        result.seeding.push({ path: `bulk: ${kind === 'sqlite' ? '60k-row transactions' : '30k-row INSERT … unnest'} (${seeded} → ${size})`, identities: s.identities, seconds: s.seconds });
        parts.push(s);
        seeded = size;
        log(`${kind}: seeded ${s.identities} in ${s.seconds.toFixed(1)} s (${Math.round(s.identities / s.seconds)}/s)`);
      }
      const check = await openStorage({ dataDir, databaseUrl: db?.url });
      let stored;
      try {
        const probeIdentity = parts[parts.length - 1].sample.at(-1);
        stored = await verifySeed({ storage: check, poolId: fx.poolId, providerKey: fx.providerKey, probe: probeIdentity });
      } finally {
        await check.close();
      }
      const sample = proportionalSample(parts, 50_000);
      server = await startTessera(serverOptions(true));
      log(`tessera/${kind} with ${stored.logins} identities at ${server.url} (pid ${server.pid})`);
      const existing = sample[Math.floor(sample.length / 2)];
      const vended = await vendCredentials({ url: server.url, credentials: root, roleArn: fx.webRole, token: token(existing.subject) });
      const ctx = { url: server.url, ...fx, token, existing, sample, vended, runId: `${Date.now().toString(36)}-${size}`, signSts: false };
      const rows = await runWorkloads({ ctx, pid: server.pid, workloads: selected, target: `tessera-${kind}`, size, dbName: db?.name });
      const hwm = readMemory(server.pid)?.hwm;
      await server.stop();
      server = undefined;
      result.phases.push({ size, stored: stored.logins, rows, hwm });
    }
  } catch (err) {
    result.error = String(err?.stack ?? err).slice(0, 800);
    log(`tessera/${kind} failed: ${err?.stack ?? err}`);
  } finally {
    await server?.stop();
    await cleanup();
    cleanups.delete(cleanup);
  }
  return result;
}

async function benchMoto(motoBin, issuer) {
  const moto = await startMoto(motoBin);
  log(`moto at ${moto.url} (pid ${moto.pid})`);
  const dummy = { accessKeyId: 'AKIAMOTOBENCH0000001', secretAccessKey: 'moto-bench-secret' };
  try {
    const fx = await setupFixture({ url: moto.url, credentials: dummy, issuer, lenient: true });
    const token = (sub) => issuer.sign(issuer.claims({ sub, aud: CLIENT_ID, jti: randomUUID() }));
    const existing = { subject: 'moto-user', identityId: await getIdFor({ url: moto.url, credentials: dummy, poolId: fx.poolId, providerKey: fx.providerKey, token: token('moto-user') }) };
    const ctx = { url: moto.url, ...fx, token, existing, sample: [existing], vended: dummy, runId: `moto-${Date.now().toString(36)}`, signSts: true };
    // moto verifies no token, so a distinct-token figure would equal the warm one: warm only.
    const workloads = selected.filter((w) => !w.distinctOf || w.key === 'first-signin');
    const rows = await runWorkloads({ ctx, pid: moto.pid, workloads, target: 'moto', size: 0 });
    return { rows };
  } catch (err) {
    log(`moto failed: ${err?.stack ?? err}`);
    return { rows: [], error: String(err?.message ?? err) };
  } finally {
    await moto.stop();
  }
}

async function benchBare() {
  const bare = await startBare();
  try {
    const req = jsonRequest('AWSCognitoIdentityService.GetId', { IdentityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000' });
    const rss = sampleRss(bare.pid);
    const cpu = cpuMeter(bare.pid);
    let used;
    const res = await runLoad({
      url: bare.url,
      connections: config.connections,
      warmupMs: config.warmupMs,
      durationMs: config.durationMs,
      next: () => req,
      onMeasureStart: cpu.start,
      onMeasureEnd: () => (used = cpu.stop()),
    });
    const mem = rss.stop();
    const lat = summarize(res.latenciesUs);
    const serverCpuShare = used.serverMs / 1000 / res.seconds;
    const clientCpuShare = used.clientMs / 1000 / res.seconds;
    const otherCpuShare = used.otherMs / 1000 / res.seconds;
    log(`bare node: ${Math.round(res.rps)} req/s p50 ${lat.p50.toFixed(2)} p99 ${lat.p99.toFixed(2)} ms, server CPU ${(serverCpuShare * 100).toFixed(0)}%, generator CPU ${(clientCpuShare * 100).toFixed(0)}%, others ${(otherCpuShare * 100).toFixed(0)}%`);
    return { rps: res.rps, ...lat, completed: res.completed, rssMax: mem.max, serverCpuShare, clientCpuShare, otherCpuShare, serverCpuMsPerReq: used.serverMs / res.completed };
  } finally {
    await bare.stop();
  }
}

async function main() {
  const started = hr();
  const startedAt = new Date().toISOString();
  const { startIssuer } = await load('test/helpers/issuer.js');
  const motoBin = config.moto ? which('moto_server') : undefined;
  const machine = describeMachine({ motoBin, postgres: config.backends.includes('postgres') ? await postgresVersion(config.pgUrl) : 'not used' });
  log(`machine: ${machine.nproc} × ${machine.cpu}, ${machine.memory}, node ${machine.node}`);
  const run = { date: startedAt.slice(0, 10), startedAt, machine, config, backends: [], notes: [] };
  if (profileKey) {
    run.cpuProfDir = mkdtempSync(join(tmpdir(), 'tessera-bench-prof-'));
  }
  const issuer = await startIssuer();
  log(`issuer at ${issuer.url}`);
  try {
    if (config.bare) run.bare = await benchBare();
    if (config.moto) {
      if (motoBin) run.moto = await benchMoto(motoBin, issuer);
      else run.notes.push('moto_server is not installed: no moto comparison.');
    }
    for (const kind of config.backends) run.backends.push(await benchTessera(kind, issuer, run));
  } finally {
    await stopAll();
    await issuer.close();
  }
  run.seconds = secondsSince(started);
  run.goals = evaluateGoals(run);
  run.notes.push(
    'Tessera, moto and the load generator share the machine; with few CPUs the generator takes a large share of one of them, so every figure (the ceiling included) is a lower bound of what the server alone could do.',
    'Tessera remembers decoded tokens (src/tokens/jws.ts: up to 2,048, keyed by the token text): a "warm" token is decoded and its signature checked once, while every claim check still runs per request; "distinct" tokens defeat the memo (each is decoded and verified) and touch random identities across the store. Policy documents are cached by text (src/authz PolicyCache) and JWKS per issuer in both variants.',
    'Guest GetId and first sign-in create identities, so the store grows during the run by the number of requests they served.',
  );

  if (profileKey) {
    const files = readdirSync(run.cpuProfDir).filter((f) => f.endsWith('.cpuprofile'));
    const md = renderProfile(run, files.map((f) => join(run.cpuProfDir, f)));
    const out = args.out ?? join(repoRoot, 'bench', 'results', `${run.date}-profile-${profileKey}.md`);
    writeResults(out, md, run);
    console.log(md);
    rmSync(run.cpuProfDir, { recursive: true, force: true });
    return;
  }
  const md = renderReport(run);
  const out = args.out ?? join(repoRoot, 'bench', 'results', `${run.date}${quick ? '-quick' : ''}.md`);
  writeResults(out, md, run);
  console.log(md);
}

function writeResults(out, md, run) {
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, md + '\n');
  // The raw figures, minus per-request latencies, for anyone who wants to recompute.
  writeFileSync(out.replace(/\.md$/, '.json'), JSON.stringify(run, null, 2) + '\n');
  log(`results written to ${out}`);
}

function renderProfile(run, files) {
  const rows = run.backends.flatMap((b) => b.phases.flatMap((p) => p.rows));
  const L = [`# CPU profile of \`${profileKey}\` — ${run.date}`, ''];
  L.push(`Tessera on ${config.backends[0] === 'postgres' ? 'PostgreSQL' : 'SQLite'} with ${config.sizes[0]} identities, server child under \`node --cpu-prof\`, ${config.connections} connections, ${config.durationMs} ms measured. Machine: ${run.machine.nproc} × ${run.machine.cpu}, node ${run.machine.node}.`, '');
  for (const r of rows) L.push(`Figure while profiled: ${r.status === 'ok' ? `${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms` : `${r.status} ${r.note ?? ''}`} (the profiler itself costs some throughput).`, '');
  for (const file of files) {
    const s = summarizeProfileFile(file, 30, rows.find((r) => r.window)?.window);
    const pct = (us) => ((100 * us) / s.totalUs).toFixed(1);
    L.push(`Profile: ${(s.totalUs / 1e6).toFixed(1)} s of samples ${s.windowed ? 'inside the measured phase only' : 'over the whole server lifetime (setup included)'}. "(idle)" is the event loop waiting (I/O, the crypto thread pool, the load generator); native calls such as better-sqlite3 statements (and the fsync a commit does) count as self time of the JS function that called them.`, '');
    L.push('### By area (self time)', '', '| area | self % |', '|---|---:|');
    for (const a of s.areas.slice(0, 20)) L.push(`| ${a.area} | ${pct(a.us)} |`);
    L.push('', '### Top functions (self time)', '', '| function | where | self % |', '|---|---|---:|');
    for (const f of s.functions) L.push(`| \`${f.name}\` | ${f.url.replace(/^file:\/\/.*?\/(node_modules|src|dist|\.build)\//, '$1/')}:${f.line} | ${pct(f.us)} |`);
    L.push('', '### Where the hottest functions are called from', '', 'The nearest Tessera frames (src/, storage and wire plumbing skipped) on the stack of each sample.', '', '| function | called from | self % |', '|---|---|---:|');
    for (const f of s.callers) for (const c of f.from.slice(0, 5)) L.push(`| \`${f.name}\` | ${c.chain} | ${pct(c.us)} |`);
    L.push('');
  }
  return L.join('\n');
}

// Ctrl-C / SIGTERM: stop every child through its handle and undo what the run created.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: stopping children and cleaning up`);
    stopAll()
      .then(() => Promise.all([...cleanups].map((fn) => fn().catch(() => undefined))))
      .finally(() => process.exit(130));
  });
}

main().catch(async (err) => {
  console.error(err);
  await stopAll();
  process.exitCode = 1;
});
