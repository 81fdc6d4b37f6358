/**
 * `tessera serve --workers N`: N processes serve one listener through node:cluster, so every CPU
 * can work (Node runs JavaScript on one core per process). Each worker is a whole Tessera — the
 * same composition root as a single process — and the workers share nothing but storage, exactly
 * as several nodes on one PostgreSQL do:
 *
 * - Uniqueness (one identity per login, single-use codes, key numbers) is decided by the
 *   database's primary keys and compare-and-swap, never in memory, so it holds across workers as
 *   it does across machines. On SQLite the workers open the same file (WAL); a writer that finds the
 *   lock taken retries from a timer (src/storage/sqlite/group-commit.ts), not blocking its loop.
 * - Keys live in storage; each worker's view of a key ring is refreshed on its own schedule and
 *   on an unknown kid (src/keys). Caches are per worker and content-addressed (parsed policies,
 *   JWKS per issuer with a max age), so no worker serves another's stale write.
 *
 * The primary serves no requests and loads neither the application nor storage (its memory counts
 * in every deployment). Before forking it settles what must happen exactly once: root credentials
 * (generated and printed once). Migrations run in the first worker, which opens storage under the
 * migration lock; only when it listens are the others forked, so they find the schema current and
 * a broken database stops the server before N processes fail. The primary then prints the banner
 * when all of them listen, replaces a worker that dies (after a pause, so a crash loop does not
 * spin), and on SIGTERM/SIGINT asks each worker to drain and waits for them all. Connections are spread by the primary round-robin (Node's default on
 * Linux); a keep-alive connection stays with the worker that accepted it.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config/index.js';
import { loadRootCredentials, type RootCredentials } from '../credentials/root.js';

/** Messages a worker sends its primary. */
export type WorkerMessage = { tessera: 'listening'; url: string } | { tessera: 'failed'; error: string };

const RESTART_DELAY_MS = 1000;

/**
 * V8's young generation per worker, in MiB per semi-space (V8's default on 64-bit is 16). Under
 * load the young generation grows to its maximum and stays resident, so with N workers it costs
 * N times; at 8 the bench measured 20–30 MiB less RSS per two workers at unchanged throughput
 * (bench/results/2026-12-03-eve-analysis.md).
 */
export const WORKER_SEMI_SPACE_MIB = 8;

/** The workers' node flags: the primary's, plus the young-generation cap unless one is set already. */
export function workerExecArgv(execArgv: readonly string[], nodeOptions = ''): string[] {
  const chosen = [...execArgv, ...nodeOptions.split(/\s+/)].some((flag) => /^--(max|min)[-_]semi[-_]space[-_]size(=|$)/.test(flag));
  return chosen ? [...execArgv] : [...execArgv, `--max-semi-space-size=${WORKER_SEMI_SPACE_MIB}`];
}

export interface PrimaryHooks {
  /** Prints the start-up banner (once, when every worker listens). */
  banner(url: string, root: RootCredentials): void;
  /** Progress and problems, one line each. */
  say(line: string): void;
}

export async function runPrimary(config: Config, hooks: PrimaryHooks): Promise<void> {
  const root = loadRootCredentials(config);
  let stopping = false;
  let started = false;
  let listening = 0;
  const alive = new Set<Worker>();
  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS) });

  const fork = () => {
    const worker = cluster.fork();
    alive.add(worker);
    worker.on('message', (msg: WorkerMessage) => {
      if (msg?.tessera === 'listening' && !started) {
        listening++;
        // The first worker has run the migrations: start the others.
        if (listening === 1) for (let i = 1; i < config.workers; i++) fork();
        if (listening === config.workers) {
          started = true;
          hooks.banner(msg.url, root);
        }
      } else if (msg?.tessera === 'failed') {
        hooks.say(`tessera: worker ${worker.process.pid} failed to start: ${msg.error}`);
      }
    });
    worker.on('exit', (code, signal) => {
      alive.delete(worker);
      if (stopping) {
        if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGINT') process.exitCode = 1;
        if (alive.size === 0) process.exit(process.exitCode ?? 0);
        return;
      }
      if (!started) {
        // A worker that cannot start would not start on a second try either (bad config, port in use).
        hooks.say(`tessera: worker ${worker.process.pid} exited during start-up (${signal ?? `code ${code}`}); stopping`);
        stop(1);
        return;
      }
      hooks.say(`tessera: worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting a replacement`);
      setTimeout(() => {
        if (!stopping) fork();
      }, RESTART_DELAY_MS).unref();
    });
  };

  const stop = (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    if (exitCode) process.exitCode = exitCode;
    if (alive.size === 0) process.exit(process.exitCode ?? 0);
    // Each worker drains its in-flight requests and closes its storage, then exits.
    for (const w of alive) w.process.kill('SIGTERM');
  };
  process.on('SIGTERM', () => stop(0));
  // Ctrl-C reaches the workers too (same process group); they drain on it as on SIGTERM.
  process.on('SIGINT', () => stop(0));

  fork();
}

/** In a worker: tells the primary it listens (or why it could not start). */
export function tellPrimary(msg: WorkerMessage): void {
  process.send?.(msg);
}
