#!/usr/bin/env node
/**
 * JWS verification micro-benchmark (issue #5, bench/results/2026-11-23-analysis.md item 5):
 * verifications per second of src/tokens `verifyCompactJws` — the whole strict path (decode,
 * strict JSON, key selection, signature) — for RS256, PS256 and ES256, comparing
 *
 *   old  the code at a git revision (default HEAD): signature by jose `compactVerify` on a
 *        WebCrypto key (async; one libuv thread-pool job per token)
 *   new  the working tree build: node:crypto `verify()` on the KeyObject kept from parseJwk
 *
 *   node bench/jws-micro.mjs [--new-build .build/verify] [--old-rev HEAD] [--old-build DIR]
 *                            [--duration 1500] [--concurrency 1,32] [--repeat 3]
 *
 * The old tree is built on demand: `git archive <rev> src tsconfig.json` into a temp dir (no
 * change to the repository), compiled with the repository's tsc. Each configuration runs
 * `--repeat` interleaved rounds after a warm-up; the table shows the median. "CPU µs/op" is the
 * process's user+system CPU (all threads, thread pool included) per verification.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign as nodeSign, constants } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    'new-build': { type: 'string', default: '.build/verify' },
    'old-rev': { type: 'string', default: 'HEAD' },
    'old-build': { type: 'string' },
    duration: { type: 'string', default: '1500' },
    concurrency: { type: 'string', default: '1,32' },
    repeat: { type: 'string', default: '3' },
  },
});

function buildOld(rev) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-jws-old-'));
  execFileSync('sh', ['-c', `git archive ${JSON.stringify(rev)} src tsconfig.json | tar -x -C ${JSON.stringify(dir)}`], { cwd: root });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  try {
    execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(dir, 'tsconfig.json'), '--outDir', join(dir, 'out'), '--tsBuildInfoFile', join(dir, 'out', '.tsbuildinfo')], { stdio: 'ignore' });
  } catch {
    // tsc exits non-zero on type errors elsewhere in the tree but still emits.
  }
  if (!existsSync(join(dir, 'out', 'src', 'tokens', 'jws.js'))) throw new Error(`building ${rev} failed (${dir})`);
  return { out: join(dir, 'out'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function load(buildDir) {
  const m = (p) => import(pathToFileURL(join(buildDir, 'src', 'tokens', p)).href);
  const [jws, jwk] = await Promise.all([m('jws.js'), m('jwk.js')]);
  return { verifyCompactJws: jws.verifyCompactJws, parseJwk: jwk.parseJwk };
}

const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
function fixture(alg) {
  const pair = alg.startsWith('ES') ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg, kid: 'k1', typ: 'JWT' })}.${b64({ iss: 'https://idp.example', sub: 'user-1', aud: 'client', iat: now, exp: now + 3600 })}`;
  const options = alg.startsWith('PS')
    ? { key: pair.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
    : alg.startsWith('ES')
      ? { key: pair.privateKey, dsaEncoding: 'ieee-p1363' }
      : pair.privateKey;
  const token = `${input}.${nodeSign('sha256', Buffer.from(input), options).toString('base64url')}`;
  return { token, jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig' } };
}

async function run(impl, fx, concurrency, durationMs) {
  const parsed = impl.parseJwk(fx.jwk);
  if (!('key' in parsed)) throw new Error(`key skipped: ${parsed.skipped}`);
  const keys = [parsed.key];
  const resolver = { current: async () => keys, refreshed: async () => keys };
  await impl.verifyCompactJws(fx.token, resolver); // must verify; also warms the key cache
  let ops = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const deadline = t0 + BigInt(durationMs) * 1_000_000n;
  const worker = async () => {
    while (process.hrtime.bigint() < deadline) {
      await impl.verifyCompactJws(fx.token, resolver);
      ops++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: ops / seconds, cpuMicrosPerOp: (cpu.user + cpu.system) / ops };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const old = args['old-build'] ? { out: resolve(root, args['old-build']), cleanup() {} } : buildOld(args['old-rev']);
try {
  const impls = { old: await load(old.out), new: await load(resolve(root, args['new-build'])) };
  const duration = Number(args.duration);
  const repeat = Number(args.repeat);
  const rows = [];
  for (const alg of ['RS256', 'PS256', 'ES256']) {
    const fx = fixture(alg);
    for (const concurrency of args.concurrency.split(',').map(Number)) {
      for (const name of Object.keys(impls)) await run(impls[name], fx, concurrency, 300); // warm-up
      const results = { old: [], new: [] };
      for (let i = 0; i < repeat; i++) for (const name of Object.keys(impls)) results[name].push(await run(impls[name], fx, concurrency, duration));
      const summary = (name) => ({ perSecond: median(results[name].map((r) => r.perSecond)), cpu: median(results[name].map((r) => r.cpuMicrosPerOp)) });
      const o = summary('old');
      const n = summary('new');
      rows.push([alg, concurrency, o.perSecond, n.perSecond, n.perSecond / o.perSecond, o.cpu, n.cpu]);
    }
  }
  console.log(`node ${process.version}, ${duration} ms × ${repeat} rounds (median), old = ${args['old-build'] ?? args['old-rev']}, new = ${args['new-build']}\n`);
  console.log('| alg | concurrency | old verify/s | new verify/s | speed-up | old CPU µs/op | new CPU µs/op |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [alg, c, o, n, x, oc, nc] of rows) {
    console.log(`| ${alg} | ${c} | ${Math.round(o)} | ${Math.round(n)} | ×${x.toFixed(2)} | ${oc.toFixed(1)} | ${nc.toFixed(1)} |`);
  }
} finally {
  old.cleanup();
}
