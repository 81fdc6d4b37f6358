/**
 * The package's public entry (package.json `exports`, design.md §10): an embedding program imports
 * `tessera` by name and gets createTessera, loadConfig and the error classes — and nothing else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Imported by name through package.json `exports`, as an embedding program does. The specifier is
 * a variable so that compiling the tests does not need dist/src/index.d.ts, which the same
 * compilation produces.
 */
const PACKAGE = 'tessera';
const load = async (): Promise<typeof import('../../src/index.js')> => import(PACKAGE);

test('the package entry exports createTessera, loadConfig, configFromEnv and the error classes, and nothing else', async () => {
  const entry = await load();
  assert.deepEqual(Object.keys(entry).sort(), ['ConfigError', 'ERROR_CATALOG', 'Refusal', 'ServiceError', 'configFromEnv', 'createTessera', 'loadConfig']);
});

test('an instance made through the package entry listens, answers /health and closes', async (t) => {
  const { createTessera, loadConfig, ConfigError } = await load();
  assert.throws(() => loadConfig({ port: 'x' }), ConfigError);
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-entry-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const tessera = await createTessera(
    loadConfig({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', rootAccessKeyId: 'AKIATESSERAENTRY0001', rootSecretAccessKey: 'tessera-entry-test-secret' }),
  );
  try {
    const { url } = await tessera.listen();
    assert.equal((await fetch(`${url}/health`)).status, 200);
  } finally {
    await tessera.close();
  }
});
