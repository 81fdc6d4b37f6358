/**
 * A production install runs: the package's runtime dependencies alone (`npm ci --omit=dev`, from
 * the local npm cache, offline) into a scratch copy of what a release ships (package.json, the
 * lockfile, bin/ and the compiled dist/src), then `tessera serve` from that copy answers /health
 * and a signed AWS call. Anything the product imports from a devDependency fails here.
 *
 * Install scripts are skipped and better-sqlite3's native addon is copied from this checkout's
 * install (the same package version, built for the same node binary that runs this test):
 * compiling SQLite again would add a minute and prove nothing about the dependency list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { repoRoot } from '../helpers/paths.js';
import { serveCli } from '../helpers/cli.js';

const ROOT = { accessKeyId: 'AKIATESSERAPRODINST01', secretAccessKey: 'tessera-production-install-secret-0000000' };

test('a production install (npm ci --omit=dev, offline) serves /health and a signed call from tessera serve', async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'tessera-prod-'));
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(repoRoot, file), join(scratch, file));
  cpSync(join(repoRoot, 'bin'), join(scratch, 'bin'), { recursive: true });
  cpSync(join(repoRoot, 'dist', 'src'), join(scratch, 'dist', 'src'), { recursive: true });

  execFileSync('npm', ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: scratch,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  const addon = join('node_modules', 'better-sqlite3', 'build', 'Release');
  mkdirSync(join(scratch, addon), { recursive: true });
  cpSync(join(repoRoot, addon, 'better_sqlite3.node'), join(scratch, addon, 'better_sqlite3.node'));

  // Only runtime dependencies were installed: no compiler, no test clients.
  for (const dev of ['typescript', '@aws-sdk/client-sts', 'oidc-provider']) {
    assert.equal(existsSync(join(scratch, 'node_modules', dev)), false, `${dev} is a devDependency and was installed`);
  }

  const server = await serveCli(
    ['--port', '0', '--host', '127.0.0.1', '--data-dir', join(scratch, 'data')],
    { TESSERA_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId, TESSERA_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey },
    20_000,
    { root: scratch, cwd: scratch },
  );
  try {
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    const sts = new STSClient({ endpoint: server.url, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    assert.equal(me.Arn, 'arn:aws:iam::000000000000:root');
  } finally {
    server.child.kill('SIGTERM');
    await server.exit;
  }
});
