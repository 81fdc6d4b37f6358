/**
 * `tessera serve` as a user runs it: flags, generated root credentials printed once and kept in
 * the data dir, /health, the newcomer's page, one structured log line per request, and a clean
 * drain on SIGTERM.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { repoRoot } from '../helpers/paths.js';
import { serveCli } from '../helpers/cli.js';

const serve = serveCli;

describe('tessera serve', () => {
  it('generates root credentials once, prints them once, answers /health and / and drains on SIGTERM', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));

    const first = await serve(['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir]);
    try {
      const printed = /AWS_ACCESS_KEY_ID=(\S+)\n\s*AWS_SECRET_ACCESS_KEY=(\S+)/.exec(first.stderr());
      assert.ok(printed, `credentials printed on first start:\n${first.stderr()}`);
      const file = join(dataDir, 'root-credentials.json');
      assert.ok(existsSync(file));
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      assert.equal(saved.accessKeyId, printed[1]);
      assert.equal(saved.secretAccessKey, printed[2]);

      const health = await fetch(`${first.url}/health`);
      assert.equal(health.status, 200);
      const page = await fetch(`${first.url}/`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /Tessera is running/);
      assert.match(html, new RegExp(saved.accessKeyId));
      assert.doesNotMatch(html, new RegExp(saved.secretAccessKey.replace(/[+/]/g, '.')));

      const sts = new STSClient({ endpoint: first.url, region: 'us-east-1', credentials: { accessKeyId: saved.accessKeyId, secretAccessKey: saved.secretAccessKey } });
      const me = await sts.send(new GetCallerIdentityCommand({}));
      sts.destroy();
      assert.equal(me.Arn, 'arn:aws:iam::000000000000:root');

      // One JSON line per request with request id, operation, outcome and latency. The line is
      // written when the response has finished, so it may trail the client's answer a little.
      await first.untilStdout((out) => out.includes('GetCallerIdentity'));
      const lines = first.stdout().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const call = lines.find((l) => l.operation === 'GetCallerIdentity');
      assert.ok(call, `a log line for GetCallerIdentity in:\n${first.stdout()}`);
      assert.equal(call.service, 'sts');
      assert.equal(call.outcome, 'ok');
      assert.equal(call.status, 200);
      assert.match(call.requestId, /^[0-9a-f-]{36}$/);
      assert.equal(typeof call.latencyMs, 'number');
    } finally {
      first.child.kill('SIGTERM');
    }
    assert.equal(await first.exit, 0);

    // Second start: the same credentials, from the data dir, and the secret is not printed again.
    const second = await serve(['--port', '0', '--data-dir', dataDir]);
    try {
      assert.doesNotMatch(second.stderr(), /AWS_SECRET_ACCESS_KEY=/);
      assert.match(second.stderr(), /from the data dir/);
    } finally {
      second.child.kill('SIGTERM');
    }
    assert.equal(await second.exit, 0);
  });

  it('finishes an in-flight request before exiting on SIGTERM', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const running = await serve(['--port', '0', '--data-dir', dataDir], {
      TESSERA_ROOT_ACCESS_KEY_ID: 'AKIACLITEST000000001',
      TESSERA_ROOT_SECRET_ACCESS_KEY: 'cli-test-secret-cli-test-secret-00000000',
    });
    // A slow upload: the request is in flight when SIGTERM arrives, and still gets its answer.
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const { request } = await import('node:http');
    const u = new URL(running.url);
    const answer = new Promise<number>((resolve, reject) => {
      const req = request({ host: u.hostname, port: u.port, method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        running.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });
    // Unsigned GetCallerIdentity is refused (403), but it is answered, not dropped.
    assert.equal(await answer, 403);
    assert.equal(await running.exit, 0);
  });

  it('refuses bad flags and configuration with exit code 2 and every problem listed', async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'tessera.mjs'), 'serve', '--port', 'abc', '--database-url', 'mysql://x'], {
      env: { ...process.env, TESSERA_ACCOUNT_ID: '12', TESSERA_PASSWORD_MEMO_SECONDS: '3601' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 2);
    assert.match(err, /port must be an integer/);
    assert.match(err, /database URL must start with postgres/);
    assert.match(err, /account id must be 12 digits/);
    assert.match(err, /password memo seconds must be an integer 0\.\.3600, got '3601'/);
  });
});
