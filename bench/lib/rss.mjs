/**
 * Resident memory of a child process, read from /proc/<pid>/status (VmRSS: what it holds now;
 * VmHWM: its high-water mark since start — proc(5)). Sampled on a timer during each workload.
 * A server may be several processes (`tessera serve --workers N`: a cluster primary and its
 * workers): memory and CPU are then the sums over the process and its descendants.
 *
 * A sum of RSS counts every page the processes share once per process: the node binary's text
 * alone is about 42 MiB resident in each of them. PSS (/proc/<pid>/smaps_rollup, proportional set
 * size: a page shared by n processes counts 1/n in each) sums to what the tree holds, so it is
 * reported beside the RSS sum.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Every process id in /proc (empty when /proc cannot be read). */
function allPids() {
  try {
    return readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
}

/** The text of /proc/<pid>/<name>, or undefined when the process is gone or unreadable. */
function procFile(pid, name) {
  try {
    return readFileSync(`/proc/${pid}/${name}`, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The fields of /proc/<pid>/stat from field 3 (state) on, so index i is field i + 3 (proc(5));
 * the command name (field 2) may contain spaces, hence the split after its closing parenthesis.
 */
function statFields(pid) {
  const text = procFile(pid, 'stat');
  return text === undefined ? undefined : text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** `pid` and every process descending from it (parent links from /proc/<p>/stat field 4). */
export function processTree(pid) {
  const children = new Map();
  for (const p of allPids()) {
    const fields = statFields(p);
    if (fields === undefined) continue;
    const ppid = Number(fields[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(p));
  }
  const out = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    out.push(p);
    for (const c of children.get(p) ?? []) stack.push(c);
  }
  return out;
}

/** { rss, hwm, pss, processes } in MiB summed over `pids` (default: the tree of `pid`), or undefined once the root is gone. */
export function readMemory(pid, pids = processTree(pid)) {
  let rss = 0;
  let hwm = 0;
  let pss = 0;
  let seen = 0;
  for (const p of pids) {
    const m = readOne(p);
    if (!m) {
      if (p === pid) return undefined;
      continue;
    }
    rss += m.rss;
    hwm += m.hwm;
    pss += m.pss;
    seen++;
  }
  return { rss, hwm, pss, processes: seen };
}

const kib = (text, field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text ?? '')?.[1] ?? Number.NaN);

function readOne(pid) {
  const text = procFile(pid, 'status');
  if (text === undefined) return undefined;
  return { rss: kib(text, 'VmRSS') / 1024, hwm: kib(text, 'VmHWM') / 1024, pss: kib(procFile(pid, 'smaps_rollup'), 'Pss') / 1024 };
}

/** Samples VmRSS and PSS every `intervalMs` until stop(); returns { max, last, pssMax } in MiB. */
export function sampleRss(pid, intervalMs = 100) {
  let max = 0;
  let pssMax = 0;
  let last = Number.NaN;
  const pids = processTree(pid);
  const take = () => {
    const m = readMemory(pid, pids);
    if (m) {
      last = m.rss;
      if (m.rss > max) max = m.rss;
      if (m.pss > pssMax) pssMax = m.pss;
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { max, last, pssMax: pssMax || Number.NaN };
    },
  };
}

/** CPU time (user + system) a process has used so far, in milliseconds (proc(5) stat fields 14–15). */
export function readCpuMs(pid, ticksPerSecond = 100) {
  const fields = statFields(pid);
  if (fields === undefined) return undefined;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/**
 * CPU used by `pid` and by this process between start() and stop(): { serverMs, clientMs }.
 * CLK_TCK is 100 on Linux x86-64 and arm64 (sysconf(_SC_CLK_TCK)).
 */
export function cpuMeter(pid, dbName) {
  const pids = processTree(pid);
  const treeCpuMs = () => {
    let sum = 0;
    for (const p of pids) {
      const ms = readCpuMs(p);
      if (ms === undefined) return undefined;
      sum += ms;
    }
    return sum;
  };
  let server0;
  let client0;
  let machine0;
  let db0;
  return {
    start() {
      server0 = treeCpuMs();
      client0 = process.cpuUsage();
      machine0 = machineBusyMs();
      db0 = dbName ? databaseCpuMs(dbName) : undefined;
    },
    /**
     * `dbMs`: PostgreSQL backends serving `dbName` (part of the system under test);
     * `otherMs`: busy CPU time of everything else on the machine (work this run did not start = noise).
     */
    stop() {
      const server1 = treeCpuMs();
      const c = process.cpuUsage(client0);
      const serverMs = server0 === undefined || server1 === undefined ? Number.NaN : server1 - server0;
      const clientMs = (c.user + c.system) / 1000;
      let dbMs = 0;
      if (db0) for (const [p, ms] of databaseCpuMs(dbName)) dbMs += ms - (db0.get(p) ?? 0);
      return { serverMs, clientMs, dbMs: dbName ? dbMs : undefined, otherMs: Math.max(0, machineBusyMs() - machine0 - serverMs - clientMs - dbMs) };
    },
  };
}

/** CPU ms of every PostgreSQL backend whose process title names database `dbName` (pid → ms). */
export function databaseCpuMs(dbName) {
  const out = new Map();
  for (const p of allPids()) {
    const cmd = procFile(p, 'cmdline');
    if (cmd === undefined) continue;
    // Backend titles read "postgres: <user> <database> <client> <state>" (PostgreSQL docs §28.1),
    // an autovacuum worker's "postgres: autovacuum worker <database>".
    if (!cmd.startsWith('postgres: ') || !` ${cmd.replace(/\0/g, ' ')} `.includes(` ${dbName} `)) continue;
    const ms = readCpuMs(Number(p));
    if (ms !== undefined) out.set(p, ms);
  }
  return out;
}

/** Busy time of all CPUs so far (the aggregate `cpu` line of /proc/stat minus idle and iowait). */
export function machineBusyMs(ticksPerSecond = 100) {
  let text;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return Number.NaN;
  }
  const f = text.slice(0, text.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const busy = f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
  return (busy * 1000) / ticksPerSecond;
}
