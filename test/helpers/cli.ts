/**
 * `tessera serve` as a child process, the way a user starts it (bin/tessera.mjs), resolved once
 * it prints its listening line. Root credentials and the worker count come from the arguments
 * only (the test runner's environment does not leak in).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export interface RunningCli {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  stdout: () => string;
  exit: Promise<number | null>;
  /**
   * Resolves once the standard output so far satisfies `ready` (checked now and on every chunk),
   * whatever time that takes; rejects if the process exits first. No deadline: the condition, not
   * the clock, decides (the test runner's timeout ends a test that never gets there).
   */
  untilStdout(ready: (stdout: string) => boolean): Promise<void>;
}

export interface ServeWhere {
  /** The installation whose bin/tessera.mjs runs (default: this checkout). */
  root?: string;
  /** The working directory (default: the test runner's). */
  cwd?: string;
}

export async function serveCli(args: string[], env: Record<string, string> = {}, timeoutMs = 20_000, where: ServeWhere = {}): Promise<RunningCli> {
  const child = spawn(process.execPath, [join(where.root ?? repoRoot, 'bin', 'tessera.mjs'), 'serve', ...args], {
    env: { ...process.env, TESSERA_LOG_LEVEL: 'info', TESSERA_ROOT_ACCESS_KEY_ID: '', TESSERA_ROOT_SECRET_ACCESS_KEY: '', TESSERA_WORKERS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(where.cwd ? { cwd: where.cwd } : {}),
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within ${timeoutMs / 1000} s:\n${err}`)), timeoutMs);
    child.stderr!.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${err}`)));
  });
  const untilStdout = (ready: (stdout: string) => boolean) =>
    new Promise<void>((resolve, reject) => {
      if (ready(out)) return resolve();
      const check = () => {
        if (!ready(out)) return;
        child.stdout!.off('data', check);
        resolve();
      };
      child.stdout!.on('data', check);
      child.once('exit', () => (ready(out) ? resolve() : reject(new Error(`exited before its output was as expected:\n${out}`))));
    });
  return { child, url, stderr: () => err, stdout: () => out, exit, untilStdout };
}
