/**
 * docs/configuration.md against the code: every TESSERA_* variable src/config reads, every flag
 * the CLI parses, the defaults loadConfig applies, the fields of a real request log line, and
 * the admin endpoint and log lines that stand in for mail (a real sign-up on a real server).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
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

/** The admin route as the doc spells it (`GET /_tessera/…/<userPoolId>/…/<username>/codes`). */
function documentedCodesRoute(): string {
  const m = /`GET (\/_tessera\/[^`]*\/codes)`/.exec(section(doc, 'Admin endpoint'));
  assert.ok(m, 'the Admin endpoint section names the codes route');
  return m[1]!;
}

test('says that no mail is sent and where codes go instead', () => {
  const text = section(doc, 'Mail and SMS');
  assert.match(text, /sends no mail and no SMS/);
  for (const field of ['userPoolId', 'username', 'purpose', 'code', 'temporaryPassword']) assert.ok(text.includes(`\`${field}\``), `names the log field ${field}`);
});

test('the documented admin endpoint returns a sign-up code that was also logged, and refuses callers without root credentials', async () => {
  const logged: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l.trim()) logged.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-docs-admin-'));
  const root = { accessKeyId: 'AKIADOCSADMIN000001', secretAccessKey: 'docs-admin-root-secret-key-00000000000' };
  const config = loadConfig({ port: 0, dataDir, rootAccessKeyId: root.accessKeyId, rootSecretAccessKey: root.secretAccessKey });
  const tessera = await createTessera(config, { logger: pino({ level: 'info', base: undefined }, sink) });
  try {
    const { url } = await tessera.listen();
    const idp = new CognitoIdentityProviderClient({ endpoint: url, region: config.region, credentials: root, maxAttempts: 1 });
    const pool = (await idp.send(new CreateUserPoolCommand({ PoolName: 'docs', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
    const client = (await idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool, ClientName: 'docs' }))).UserPoolClient!.ClientId!;
    await idp.send(new SignUpCommand({ ClientId: client, Username: 'alice', Password: 'Docs-Passw0rd!', UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }] }));
    idp.destroy();

    const path = documentedCodesRoute().replace('<userPoolId>', pool).replace('<username>', 'alice');
    const basic = `Basic ${Buffer.from(`${root.accessKeyId}:${root.secretAccessKey}`).toString('base64')}`;
    const wrong = `Basic ${Buffer.from(`${root.accessKeyId}:not-the-secret`).toString('base64')}`;
    for (const authorization of [undefined, wrong]) {
      const refused = await fetch(`${url}${path}`, { headers: authorization ? { authorization } : {} });
      assert.equal(refused.status, 401);
      assert.equal(refused.headers.get('www-authenticate'), 'Basic realm="tessera-admin"');
    }
    const res = await fetch(`${url}${path}`, { headers: { authorization: basic } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { codes: Array<{ purpose: string; code: string; issuedAt: number; expiresAt: number }> };
    assert.equal(body.codes.length, 1);
    const [entry] = body.codes;
    assert.equal(entry!.purpose, 'signup');
    assert.match(entry!.code, /^\d{6}$/, 'a 6-digit code');
    assert.equal(entry!.expiresAt - entry!.issuedAt, 24 * 3600, 'valid 24 hours, as documented');

    const line = logged.find((l) => l.code !== undefined);
    assert.ok(line, 'the code was logged');
    assert.equal(line.level, 30, 'at level info');
    assert.deepEqual({ userPoolId: line.userPoolId, username: line.username, purpose: line.purpose, code: line.code }, { userPoolId: pool, username: 'alice', purpose: 'signup', code: entry!.code });
  } finally {
    await tessera.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
