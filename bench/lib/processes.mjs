/**
 * The processes a run starts — Tessera (`node bin/tessera.mjs serve --port 0`), moto_server and
 * the bare node:http ceiling — each on 127.0.0.1 only. Every child is spawned in its own process
 * group and stopped through its own handle (SIGTERM to that group, SIGKILL to the same group
 * after a grace period), so nothing outlives a run and nothing else is touched.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import { repoRoot } from './paths.mjs';

const children = new Set();

/** Stops every child still running (used when a run fails half-way). */
export async function stopAll() {
  await Promise.all([...children].map((c) => c.stop()));
}

function track(child, label) {
  let exited = child.exitCode !== null || child.signalCode !== null;
  const exit = exited ? Promise.resolve() : once(child, 'exit').then(() => undefined);
  void exit.then(() => {
    exited = true;
  });
  const handle = {
    pid: child.pid,
    label,
    exited: () => exited,
    async stop(graceMs = 10_000) {
      if (!exited) {
        signalGroup(child.pid, 'SIGTERM');
        const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), graceMs);
        await exit;
        clearTimeout(timer);
      }
      children.delete(handle);
    },
  };
  children.add(handle);
  return handle;
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if (err.code !== 'ESRCH') throw err;
  }
}

/** Resolves with the first match of `re` in the child's stream (collecting the rest for errors). */
function waitForLine(child, stream, re, label, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`${label} did not start within ${timeoutMs} ms:\n${seen.slice(-2000)}`)), timeoutMs);
    const onData = (chunk) => {
      seen += chunk.toString('utf8');
      const m = re.exec(seen);
      if (m) {
        cleanup();
        resolve(m);
      }
    };
    const onExit = (code) => fail(new Error(`${label} exited (${code}) before it was ready:\n${seen.slice(-2000)}`));
    const cleanup = () => {
      clearTimeout(timer);
      stream.off('data', onData);
      child.off('exit', onExit);
    };
    const fail = (err) => {
      cleanup();
      reject(err);
    };
    stream.on('data', onData);
    child.on('exit', onExit);
  });
}

/**
 * Tessera as a child process. `buildDir` other than dist/ runs that build's CLI through
 * bench/lib/serve.mjs (same main(), same flags) so a run can use a private build.
 */
export async function startTessera({ dataDir, databaseUrl, rootKey, rootSecret, buildDir, cpuProfDir, logLevel = 'info', workers = '1' }) {
  const nodeFlags = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const entry = buildDir ? [join(repoRoot, 'bench', 'lib', 'serve.mjs'), buildDir] : [join(repoRoot, 'bin', 'tessera.mjs')];
  const args = [...nodeFlags, ...entry, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--no-demo', '--log-level', logLevel, '--workers', String(workers)];
  if (databaseUrl) args.push('--database-url', databaseUrl);
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    detached: true,
    // The per-request log lines go to /dev/null: pino still formats them (the cost stays in the
    // figures) but no pipe back to this process competes for the CPU.
    stdio: ['ignore', 'ignore', 'pipe'],
    // NODE_OPTIONS of the bench itself is not passed on; TESSERA_BENCH_SERVER_NODE_OPTIONS is (e.g.
    // --perf-basic-prof-only-functions, so that `perf record -p` can name Tessera's JS frames).
    env: { ...process.env, TESSERA_ROOT_ACCESS_KEY_ID: rootKey, TESSERA_ROOT_SECRET_ACCESS_KEY: rootSecret, NODE_OPTIONS: process.env.TESSERA_BENCH_SERVER_NODE_OPTIONS ?? '' },
  });
  const handle = track(child, 'tessera');
  try {
    const m = await waitForLine(child, child.stderr, /listening on (http:\/\/[^\s]+)/, 'tessera');
    child.stderr.resume();
    return { ...handle, url: m[1] };
  } catch (err) {
    await handle.stop();
    throw err;
  }
}

/** A free loopback port (moto_server takes a port number, not 0). */
export async function freePort() {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

export async function startMoto(motoBin) {
  const port = await freePort();
  const child = spawn(motoBin, ['-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const handle = track(child, 'moto');
  try {
    await waitForLine(child, child.stderr, /Running on http:\/\//, 'moto_server');
    child.stderr.resume();
    return { ...handle, url: `http://127.0.0.1:${port}` };
  } catch (err) {
    await handle.stop();
    throw err;
  }
}

export async function startBare() {
  const child = spawn(process.execPath, [join(repoRoot, 'bench', 'lib', 'bare-server.mjs')], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const handle = track(child, 'bare');
  try {
    const m = await waitForLine(child, child.stdout, /listening (http:\/\/[^\s]+)/, 'bare server');
    child.stdout.resume();
    return { ...handle, url: m[1] };
  } catch (err) {
    await handle.stop();
    throw err;
  }
}

/** The keep-alive stand-in upstream of the gateway bench (bench/lib/keepalive-upstream.mjs). */
export async function startKeepAliveUpstream() {
  const child = spawn(process.execPath, [join(repoRoot, 'bench', 'lib', 'keepalive-upstream.mjs')], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const handle = track(child, 'keepalive-upstream');
  try {
    const m = await waitForLine(child, child.stdout, /listening (http:\/\/[^\s]+)/, 'keep-alive upstream');
    child.stdout.resume();
    return { ...handle, url: m[1] };
  } catch (err) {
    await handle.stop();
    throw err;
  }
}

/** The bare node:http reverse proxy of the gateway bench (bench/lib/bare-proxy.mjs), in front of `target`. */
export async function startBareProxy(target) {
  const child = spawn(process.execPath, [join(repoRoot, 'bench', 'lib', 'bare-proxy.mjs'), target], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const handle = track(child, 'bare-proxy');
  try {
    const m = await waitForLine(child, child.stdout, /listening (http:\/\/[^\s]+)/, 'bare proxy');
    child.stdout.resume();
    return { ...handle, url: m[1] };
  } catch (err) {
    await handle.stop();
    throw err;
  }
}
