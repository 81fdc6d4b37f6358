/**
 * Renders a run as Markdown (bench/results/<date>.md): the machine, the configuration, seeding
 * costs, every raw figure, and the issue #5 goals each marked met / not met from those figures.
 */

export const GOALS = {
  vsMoto: 20,
  gcfiVsBare: 0.35,
  firstSigninVsBare: 0.25,
  p99Ms: 25,
  bigStoreRatio: 0.85,
  rssMiB: 250,
};

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '—');
const int = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const sizeLabel = (n) => (n >= 1e6 && n % 1e6 === 0 ? `10^${Math.log10(n)}` : n >= 1e4 && Number.isInteger(Math.log10(n)) ? `10^${Math.log10(n)}` : String(n));

/** The moto workload a Tessera workload is compared with. */
export function motoKey(row) {
  return row.comparable ?? row.key;
}

export function evaluateGoals(run) {
  const goals = [];
  const bare = run.bare?.rps;
  const moto = new Map((run.moto?.rows ?? []).filter((r) => r.status === 'ok').map((r) => [r.key, r]));
  for (const b of run.backends) {
    const phases = b.phases;
    const all = phases.flatMap((p) => p.rows.filter((r) => r.status === 'ok').map((r) => ({ ...r, size: p.size })));
    const tag = `Tessera/${b.kind}`;
    // 1. every workload ≥ 20× moto (where moto serves the same request)
    const vs = all.filter((r) => moto.has(motoKey(r))).map((r) => ({ r, x: r.rps / moto.get(motoKey(r)).rps }));
    if (vs.length) {
      const worst = vs.reduce((a, c) => (c.x < a.x ? c : a));
      goals.push({ goal: `${tag}: every workload ≥ ${GOALS.vsMoto}× moto`, figure: `worst ${f1(worst.x)}× (${worst.r.key}, ${sizeLabel(worst.r.size)}); ${vs.filter((v) => v.x >= GOALS.vsMoto).length}/${vs.length} rows meet it`, met: worst.x >= GOALS.vsMoto });
    } else goals.push({ goal: `${tag}: every workload ≥ ${GOALS.vsMoto}× moto`, figure: 'moto not measured', met: undefined });
    // 2./3. against the bare ceiling
    for (const [key, goal, label] of [
      ['gcfi-distinct', GOALS.gcfiVsBare, 'GetCredentialsForIdentity (RS256, distinct tokens)'],
      ['gcfi-warm', GOALS.gcfiVsBare, 'GetCredentialsForIdentity (RS256, same token)'],
      ['first-signin', GOALS.firstSigninVsBare, 'first sign-in (distinct tokens)'],
    ]) {
      const rows = all.filter((r) => r.key === key);
      if (!rows.length || !bare) continue;
      const worst = rows.reduce((a, c) => (c.rps < a.rps ? c : a));
      goals.push({ goal: `${tag}: ${label} ≥ ${goal}× bare node`, figure: `${f2(worst.rps / bare)}× (${int(worst.rps)} / ${int(bare)} req/s, worst size ${sizeLabel(worst.size)})`, met: worst.rps / bare >= goal });
    }
    // 4. p99 < 25 ms at 32 connections
    if (all.length) {
      const worst = all.reduce((a, c) => (c.p99 > a.p99 ? c : a));
      const over = all.filter((r) => r.p99 >= GOALS.p99Ms).map((r) => `${r.key}@${sizeLabel(r.size)}`);
      goals.push({ goal: `${tag}: p99 < ${GOALS.p99Ms} ms at ${run.config.connections} connections`, figure: `worst ${f1(worst.p99)} ms (${worst.key}, ${sizeLabel(worst.size)})${over.length ? `; over: ${over.join(', ')}` : ''}`, met: worst.p99 < GOALS.p99Ms });
    }
    // 5. 10^6 figure ≥ 0.85× the 10^4 one
    if (phases.length >= 2) {
      const small = phases[0];
      const big = phases[phases.length - 1];
      const ratios = big.rows
        .filter((r) => r.status === 'ok')
        .map((r) => ({ key: r.key, x: r.rps / (small.rows.find((s) => s.key === r.key && s.status === 'ok')?.rps ?? Number.NaN) }))
        .filter((r) => Number.isFinite(r.x));
      if (ratios.length) {
        const worst = ratios.reduce((a, c) => (c.x < a.x ? c : a));
        goals.push({ goal: `${tag}: ${sizeLabel(big.size)} identities ≥ ${GOALS.bigStoreRatio}× ${sizeLabel(small.size)}`, figure: `worst ${f2(worst.x)}× (${worst.key}); ${ratios.map((r) => `${r.key} ${f2(r.x)}`).join(', ')}`, met: worst.x >= GOALS.bigStoreRatio });
      }
    } else goals.push({ goal: `${tag}: 10^6 identities ≥ ${GOALS.bigStoreRatio}× 10^4`, figure: 'one store size measured (quick run)', met: undefined });
    // 6. RSS < 250 MiB under load
    if (all.length) {
      const worst = all.reduce((a, c) => (c.rssMax > a.rssMax ? c : a));
      goals.push({ goal: `${tag}: RSS < ${GOALS.rssMiB} MiB under load`, figure: `max ${f1(worst.rssMax)} MiB (${worst.key}, ${sizeLabel(worst.size)})`, met: worst.rssMax < GOALS.rssMiB });
      // The same bound on PSS, where pages the processes share count once (see Method); a
      // companion figure, not a substitute: the verdict above stays the goal's.
      const withPss = all.filter((r) => Number.isFinite(r.pssMax));
      if (withPss.length) {
        const worstPss = withPss.reduce((a, c) => (c.pssMax > a.pssMax ? c : a));
        const over = withPss.filter((r) => r.pssMax >= GOALS.rssMiB).length;
        goals.push({ goal: `${tag}: PSS < ${GOALS.rssMiB} MiB under load (shared pages once; companion figure)`, figure: `max ${f1(worstPss.pssMax)} MiB (${worstPss.key}, ${sizeLabel(worstPss.size)}); ${withPss.length - over}/${withPss.length} rows under`, met: worstPss.pssMax < GOALS.rssMiB });
      }
    }
  }
  return goals;
}

function resultTable(rows, { bare, moto }) {
  const out = [
    '| workload | tokens | req/s | p50 ms | p99 ms | max ms | requests (failed) | s | RSS max MiB | PSS max MiB | server CPU % (ms/req) | generator CPU % | PostgreSQL CPU % (ms/req) | other CPU % | × moto | × bare |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    if (r.status !== 'ok') {
      out.push(`| ${r.label} \`${r.key}\` | ${r.cache} | ${r.status === 'unavailable' ? 'not available' : 'FAILED'} | | | | | | | | | | | | ${esc(r.note ?? '')} |`);
      continue;
    }
    const m = moto?.get(motoKey(r));
    out.push(
      `| ${r.label} \`${r.key}\` | ${r.cache} | ${int(r.rps)} | ${f2(r.p50)} | ${f2(r.p99)} | ${f1(r.max)} | ${int(r.completed)} (${r.failed + r.transportErrors})${r.exhausted ? ' †' : ''} | ${f1(r.seconds)} | ${f1(r.rssMax)} | ${f1(r.pssMax)} | ${pct(r.serverCpuShare)} (${f2(r.serverCpuMsPerReq)}) | ${pct(r.clientCpuShare)} | ${r.dbCpuShare === undefined ? '—' : `${pct(r.dbCpuShare)} (${f2(r.dbCpuMsPerReq)})`} | ${pct(r.otherCpuShare)} | ${m ? `${f1(r.rps / m.rps)}×` : '—'} | ${bare ? f2(r.rps / bare) : '—'} |`,
    );
  }
  return out.join('\n');
}

const pct = (x) => (Number.isFinite(x) ? `${Math.round(x * 100)}` : '—');
const esc = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderReport(run) {
  const { machine, config } = run;
  const bare = run.bare?.rps;
  const moto = new Map((run.moto?.rows ?? []).filter((r) => r.status === 'ok').map((r) => [r.key, r]));
  const L = [];
  L.push(`# Tessera benchmark — ${run.date}${config.quick ? ' (quick)' : ''}`, '');
  L.push(`Command: \`${config.command}\`. Started ${run.startedAt}, took ${f1(run.seconds / 60)} min.`, '');
  L.push('## Machine', '');
  L.push('| | |', '|---|---|');
  for (const [k, v] of Object.entries(machine)) L.push(`| ${k} | ${esc(v)} |`);
  L.push('', '## Method', '');
  L.push(
    `- Load: bench/lib/load.mjs, closed loop, ${config.connections} keep-alive connections (one http.Agent), ${config.warmupMs} ms warm-up then ${config.durationMs} ms measured per workload (extended, up to ${config.durationMs * 6} ms, until one answer per connection has arrived, for workloads slower than the window; the s column is the window measured); latency per request with process.hrtime.bigint; an answer counts when it arrives inside the window, whenever it was sent; req/s counts 2xx answers only. The generator runs in the same machine as the server (${machine.nproc} CPUs shared).`,
    `- Servers, each a child process on 127.0.0.1: Tessera (\`node bin/tessera.mjs serve --port 0 --no-demo --log-level ${config.logLevel} --workers ${config.workers}\`${config.workers === '1' ? ', one process' : ': a cluster primary and its workers, one per CPU for auto'}; request log to /dev/null), moto_server, and a bare node:http server answering a fixed JSON body from one process (the ceiling: with one process it already saturates the load generator).`,
    '- Tokens: RS256, signed by the real HTTPS test issuer (test/helpers/issuer.ts) registered as an IAM OIDC provider pinned by thumbprint. "warm" repeats one token; "distinct" sends a different pre-signed token per request for a randomly chosen stored identity (first sign-in: a new subject per request). All tokens are signed before the timed phase.',
    '- CPU: user+system time of the server process (/proc/<pid>/stat) and of the generator (process.cpuUsage) over the measured phase, as a share of one CPU; ms/req is server CPU per answered request; "other" is every other process on the machine (/proc/stat), i.e. noise from work this run did not start; the PostgreSQL backends serving the run’s database are counted apart (they are part of the system under test). A server well under 100% while latency grows is waiting (fsync, locks), not computing.',
    '- RSS: VmRSS of the server process from /proc/<pid>/status every 100 ms during the workload (max shown); for a server of several processes (Tessera with workers), the sum over the process and its descendants, and CPU likewise. A sum of RSS counts each shared page once per process (the node binary alone is about 42 MiB in each), so PSS (/proc/<pid>/smaps_rollup: a page shared by n processes counts 1/n) is shown beside it; pages shared with processes outside the server (the load generator is node too) are split with them, so the PSS sum is a slight under-count and the RSS sum an over-count.',
    `- † = the pre-signed token supply ran out before the duration ended; the figure is over the time measured.`,
    '',
  );
  if (bare) {
    L.push(
      `Bare node:http ceiling: **${int(bare)} req/s**, p50 ${f2(run.bare.p50)} ms, p99 ${f2(run.bare.p99)} ms, RSS ${f1(run.bare.rssMax)} MiB; server CPU ${pct(run.bare.serverCpuShare)}% (${f2(run.bare.serverCpuMsPerReq)} ms/req), generator CPU ${pct(run.bare.clientCpuShare)}%, other processes ${pct(run.bare.otherCpuShare)}%.`,
      '',
    );
  }
  if (run.moto) {
    L.push('## moto_server', '');
    if (run.moto.error) L.push(`moto could not be measured: ${esc(run.moto.error)}`, '');
    else L.push(resultTable(run.moto.rows, { bare }), '');
  }
  for (const b of run.backends) {
    L.push(`## Tessera on ${b.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`, '');
    if (b.error) L.push(`**Run failed:** ${esc(b.error)}`, '');
    if (b.seeding.length) {
      L.push('Seeding (identities stored before the workloads; 3 documents each):', '');
      L.push('| path | identities | seconds | identities/s |', '|---|---:|---:|---:|');
      for (const s of b.seeding.filter((x) => x.identities !== undefined)) L.push(`| ${s.path} | ${int(s.identities)} | ${f1(s.seconds)} | ${int(s.identities / s.seconds)} |`);
      const contract = b.seeding.find((s) => s.path.startsWith('contract') && s.identities !== undefined);
      if (contract) L.push('', `Through Collection.create alone, 10^6 identities would take about ${f1(1e6 / (contract.identities / contract.seconds) / 60)} min on this machine.`);
      for (const s of b.seeding.filter((x) => x.users !== undefined)) L.push('', `User pool users for initiate-auth-distinct: ${int(s.users)} (${s.path}) in ${f1(s.seconds)} s.`);
      L.push('');
    }
    for (const p of b.phases) {
      L.push(`### ${sizeLabel(p.size)} stored identities (${int(p.stored ?? p.size)} in the pool when the server started)`, '');
      L.push(resultTable(p.rows, { bare, moto }), '');
      if (p.hwm) L.push(`Server VmHWM over this phase's lifetime: ${f1(p.hwm)} MiB.`, '');
    }
  }
  L.push('## Goals (issue #5)', '');
  L.push('| goal | figure | verdict |', '|---|---|---|');
  for (const g of run.goals) L.push(`| ${g.goal} | ${esc(g.figure)} | ${g.met === undefined ? 'not measured' : g.met ? 'met' : '**not met**'} |`);
  L.push('');
  if (run.notes?.length) {
    L.push('## Notes', '');
    for (const n of run.notes) L.push(`- ${n}`);
    L.push('');
  }
  return L.join('\n');
}
