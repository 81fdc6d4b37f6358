/**
 * docs/configuration.md against the code: every TESSERA_* variable src/config reads, every flag
 * the CLI parses, the defaults loadConfig applies, and the fields of a real request log line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { configFromEnv, loadConfig, type Config } from '../../../src/config/index.js';
import { createTessera } from '../../../src/app.js';
import { repoRoot } from '../../helpers/paths.js';
import { readDoc, section, tableRows } from './markdown.js';

const doc = readDoc('configuration.md');

/** Settings table rows keyed by their environment variable (cell 2), e.g. `TESSERA_PORT`. */
function settingsByEnv(): Map<string, string[]> {
  const rows = tableRows(section(doc, 'Settings')).filter((cells) => cells[0] !== 'Flag');
  return new Map(rows.map((cells) => [cells[1]!.replace(/`/g, ''), cells]));
}

function envVarsReadByConfig(): string[] {
  const text = readFileSync(join(repoRoot, 'src', 'config', 'index.ts'), 'utf8');
  return [...new Set([...text.matchAll(/env\.(TESSERA_[A-Z0-9_]+)/g)].map((m) => m[1]!))];
}

test('documents every TESSERA_* variable the configuration reads, in the settings table', () => {
  const vars = envVarsReadByConfig();
  assert.ok(vars.length >= 8, `found the variables (${vars.join(', ')})`);
  const rows = settingsByEnv();
  for (const v of vars) assert.ok(rows.has(v), `${v} has a row`);
});

test('documents every flag the CLI parses', () => {
  const text = readFileSync(join(repoRoot, 'src', 'cli', 'main.ts'), 'utf8');
  const block = /options:\s*\{([\s\S]*?)\n\s*\},\n\s*strict/.exec(text);
  assert.ok(block, 'found the parseArgs options of src/cli/main.ts');
  const flags = [...block[1]!.matchAll(/^\s*'?([a-z][a-z-]*)'?:\s*\{\s*type:/gm)].map((m) => m[1]!);
  assert.ok(flags.includes('port') && flags.includes('database-url'), `parsed the flags (${flags.join(', ')})`);
  for (const flag of flags) assert.ok(doc.includes(`--${flag}`), `--${flag} is documented`);
});

test('states the default loadConfig applies for every setting with a fixed default', () => {
  const defaults: Config = loadConfig({});
  const rows = settingsByEnv();
  let checked = 0;
  for (const v of envVarsReadByConfig()) {
    // Which config key the variable sets, asked of the code itself.
    const [key] = Object.keys(configFromEnv({ [v]: 'x' })) as Array<keyof Config>;
    assert.ok(key, `${v} sets a config key`);
    const value = defaults[key];
    // Absent (unset/generated) and derived defaults (absolute data dir, URL from the port) are described in words.
    if (value === undefined || key === 'dataDir' || key === 'publicUrl') continue;
    const cell = rows.get(v)![2]!;
    assert.ok(cell.includes(`\`${String(value)}\``), `${v}: default cell '${cell}' shows \`${String(value)}\``);
    checked++;
  }
  assert.ok(checked >= 5, `checked ${checked} defaults`);
});

test('documents every field of a real request log line', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-docs-log-'));
  const config = loadConfig({ port: 0, dataDir, rootAccessKeyId: 'AKIADOCSTEST0000002', rootSecretAccessKey: 'docs-test-root-secret-key-0000000000' });
  const logger = pino({ level: 'debug', base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, sink);
  const tessera = await createTessera(config, { logger });
  try {
    // Unsigned call to a signed operation: a refusal, so the line carries a reason too.
    const res = await tessera.http.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    assert.equal(res.statusCode, 403);
  } finally {
    await tessera.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const line = lines.find((l) => l.msg === 'request');
  assert.ok(line, 'one request line was logged');
  const documented = new Set(
    tableRows(section(doc, 'Logs'))
      .filter((cells) => cells[0] !== 'Field')
      .flatMap((cells) => cells[0]!.split(',').map((f) => f.replace(/`/g, '').trim())),
  );
  for (const key of Object.keys(line)) {
    if (key === 'level' || key === 'time' || key === 'msg') continue;
    assert.ok(documented.has(key), `log field '${key}' is documented`);
  }
  for (const key of ['requestId', 'method', 'path', 'status', 'latencyMs', 'service', 'operation', 'outcome', 'reason']) {
    assert.ok(key in line, `the line has ${key}`);
  }
});
