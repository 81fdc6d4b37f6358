/**
 * Launcher for saml-metadata-url-suite.ts. Tessera trusts a MetadataURL's server through the
 * system CAs plus NODE_EXTRA_CA_CERTS, which Node reads only at process start; so this file
 * creates a throw-away CA in a temporary directory, then runs the suite in a child `node --test`
 * whose environment names that CA. The child's report is forwarded; this test passes only when
 * every test of the suite passed.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTestCa } from '../../e2e/oauth2/harness/tls.js';

it('user-pool SAML providers with a MetadataURL served over HTTPS (child process with NODE_EXTRA_CA_CERTS)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-saml-ca-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { caFile } = await writeTestCa(dir);
  const suite = join(dirname(fileURLToPath(import.meta.url)), 'saml-metadata-url-suite.js');
  // NODE_TEST_CONTEXT would make the child think it is a file of this runner and skip its tests.
  const { NODE_TEST_CONTEXT: _runner, ...env } = process.env;
  const child = spawnSync(process.execPath, ['--test', '--test-reporter=tap', suite], {
    env: { ...env, NODE_EXTRA_CA_CERTS: caFile, TESSERA_SAML_TLS_DIR: dir },
    encoding: 'utf8',
    timeout: 180_000,
  });
  process.stderr.write(child.stdout + child.stderr);
  assert.equal(child.status, 0, 'every MetadataURL test passes');
  // Guard against a child that ran nothing (a skipped suite also exits 0).
  const passed = Number(/^# pass (\d+)$/m.exec(child.stdout)?.[1] ?? 0);
  assert.ok(passed >= 3, `the suite ran its tests (passed: ${passed})`);
  assert.match(child.stdout, /^# fail 0$/m);
});
