/**
 * `tessera serve --workers 2` as a user runs it: a cluster primary and two worker processes on
 * one listener, on SQLite and on PostgreSQL. Both workers serve; root credentials are generated
 * and printed once; one new login raced over many connections (so through both workers) still
 * gets exactly one identity, because uniqueness is the database's (security.md R1); a token
 * vended by one worker is honoured by the other; SIGTERM stops every process with exit 0.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CognitoIdentityClient, CreateIdentityPoolCommand, GetIdCommand, ListIdentitiesCommand, GetCredentialsForIdentityCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startIssuer, type TestIssuer } from '../helpers/issuer.js';
import { databaseUrl, query, skipUnlessPostgres } from '../storage/pg-target.js';
import { serveCli, type RunningCli } from '../helpers/cli.js';
import { WORKER_SEMI_SPACE_MIB } from '../../src/cli/cluster.js';

function serve(args: string[]): Promise<RunningCli> {
  return serveCli(['--port', '0', '--host', '127.0.0.1', ...args], {}, 30_000);
}

/** Pids of the processes whose parent is `pid` (the workers of a cluster primary). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Request log lines (JSON) of one operation, from the processes' shared stdout. */
function requestLines(stdout: string, operation: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === 'request' && l.operation === operation);
}

function suite(backend: 'sqlite' | 'postgres', skip: () => Promise<string | false>) {
  describe(`tessera serve --workers 2 on ${backend}`, async () => {
    const skipped = await skip();
    let issuer: TestIssuer;
    let server: RunningCli;
    let dataDir: string;
    let credentials: { accessKeyId: string; secretAccessKey: string };
    // A new TCP connection per request: the primary hands connections to the workers in turn.
    const agent = new http.Agent({ keepAlive: false, maxSockets: 64 });
    const dbName = `tessera_cluster_${randomBytes(5).toString('hex')}`;
    const clients: Array<{ destroy(): void }> = [];
    const client = <C extends { destroy(): void }>(c: C) => (clients.push(c), c);

    before(async () => {
      if (skipped) return;
      issuer = await startIssuer();
      dataDir = mkdtempSync(join(tmpdir(), 'tessera-cluster-'));
      const args = ['--workers', '2', '--data-dir', dataDir];
      if (backend === 'postgres') {
        await query(`create database ${dbName}`);
        args.push('--database-url', new URL(databaseUrl).toString().replace(/\/[^/]*$/, `/${dbName}`));
      }
      server = await serve(args);
      credentials = JSON.parse(readFileSync(join(dataDir, 'root-credentials.json'), 'utf8'));
    });
    after(async () => {
      for (const c of clients) c.destroy();
      agent.destroy();
      if (server && server.child.exitCode === null) {
        server.child.kill('SIGKILL');
        await server.exit;
      }
      await issuer?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (backend === 'postgres' && !skipped) await query(`drop database if exists ${dbName} with (force)`);
    });

    const sdk = { endpoint: '', region: 'us-east-1', requestHandler: { httpAgent: agent } };

    it('starts two workers behind one port and prints the generated root credentials once', { skip: skipped }, () => {
      const workers = childrenOf(server.child.pid!);
      assert.equal(workers.length, 2, 'the primary has two worker processes');
      // Each worker runs with the young-generation cap (src/cli/cluster.ts WORKER_SEMI_SPACE_MIB).
      for (const pid of workers) {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        assert.ok(argv.includes(`--max-semi-space-size=${WORKER_SEMI_SPACE_MIB}`), `worker ${pid} runs with ${argv.join(' ')}`);
      }
      assert.equal(server.stderr().match(/AWS_SECRET_ACCESS_KEY=/g)?.length, 1, `printed once:\n${server.stderr()}`);
      assert.match(server.stderr(), /2 worker processes/);
      assert.ok(server.stderr().includes(credentials.secretAccessKey));
    });

    it('gives one new login raced through both workers exactly one identity, and honours credentials across workers', { skip: skipped }, async () => {
      const iam = client(new IAMClient({ ...sdk, endpoint: server.url, credentials }));
      const admin = client(new CognitoIdentityClient({ ...sdk, endpoint: server.url, credentials }));
      const pub = client(new CognitoIdentityClient({ ...sdk, endpoint: server.url, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } }));
      const provider = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ['my-app'], ThumbprintList: [issuer.thumbprint] }));
      const pool = await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'cluster', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [provider.OpenIDConnectProviderArn!] }));
      const poolId = pool.IdentityPoolId!;
      const role = await iam.send(
        new CreateRoleCommand({
          RoleName: 'cluster-auth',
          AssumeRolePolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': poolId } } }],
          }),
        }),
      );
      await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: role.Role!.Arn! } }));

      const key = issuer.url.slice('https://'.length);
      const identityOf: string[] = [];
      for (let round = 0; round < 3; round++) {
        const token = issuer.sign(issuer.claims({ sub: `racer-${round}`, aud: 'my-app' }));
        const results = await Promise.allSettled(Array.from({ length: 48 }, () => pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [key]: token } }))));
        const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.deepEqual(failures.map((f) => String(f.reason)), [], 'no call failed');
        const ids = new Set(results.map((r) => (r as PromiseFulfilledResult<{ IdentityId?: string }>).value.IdentityId));
        assert.equal(ids.size, 1, `round ${round}: one identity for one login, got ${[...ids].join(', ')}`);
        identityOf.push([...ids][0]!);
      }
      const listed = await admin.send(new ListIdentitiesCommand({ IdentityPoolId: poolId, MaxResults: 60 }));
      assert.equal(listed.Identities?.length, 3, 'three logins, three identities in the store');

      // Both workers answered GetId (the request log names the worker).
      await server.untilStdout((out) => requestLines(out, 'GetId').length >= 144);
      const workers = new Set(requestLines(server.stdout(), 'GetId').map((l) => l.worker));
      assert.equal(workers.size, 2, `GetId was served by both workers (${[...workers].join(', ')})`);

      // Credentials vended by whichever worker took the call sign requests any worker accepts.
      const token = issuer.sign(issuer.claims({ sub: 'racer-0', aud: 'my-app' }));
      const identityId = identityOf[0]!;
      assert.deepEqual(new Set(listed.Identities!.map((i) => i.IdentityId)), new Set(identityOf));
      const creds = await pub.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: { [key]: token } }));
      const sts = client(
        new STSClient({
          ...sdk,
          endpoint: server.url,
          credentials: { accessKeyId: creds.Credentials!.AccessKeyId!, secretAccessKey: creds.Credentials!.SecretKey!, sessionToken: creds.Credentials!.SessionToken! },
        }),
      );
      const arns = await Promise.all(Array.from({ length: 8 }, () => sts.send(new GetCallerIdentityCommand({}))));
      for (const me of arns) assert.match(me.Arn!, /^arn:aws:sts::000000000000:assumed-role\/cluster-auth\/CognitoIdentityCredentials$/);
      await server.untilStdout((out) => requestLines(out, 'GetCallerIdentity').length >= 8);
      assert.equal(new Set(requestLines(server.stdout(), 'GetCallerIdentity').map((l) => l.worker)).size, 2, 'both workers honoured the vended credentials');
    });

    // A worker that outlived the primary would keep the wait below going: the timeout only turns
    // that hang into a failure, it decides nothing on a run that works.
    it('stops the primary and every worker with exit 0 on SIGTERM', { skip: skipped, timeout: 120_000 }, async () => {
      const workers = childrenOf(server.child.pid!);
      assert.equal(workers.length, 2);
      server.child.kill('SIGTERM');
      assert.equal(await server.exit, 0);
      // The primary exits once it has seen each worker exit; the kernel may take a moment to reap.
      while (workers.some(alive)) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(workers.filter(alive), [], 'no worker outlives the primary');
    });
  });
}

suite('sqlite', async () => false);
suite('postgres', skipUnlessPostgres);

describe('tessera serve --workers 2 when storage cannot be opened', () => {
  it('stops with exit 1 after the first worker fails, without forking the others', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cluster-'));
    try {
      // Port 1 on loopback refuses at once: the first worker cannot open storage (nor migrate).
      const started = serve(['--workers', '2', '--data-dir', dataDir, '--database-url', 'postgres://postgres@127.0.0.1:1/test']);
      const err = await started.then(
        () => assert.fail('the server reported listening'),
        (e: Error) => e.message,
      );
      assert.match(err, /exited with 1 before listening/);
      assert.equal(err.match(/failed to start/g)?.length, 1, `one worker was started, and it failed:\n${err}`);
      assert.match(err, /ECONNREFUSED|connect/i);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
