/** Unit tests of the benchmark's own measuring code: `node --test bench/test/`. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { percentile, summarize } from '../lib/stats.mjs';
import { runLoad } from '../lib/load.mjs';
import { selfTimes, areaOf } from '../lib/cpuprofile.mjs';
import { evaluateGoals } from '../lib/report.mjs';
import { prng } from '../lib/workloads.mjs';
import { processTree, readCpuMs, readMemory } from '../lib/rss.mjs';
import { spawn } from 'node:child_process';

describe('percentile', () => {
  it('uses the nearest rank, so p50 of 1..10 is 5 and p99 of 1..100 is 99', () => {
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50), 5);
    assert.equal(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99), 99);
    assert.equal(percentile([7], 99), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  it('summarises microseconds as milliseconds whatever the input order', () => {
    const s = summarize([3000, 1000, 2000, 4000]);
    assert.deepEqual([s.count, s.p50, s.p99, s.max, s.mean], [4, 2, 4, 4, 2.5]);
  });
});

describe('runLoad', () => {
  const server = async (handler) => {
    const srv = createServer(handler);
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    return { url: `http://127.0.0.1:${srv.address().port}`, close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(r); }) };
  };

  it('keeps at most `connections` requests in flight and counts only answers inside the measured phase', async () => {
    let inFlight = 0;
    let peak = 0;
    const s = await server((req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.end('{}');
      }, 5);
    });
    try {
      const body = Buffer.from('{}');
      const r = await runLoad({ url: s.url, connections: 4, warmupMs: 50, durationMs: 300, next: () => ({ headers: { 'content-length': body.length }, body }) });
      assert.equal(peak, 4);
      assert.equal(r.failed, 0);
      // At most what 4 connections can complete in the window (a slow or busy machine completes
      // fewer, never more); at least one answer per connection (runLoad extends a window that
      // ended with fewer, see the next test). No lower bound that assumes a fast machine.
      assert.ok(r.completed >= 4 && r.completed <= Math.ceil((4 * 300) / 5) + 8, `completed ${r.completed}`);
      assert.equal(r.latenciesUs.length, r.completed);
      assert.ok(r.latenciesUs.every((us) => us >= 4000), 'every latency includes the 5 ms the server waits');
    } finally {
      await s.close();
    }
  });

  it('counts answers to requests sent before the window, and extends a window that ended with fewer answers than connections', async () => {
    // Each answer takes 250 ms, longer than warm-up and window together: counting only requests
    // sent inside the window would count none.
    const s = await server((req, res) => setTimeout(() => res.end('{}'), 250));
    try {
      const r = await runLoad({ url: s.url, connections: 4, warmupMs: 50, durationMs: 100, next: () => ({ method: 'GET', headers: {} }) });
      assert.equal(r.failed, 0);
      assert.ok(r.completed >= 4, `completed ${r.completed}`);
      assert.ok(r.latenciesUs.every((us) => us >= 240_000), 'each counted answer carries its full latency');
      // Extended to the first round of answers and no further: the next round (sent as each answer
      // came) would have added four more. Counted, not timed; only the lower bound is a time, and a
      // busy machine can only make it longer.
      assert.equal(r.completed, 4, 'only the first round of answers was counted');
      assert.ok(r.seconds > 0.15, `the window was extended to the first answers (${r.seconds} s)`);
      assert.ok(r.rps > 0);
    } finally {
      await s.close();
    }
  });

  it('stops extending at maxDurationMs when answers are slower still', async () => {
    const s = await server((req, res) => setTimeout(() => res.end('{}'), 700));
    try {
      const r = await runLoad({ url: s.url, connections: 2, warmupMs: 0, durationMs: 100, maxDurationMs: 300, next: () => ({ method: 'GET', headers: {} }) });
      assert.equal(r.completed, 0);
      // The 700 ms answers were not waited for (they would have been counted), and the window ran
      // to the cap. No upper bound on elapsed time: a busy machine may end it later.
      assert.ok(r.seconds >= 0.29, `measured ${r.seconds} s`);
    } finally {
      await s.close();
    }
  });

  it('ends early when the request supply runs out and reports non-2xx answers as failures with a sample', async () => {
    let n = 0;
    const s = await server((req, res) => {
      n++;
      res.statusCode = n % 2 ? 200 : 400;
      res.end(n % 2 ? 'ok' : 'bad token');
    });
    try {
      let left = 60;
      const r = await runLoad({ url: s.url, connections: 2, warmupMs: 0, durationMs: 10_000, next: () => (left-- > 0 ? { method: 'GET', headers: {} } : undefined) });
      assert.equal(r.exhausted, true); // ended by the supply, not by the 10 s window
      assert.equal(r.completed, 60);
      assert.equal(r.failed, 30);
      assert.equal(r.statuses[400], 30);
      assert.match(r.errorSample, /^400 bad token/);
    } finally {
      await s.close();
    }
  });
});

describe('cpu profile summary', () => {
  const profile = {
    startTime: 1000,
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 } },
      { id: 2, callFrame: { functionName: 'executeQuery', url: 'file:///r/node_modules/kysely/dist/esm/x.js', lineNumber: 59 } },
      { id: 3, callFrame: { functionName: 'verify', url: 'file:///r/dist/src/tokens/oidc.js', lineNumber: 9 } },
    ],
    samples: [2, 2, 3, 2],
    timeDeltas: [10, 10, 30, 50],
  };

  it('attributes each time delta to its sample and ranks functions by self time', () => {
    const s = selfTimes(profile);
    assert.equal(s.totalUs, 100);
    assert.deepEqual(s.functions.map((f) => [f.name, f.us, f.area]), [['executeQuery', 70, 'kysely'], ['verify', 30, 'src/tokens']]);
  });

  it('keeps only the samples inside a window', () => {
    const s = selfTimes(profile, { startUs: 1015, endUs: 1055 });
    assert.deepEqual(s.functions.map((f) => [f.name, f.us]), [['verify', 30], ['executeQuery', 10]]);
  });

  it('names areas by package, source folder or node internals', () => {
    assert.equal(areaOf('file:///x/node_modules/@smithy/foo/a.js', 'f'), '@smithy/foo');
    assert.equal(areaOf('node:internal/crypto/util', 'f'), 'node:internal');
    assert.equal(areaOf('', '(garbage collector)'), '(garbage collector)');
  });
});

describe('goals', () => {
  const row = (key, rps, p99, rssMax) => ({ key, status: 'ok', rps, p99, rssMax });
  const run = (bigGcfi) => ({
    config: { connections: 32 },
    bare: { rps: 10_000 },
    moto: { rows: [row('gcfi-warm', 100, 50, 90)] },
    backends: [
      {
        kind: 'sqlite',
        phases: [
          { size: 1e4, rows: [row('gcfi-warm', 4000, 10, 120), row('first-signin', 3000, 20, 130)] },
          { size: 1e6, rows: [row('gcfi-warm', bigGcfi, 12, 260), row('first-signin', 2900, 24, 130)] },
        ],
      },
    ],
  });
  const verdict = (goals, prefix) => goals.find((g) => g.goal.includes(prefix)).met;

  it('marks each goal met or not from the figures', () => {
    const g = evaluateGoals(run(3900));
    assert.equal(verdict(g, '20× moto'), true);
    assert.equal(verdict(g, 'GetCredentialsForIdentity (RS256, same token)'), true);
    assert.equal(verdict(g, 'first sign-in'), true);
    assert.equal(verdict(g, 'p99 < 25 ms'), true);
    assert.equal(verdict(g, '≥ 0.85×'), true);
    assert.equal(verdict(g, 'RSS'), false, '260 MiB is over the 250 MiB goal');
  });

  it('fails the store-size goal when the 10^6 figure falls under 0.85× the 10^4 one', () => {
    assert.equal(verdict(evaluateGoals(run(3000)), '≥ 0.85×'), false);
  });
});

describe('helpers', () => {
  it('prng is deterministic per seed and stays in [0, 1)', () => {
    const a = prng(7);
    const b = prng(7);
    const xs = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(xs.slice(0, 5), Array.from({ length: 5 }, () => b()));
    assert.ok(xs.every((x) => x >= 0 && x < 1));
  });

  it('reads memory and CPU time of a live process from /proc', () => {
    const m = readMemory(process.pid);
    assert.ok(m.rss > 1 && m.hwm >= m.rss);
    assert.ok(m.pss > 0 && m.pss <= m.rss, `PSS ${m.pss} MiB within RSS ${m.rss} MiB`);
    assert.ok(readCpuMs(process.pid) > 0);
    assert.equal(readMemory(2 ** 22 + 12345), undefined);
  });

  it('sums memory over a process and its descendants (a cluster primary and its workers)', async () => {
    // A child that starts a grandchild and reports its pid.
    const child = spawn(process.execPath, ['-e', `const c = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = await once(child.stdout, 'data');
      const grandchild = Number(String(line).trim());
      const tree = processTree(child.pid);
      assert.ok(tree.includes(child.pid) && tree.includes(grandchild), `tree ${tree} holds the child and the grandchild`);
      const sum = readMemory(child.pid);
      const own = readMemory(child.pid, [child.pid]);
      assert.equal(sum.processes, 2);
      assert.ok(sum.rss > own.rss, `the sum (${sum.rss} MiB) exceeds the child alone (${own.rss} MiB)`);
      // Two node processes share the node binary's pages: PSS counts them once, the RSS sum twice.
      assert.ok(sum.pss > own.pss && sum.pss < sum.rss, `PSS sum ${sum.pss} MiB, RSS sum ${sum.rss} MiB`);
      process.kill(grandchild);
    } finally {
      child.kill();
    }
  });
});
