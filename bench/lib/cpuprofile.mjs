/**
 * Summarises a V8 .cpuprofile (what `node --cpu-prof` writes): self time per function (the
 * sampled time spent in the function's own code, from `samples` + `timeDeltas`), and the same
 * aggregated per source area (a node_modules package, a src/ folder, node internals).
 */
import { readFileSync } from 'node:fs';

/**
 * `window` ({ startUs, endUs } on the monotonic clock V8 and process.hrtime share on Linux) keeps
 * only the samples taken inside it, e.g. the measured phase of one workload.
 */
export function selfTimes(profile, window) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  const { samples, timeDeltas } = profile;
  let t = profile.startTime;
  // timeDeltas[i] is the time before sample i; attribute it to the sample's node.
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i] ?? 0;
    if (window && (t < window.startUs || t > window.endUs)) continue;
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0));
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  for (const [id, us] of selfUs) {
    const f = byId.get(id).callFrame;
    const name = f.functionName || '(anonymous)';
    const key = `${name} ${f.url}:${f.lineNumber + 1}`;
    const entry = fns.get(key) ?? { name, url: f.url, line: f.lineNumber + 1, area: areaOf(f.url, name), us: 0 };
    entry.us += us;
    fns.set(key, entry);
  }
  const functions = [...fns.values()].sort((a, b) => b.us - a.us);
  const areas = new Map();
  for (const f of functions) areas.set(f.area, (areas.get(f.area) ?? 0) + f.us);
  return {
    totalUs,
    functions,
    areas: [...areas.entries()].map(([area, us]) => ({ area, us })).sort((a, b) => b.us - a.us),
  };
}

/** "jose", "src/tokens", "node:internal", "(garbage collector)", … */
export function areaOf(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  const src = /\/(src|test)\/([^/]+)\//.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  if (url.startsWith('node:')) return url.startsWith('node:internal') ? 'node:internal' : url;
  return url.replace(/^file:\/\//, '');
}

/**
 * For the hottest functions, the nearest Tessera frames that called them (the first frames under
 * src/ walking up the stack, skipping storage and wire plumbing), so "executeQuery 19 %" reads as
 * "executeQuery, 12 % from identityForCall, 7 % from mint". Same window rule as selfTimes.
 */
export function callersOf(profile, names, window, depth = 2) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n) => `${n.callFrame.functionName || '(anonymous)'} (${n.callFrame.url.replace(/^.*\/(src|node_modules)\//, '$1/').replace(/\.js$/, '')})`;
  const isCaller = (n) => /\/src\//.test(n.callFrame.url) && !/\/src\/(storage|wire|json)\//.test(n.callFrame.url);
  const out = new Map(names.map((name) => [name, new Map()]));
  const { samples, timeDeltas } = profile;
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i] ?? 0;
    if (window && (t < window.startUs || t > window.endUs)) continue;
    const leaf = byId.get(samples[i]);
    const name = leaf.callFrame.functionName || '(anonymous)';
    const per = out.get(`${name} ${leaf.callFrame.url}:${leaf.callFrame.lineNumber + 1}`);
    if (!per) continue;
    const chain = [];
    for (let id = parent.get(leaf.id); id !== undefined && chain.length < depth; id = parent.get(id)) {
      const n = byId.get(id);
      if (isCaller(n)) chain.push(label(n));
    }
    const key = chain.length ? chain.join(' ← ') : '(no Tessera frame)';
    per.set(key, (per.get(key) ?? 0) + (timeDeltas[i] ?? 0));
  }
  return new Map([...out].map(([k, m]) => [k, [...m].map(([chain, us]) => ({ chain, us })).sort((a, b) => b.us - a.us)]));
}

export function summarizeProfileFile(file, top = 25, window, callersTop = 6) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  let s = selfTimes(profile, window);
  let windowed = Boolean(window);
  if (s.totalUs === 0) {
    // The window matched nothing (clock mismatch): fall back to the whole lifetime, and say so.
    s = selfTimes(profile);
    windowed = false;
  }
  const functions = s.functions.slice(0, top);
  const keys = functions.slice(0, callersTop).map((f) => `${f.name} ${f.url}:${f.line}`);
  const callers = callersOf(profile, keys, windowed ? window : undefined);
  return { ...s, windowed, functions, callers: functions.slice(0, callersTop).map((f, i) => ({ ...f, from: callers.get(keys[i]) ?? [] })) };
}
