#!/usr/bin/env node
/**
 * `npm run bench -- --gateway` (or `npm run bench:gateway`): the SigV4 gateway's cost (issue #26).
 * Starts moto_server, a keep-alive stand-in upstream (bench/lib/keepalive-upstream.mjs) and, for
 * each, a Tessera (child process, one worker, gateway on) and, in one run:
 *
 *   1. small GetItem and GetObject, made directly to moto and through the gateway with role-session
 *      credentials (AssumeRole; policies evaluated on every request), one connection, closed loop:
 *      the gateway's added p50 latency, and Tessera's CPU time per gateway request
 *      (goal ≤ 1 ms added p50, ≤ 0.25 ms CPU per request);
 *   2. a large object (default 1 GiB, `--gib N`) uploaded and downloaded through the gateway,
 *      streamed by this process: the growth of Tessera's RSS (goal < 64 MiB), and the bytes'
 *      SHA-256 checked both ways.
 *
 * Flags: --duration MS (5000), --warmup MS (1000), --gib N (1; 0 skips the large object), --out FILE,
 *        --cpu-prof-dir DIR (Tessera under --cpu-prof, one subdirectory per upstream), --no-floor,
 *        --build-dir DIR (run a build other than dist/, e.g. .build/base).
 * Writes bench/results/<date>-gateway.md and prints it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { repoRoot } from './lib/paths.mjs';
import { runLoad } from './lib/load.mjs';
import { summarize } from './lib/stats.mjs';
import { cpuMeter, sampleRss, readMemory } from './lib/rss.mjs';
import { freePort, startBareProxy, startKeepAliveUpstream, startMoto, startTessera, stopAll } from './lib/processes.mjs';
import { jsonRequest, queryRequest, signRequest } from './lib/wire.mjs';
import { describeMachine } from './lib/machine.mjs';

const { values: args } = parseArgs({
  options: { gateway: { type: 'boolean' }, duration: { type: 'string' }, warmup: { type: 'string' }, gib: { type: 'string' }, out: { type: 'string' }, 'cpu-prof-dir': { type: 'string' }, 'no-floor': { type: 'boolean' }, 'build-dir': { type: 'string' } },
  strict: true,
});
const durationMs = Number(args.duration ?? 5000);
const warmupMs = Number(args.warmup ?? 1000);
const gib = Number(args.gib ?? 1);
const REGION = 'us-east-1';
/** CPU per request is also measured under load, where per-turn costs are shared by many requests. */
const LOADED_CONNECTIONS = 16;
const ROOT = { accessKeyId: 'AKIAGATEWAYBENCH0001', secretAccessKey: 'gateway-bench-root-secret-0000000000000' };
const UPSTREAM = { accessKeyId: 'AKIAUPSTREAMBENCH001', secretAccessKey: 'upstream-bench-secret-00000000000000000' };
const log = (msg) => console.error(`[bench gateway ${new Date().toISOString().slice(11, 19)}] ${msg}`);

function send(url, req) {
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

async function must(url, req, what) {
  const res = await send(url, req);
  if (res.status < 200 || res.status >= 300) throw new Error(`${what}: ${res.status} ${res.body.slice(0, 300)}`);
  return res.body;
}

/** A signed S3 request (path as sent, UNSIGNED-PAYLOAD as the SDKs send over TLS). */
async function s3Request(url, credentials, method, path, body = Buffer.alloc(0), extraHeaders = {}) {
  const endpoint = new URL(url);
  const signer = new SignatureV4({ service: 's3', region: REGION, credentials, sha256: Sha256, uriEscapePath: false });
  const headers = { host: endpoint.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...extraHeaders };
  const signed = await signer.sign({ method, protocol: 'http:', hostname: endpoint.hostname, port: Number(endpoint.port), path, headers, query: {} });
  return { method, path, headers: { ...signed.headers, 'content-length': String(body.length) }, body };
}

function ddbRequest(operation, input) {
  const req = jsonRequest(`DynamoDB_20120810.${operation}`, input);
  req.headers['content-type'] = 'application/x-amz-json-1.0';
  return req;
}

/** User and kernel CPU time (ms) of one process, from /proc/<pid>/stat (clock ticks of 10 ms). */
function procTimes(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) * 10, sys: Number(fields[12]) * 10 };
}

function check(label, result) {
  if (result.completed === 0 || result.failed > 0) throw new Error(`${label}: statuses ${JSON.stringify(result.statuses)} ${result.errorSample ?? ''}`);
}

async function measure(label, url, req) {
  // One connection: the added latency of one request, without queueing.
  const result = await runLoad({ url, connections: 1, warmupMs, durationMs, next: () => req });
  check(label, result);
  return result;
}

/** Streams `size` deterministic bytes through a PUT, then GETs them back; RSS of `pid` sampled throughout. */
async function largeObject(gatewayUrl, credentials, pid, size) {
  const block = Buffer.alloc(1 << 20);
  for (let i = 0; i < block.length; i += 64) createHash('sha512').update(String(i)).digest().copy(block, i);
  const before = readMemory(pid);
  const sampler = sampleRss(pid, 100);
  const sent = createHash('sha256');
  const put = await s3Request(gatewayUrl, credentials, 'PUT', '/bench/large.bin', Buffer.alloc(0));
  put.headers['content-length'] = String(size);
  const u = new URL(gatewayUrl);
  const t0 = process.hrtime.bigint();
  await new Promise((resolve, reject) => {
    const r = http.request({ host: u.hostname, port: u.port, method: 'PUT', path: put.path, headers: put.headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`PUT large: ${res.statusCode}`))));
    });
    r.on('error', reject);
    let left = size;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(block.length, left);
        const piece = n === block.length ? block : block.subarray(0, n);
        sent.update(piece);
        left -= n;
        if (!r.write(piece)) {
          r.once('drain', pump);
          return;
        }
      }
      r.end();
    };
    pump();
  });
  const putSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const get = await s3Request(gatewayUrl, credentials, 'GET', '/bench/large.bin');
  const received = createHash('sha256');
  let receivedBytes = 0;
  const t1 = process.hrtime.bigint();
  await new Promise((resolve, reject) => {
    const r = http.request({ host: u.hostname, port: u.port, method: 'GET', path: get.path, headers: get.headers }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`GET large: ${res.statusCode}`));
      res.on('data', (c) => {
        receivedBytes += c.length;
        received.update(c);
      });
      res.on('end', resolve);
    });
    r.on('error', reject);
    r.end();
  });
  const getSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
  const peak = sampler.stop();
  return {
    size,
    intact: receivedBytes === size && received.digest('hex') === sent.digest('hex'),
    rssBeforeMiB: before.rss,
    rssPeakMiB: peak.max,
    growthMiB: peak.max - before.rss,
    putMiBs: size / 1048576 / putSeconds,
    getMiBs: size / 1048576 / getSeconds,
  };
}

/**
 * One Tessera with its gateway in front of `upstream` (moto or the keep-alive stand-in): the role,
 * the data, then each call direct and through the gateway. Tessera is stopped before returning
 * unless `keep` (the large object then runs against it).
 */
async function runAgainst(upstream, dataDir, keep) {
  const gatewayPort = await freePort();
  process.env.TESSERA_GATEWAY_PORT = String(gatewayPort);
  process.env.TESSERA_GATEWAY_S3_URL = upstream.url;
  process.env.TESSERA_GATEWAY_DYNAMODB_URL = upstream.url;
  process.env.TESSERA_GATEWAY_S3_ACCESS_KEY_ID = process.env.TESSERA_GATEWAY_DYNAMODB_ACCESS_KEY_ID = UPSTREAM.accessKeyId;
  process.env.TESSERA_GATEWAY_S3_SECRET_ACCESS_KEY = process.env.TESSERA_GATEWAY_DYNAMODB_SECRET_ACCESS_KEY = UPSTREAM.secretAccessKey;
  const cpuProfDir = args['cpu-prof-dir'] ? join(args['cpu-prof-dir'], upstream.name) : undefined;
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
  const tessera = await startTessera({ dataDir, rootKey: ROOT.accessKeyId, rootSecret: ROOT.secretAccessKey, workers: '1', ...(cpuProfDir ? { cpuProfDir } : {}), ...(args['build-dir'] ? { buildDir: args['build-dir'] } : {}) });
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  log(`[${upstream.name}] tessera at ${tessera.url}, gateway at ${gatewayUrl} (pid ${tessera.pid}), upstream ${upstream.url}`);

  // A role the bench assumes: its policy is evaluated on every gateway request.
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'sts:AssumeRole' }] });
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Objects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::bench/*' },
      { Sid: 'Items', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: 'arn:aws:dynamodb:*:*:table/bench', Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['k1'] } } },
    ],
  });
  const iam = (params) => signRequest(queryRequest({ Version: '2010-05-08', ...params }), { url: tessera.url, service: 'iam', region: REGION, credentials: ROOT });
  await must(tessera.url, await iam({ Action: 'CreateRole', RoleName: 'bench', AssumeRolePolicyDocument: trust }), 'CreateRole');
  await must(tessera.url, await iam({ Action: 'PutRolePolicy', RoleName: 'bench', PolicyName: 'data', PolicyDocument: policy }), 'PutRolePolicy');
  const assumed = await must(
    tessera.url,
    await signRequest(queryRequest({ Version: '2011-06-15', Action: 'AssumeRole', RoleArn: 'arn:aws:iam::000000000000:role/bench', RoleSessionName: 'bench' }), { url: tessera.url, service: 'sts', region: REGION, credentials: ROOT }),
    'AssumeRole',
  );
  const pick = (name) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(assumed)[1];
  const session = { accessKeyId: pick('AccessKeyId'), secretAccessKey: pick('SecretAccessKey'), sessionToken: pick('SessionToken') };

  // Data, through the gateway as root.
  await must(gatewayUrl, await s3Request(gatewayUrl, ROOT, 'PUT', '/bench'), 'CreateBucket');
  await must(gatewayUrl, await s3Request(gatewayUrl, ROOT, 'PUT', '/bench/small.txt', Buffer.alloc(1024, 'x')), 'PutObject');
  const ddb = (operation, input, credentials, url) => signRequest(ddbRequest(operation, input), { url, service: 'dynamodb', region: REGION, credentials });
  await must(
    gatewayUrl,
    await ddb('CreateTable', { TableName: 'bench', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }, ROOT, gatewayUrl),
    'CreateTable',
  );
  await must(gatewayUrl, await ddb('PutItem', { TableName: 'bench', Item: { pk: { S: 'k1' }, v: { S: 'x'.repeat(100) } } }, ROOT, gatewayUrl), 'PutItem');

  const rows = [];
  const cases = [
    ['GetObject 1 KiB', async (url, creds) => s3Request(url, creds, 'GET', '/bench/small.txt')],
    ['GetItem', async (url, creds) => ddb('GetItem', { TableName: 'bench', Key: { pk: { S: 'k1' } } }, creds, url)],
  ];
  for (const [label, build] of cases) {
    const direct = await measure(`${label} direct (${upstream.name})`, upstream.url, await build(upstream.url, UPSTREAM));
    const viaReq = await build(gatewayUrl, session);
    const cpuAt = async (connections) => {
      const meter = cpuMeter(tessera.pid);
      let cpu;
      let t0;
      let t1;
      const run = await runLoad({ url: gatewayUrl, connections, warmupMs, durationMs, next: () => viaReq, onMeasureStart: () => { t0 = procTimes(tessera.pid); meter.start(); }, onMeasureEnd: () => { cpu = meter.stop(); t1 = procTimes(tessera.pid); } });
      check(`${label} via gateway (${upstream.name}, ${connections} connections)`, run);
      return { run, cpuMs: (cpu ?? meter.stop()).serverMs / run.completed, sysShare: t1 ? (t1.sys - t0.sys) / Math.max(1, t1.sys - t0.sys + t1.user - t0.user) : Number.NaN };
    };
    const one = await cpuAt(1);
    const loaded = await cpuAt(LOADED_CONNECTIONS);
    const d = summarize(direct.latenciesUs);
    const g = summarize(one.run.latenciesUs);
    rows.push({ upstream: upstream.label, label, directP50: d.p50, gatewayP50: g.p50, addedP50Ms: g.p50 - d.p50, cpuMsPerRequest: one.cpuMs, cpuMsLoaded: loaded.cpuMs, sysShare: one.sysShare, sysShareLoaded: loaded.sysShare, rpsLoaded: loaded.run.rps, requests: one.run.completed });
    log(`[${upstream.name}] ${label}: direct p50 ${d.p50.toFixed(2)} ms, gateway p50 ${g.p50.toFixed(2)} ms, Tessera CPU ${one.cpuMs.toFixed(3)} ms/request (1 connection), ${loaded.cpuMs.toFixed(3)} (${LOADED_CONNECTIONS} connections, ${loaded.run.rps.toFixed(0)} req/s)`);
  }
  if (!keep) await tessera.stop();
  return { rows, tessera, gatewayUrl, session };
}

/**
 * The floor: the same calls through a bare node:http reverse proxy (bench/lib/bare-proxy.mjs) to
 * the keep-alive stand-in — no SigV4, policy, re-signing or log line — with the proxy's CPU.
 */
async function measureFloor(standin) {
  const proxy = await startBareProxy(standin.url);
  const rows = [];
  const ddb = (operation, input, credentials, url) => signRequest(ddbRequest(operation, input), { url, service: 'dynamodb', region: REGION, credentials });
  const cases = [
    ['GetObject 1 KiB', async (url, creds) => s3Request(url, creds, 'GET', '/bench/small.txt')],
    ['GetItem', async (url, creds) => ddb('GetItem', { TableName: 'bench', Key: { pk: { S: 'k1' } } }, creds, url)],
  ];
  for (const [label, build] of cases) {
    const direct = await measure(`${label} direct (floor)`, standin.url, await build(standin.url, UPSTREAM));
    const viaReq = await build(proxy.url, UPSTREAM);
    const cpuAt = async (connections) => {
      const meter = cpuMeter(proxy.pid);
      let cpu;
      let t0;
      let t1;
      const run = await runLoad({ url: proxy.url, connections, warmupMs, durationMs, next: () => viaReq, onMeasureStart: () => { t0 = procTimes(proxy.pid); meter.start(); }, onMeasureEnd: () => { cpu = meter.stop(); t1 = procTimes(proxy.pid); } });
      check(`${label} via bare proxy (${connections} connections)`, run);
      return { run, cpuMs: (cpu ?? meter.stop()).serverMs / run.completed, sysShare: t1 ? (t1.sys - t0.sys) / Math.max(1, t1.sys - t0.sys + t1.user - t0.user) : Number.NaN };
    };
    const one = await cpuAt(1);
    const loaded = await cpuAt(LOADED_CONNECTIONS);
    const d = summarize(direct.latenciesUs);
    const g = summarize(one.run.latenciesUs);
    rows.push({ upstream: 'floor: bare node:http proxy → keep-alive stand-in', label, directP50: d.p50, gatewayP50: g.p50, addedP50Ms: g.p50 - d.p50, cpuMsPerRequest: one.cpuMs, cpuMsLoaded: loaded.cpuMs, sysShare: one.sysShare, sysShareLoaded: loaded.sysShare, rpsLoaded: loaded.run.rps, requests: one.run.completed });
    log(`[floor] ${label}: direct p50 ${d.p50.toFixed(2)} ms, bare proxy p50 ${g.p50.toFixed(2)} ms, proxy CPU ${one.cpuMs.toFixed(3)} ms/request (1 connection), ${loaded.cpuMs.toFixed(3)} (${LOADED_CONNECTIONS} connections, ${loaded.run.rps.toFixed(0)} req/s)`);
  }
  await proxy.stop();
  return rows;
}

export async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-bench-gateway-'));
  try {
    const moto = await startMoto('moto_server');
    log(`moto at ${moto.url}`);
    const standin = await startKeepAliveUpstream();
    log(`keep-alive stand-in at ${standin.url}`);
    const upstreams = [
      { ...standin, name: 'keepalive', label: 'keep-alive stand-in (node:http, fixed answers)' },
      { ...moto, name: 'moto', label: 'moto_server (`Connection: close`)' },
    ];
    const rows = args['no-floor'] ? [] : await measureFloor(standin);
    let large;
    for (const [i, upstream] of upstreams.entries()) {
      const last = i === upstreams.length - 1;
      const run = await runAgainst(upstream, join(dataDir, upstream.name), last && gib > 0);
      rows.push(...run.rows);
      if (last && gib > 0) {
        log(`${gib} GiB up and down through the gateway to moto…`);
        large = await largeObject(run.gatewayUrl, run.session, run.tessera.pid, Math.round(gib * 1024 * 1024 * 1024));
        log(`large object: intact ${large.intact}, RSS ${large.rssBeforeMiB.toFixed(0)} → peak ${large.rssPeakMiB.toFixed(0)} MiB (+${large.growthMiB.toFixed(1)} MiB)`);
        await run.tessera.stop();
      }
    }

    const pct = (x) => (Number.isFinite(x) ? `${Math.round(x * 100)} %` : 'n/a');
    const m = describeMachine({ motoBin: moto.bin });
    const lines = [
      `# Gateway bench, ${new Date().toISOString()}`,
      '',
      `Command: \`npm run bench -- --gateway${process.argv.slice(2).filter((a) => a !== '--gateway').map((a) => ` ${a}`).join('')}\`. Machine: ${m.nproc} × ${m.cpu}, ${m.memory}, node ${m.node}.`,
      `One connection, ${warmupMs} ms warm-up, ${durationMs} ms measured per row; each upstream called direct vs. through the gateway (role session from AssumeRole, policy evaluated per request). Tessera: one process, a fresh one per upstream.`,
      '',
      `| Upstream | Call | p50 direct (ms) | p50 via gateway (ms) | added p50 (ms, goal ≤ 1) | Tessera CPU per request, 1 connection (ms, goal ≤ 0.25; kernel share) | same, ${LOADED_CONNECTIONS} connections (req/s; kernel share) |`,
      '|---|---|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.upstream} | ${r.label} | ${r.directP50.toFixed(2)} | ${r.gatewayP50.toFixed(2)} | ${r.addedP50Ms.toFixed(2)} | ${r.cpuMsPerRequest.toFixed(3)} (${pct(r.sysShare)} kernel) | ${r.cpuMsLoaded.toFixed(3)} (${r.rpsLoaded.toFixed(0)}; ${pct(r.sysShareLoaded)} kernel) |`),
      '',
      'Floor rows: the same calls through a bare node:http reverse proxy (bench/lib/bare-proxy.mjs: no SigV4, no policy, no re-signing, no log line; keep-alive agent) to the keep-alive stand-in; CPU is the proxy process\'s. No gateway on node:http goes below it on this machine.',
      '',
      'The keep-alive stand-in (bench/lib/keepalive-upstream.mjs) is not a store: it keeps connections open as AWS does and answers fixed small bodies without checking signatures, so its rows show the gateway\'s own cost. moto_server answers every request with `Connection: close`, so each gateway request to it also opens a TCP connection upstream (its CPU is in those figures).',
      '',
      large
        ? `Large object (moto): ${(large.size / 1048576).toFixed(0)} MiB PUT then GET through the gateway, intact both ways: ${large.intact}. Tessera RSS ${large.rssBeforeMiB.toFixed(0)} MiB before, ${large.rssPeakMiB.toFixed(0)} MiB at peak: **+${large.growthMiB.toFixed(1)} MiB** (goal < 64). PUT ${large.putMiBs.toFixed(0)} MiB/s, GET ${large.getMiBs.toFixed(0)} MiB/s (moto bound).`
        : 'Large object: skipped (--gib 0).',
      '',
    ];
    const report = lines.join('\n');
    const out = args.out ?? join(repoRoot, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-gateway.md`);
    mkdirSync(join(out, '..'), { recursive: true });
    writeFileSync(out, report);
    writeFileSync(out.replace(/\.md$/, '') + '.json', JSON.stringify({ rows, large }, null, 2));
    console.log(report);
    log(`wrote ${out}`);
  } finally {
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch(async (err) => {
    console.error(err);
    await stopAll();
    process.exit(1);
  });
}
