/**
 * Launcher for federation-suite.ts. Tessera trusts upstream IdPs through the system CAs plus
 * NODE_EXTRA_CA_CERTS, which Node reads only at process start; so this file creates a throw-away
 * CA, then runs the suite in a child `node --test` whose environment names that CA. The child's
 * report is forwarded; this test passes only when every test of the suite passed.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTestCa } from './harness/tls.js';

it('federated sign-in through upstream OpenID Providers (child process with NODE_EXTRA_CA_CERTS)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-oauth2-ca-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { caFile } = await writeTestCa(dir);
  const suite = join(dirname(fileURLToPath(import.meta.url)), 'federation-suite.js');
  // NODE_TEST_CONTEXT would make the child think it is a file of this runner and skip its tests.
  const { NODE_TEST_CONTEXT: _runner, ...env } = process.env;
  const child = spawnSync(process.execPath, ['--test', '--test-reporter=tap', suite], {
    env: { ...env, NODE_EXTRA_CA_CERTS: caFile, TESSERA_OAUTH2_TLS_DIR: dir },
    encoding: 'utf8',
    timeout: 120_000,
  });
  process.stderr.write(child.stdout + child.stderr);
  assert.equal(child.status, 0, 'every federation test passes');
  // Guard against a child that ran nothing (a skipped suite also exits 0).
  const passed = Number(/^# pass (\d+)$/m.exec(child.stdout)?.[1] ?? 0);
  assert.ok(passed >= 10, `the suite ran its tests (passed: ${passed})`);
  assert.match(child.stdout, /^# fail 0$/m);
});
