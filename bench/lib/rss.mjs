/**
 * Resident memory of a child process, read from /proc/<pid>/status (VmRSS: what it holds now;
 * VmHWM: its high-water mark since start — proc(5)). Sampled on a timer during each workload.
 */
import { readFileSync } from 'node:fs';

/** { rss, hwm } in MiB, or undefined once the process is gone. */
export function readMemory(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 };
}

/** Samples VmRSS every `intervalMs` until stop(); returns { max, last } in MiB. */
export function sampleRss(pid, intervalMs = 100) {
  let max = 0;
  let last = Number.NaN;
  const take = () => {
    const m = readMemory(pid);
    if (m) {
      last = m.rss;
      if (m.rss > max) max = m.rss;
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { max, last };
    },
  };
}

/** CPU time (user + system) a process has used so far, in milliseconds (proc(5) stat fields 14–15). */
export function readCpuMs(pid, ticksPerSecond = 100) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces: split after its closing parenthesis.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/**
 * CPU used by `pid` and by this process between start() and stop(): { serverMs, clientMs }.
 * CLK_TCK is 100 on Linux x86-64 and arm64 (sysconf(_SC_CLK_TCK)).
 */
export function cpuMeter(pid) {
  let server0;
  let client0;
  return {
    start() {
      server0 = readCpuMs(pid);
      client0 = process.cpuUsage();
    },
    stop() {
      const server1 = readCpuMs(pid);
      const c = process.cpuUsage(client0);
      return { serverMs: server0 === undefined || server1 === undefined ? Number.NaN : server1 - server0, clientMs: (c.user + c.system) / 1000 };
    },
  };
}
