/** The machine a run measured: CPU, memory, kernel and the versions of everything compared. */
import { readFileSync } from 'node:fs';
import { availableParallelism, release, totalmem } from 'node:os';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';

export function describeMachine({ motoBin, postgres }) {
  const cpuinfo = safeRead('/proc/cpuinfo');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown';
  const mhz = /^cpu MHz\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim();
  const memKiB = Number(/^MemTotal:\s+(\d+) kB/m.exec(safeRead('/proc/meminfo'))?.[1] ?? totalmem() / 1024);
  const db = new Database(':memory:');
  const sqlite = db.prepare('select sqlite_version() as v').get().v;
  db.close();
  let moto;
  if (motoBin) {
    const r = spawnSync(motoBin.replace(/moto_server$/, 'python'), ['-c', 'import moto; print(moto.__version__)'], { encoding: 'utf8' });
    moto = r.status === 0 ? r.stdout.trim() : 'unknown version';
  }
  return {
    nproc: availableParallelism(),
    cpu: mhz ? `${model} (${mhz} MHz)` : model,
    memory: `${(memKiB / 1024 / 1024).toFixed(1)} GiB`,
    kernel: release(),
    node: process.version,
    sqlite,
    postgres: postgres ?? 'not reachable',
    moto: moto ?? 'not installed',
  };
}

function safeRead(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
