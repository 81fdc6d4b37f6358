/**
 * Two Tessera nodes on one database, on SQLite (one data dir) and on PostgreSQL: a user's key
 * made Inactive or deleted through one node is refused by the other at its very next request
 * (keys are read from storage on every request, never cached), and CreateAccessKey raced through
 * both nodes makes at most two keys, because the limit is the database's primary key (two slots
 * per user), not a read-then-write; CreateUser raced likewise makes one user.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CreateAccessKeyCommand, CreateUserCommand, DeleteAccessKeyCommand, IAMClient, ListAccessKeysCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { databaseUrl, query, skipUnlessPostgres } from '../storage/pg-target.js';

function suite(backend: 'sqlite' | 'postgres', skip: () => Promise<string | false>) {
  describe(`access keys across two nodes on ${backend}`, async () => {
    const skipped = await skip();
    let a: TestServer;
    let b: TestServer;
    let dataDir: string;
    const dbName = `tessera_keys_${randomBytes(5).toString('hex')}`;
    const clients: Array<{ destroy(): void }> = [];
    const sts = (server: TestServer, credentials: { accessKeyId: string; secretAccessKey: string }) => {
      const c = new STSClient({ endpoint: server.url, region: server.region, credentials, maxAttempts: 1 });
      clients.push(c);
      return c;
    };
    const iam = (server: TestServer) => {
      const c = new IAMClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials, maxAttempts: 1 });
      clients.push(c);
      return c;
    };

    before(async () => {
      if (skipped) return;
      dataDir = mkdtempSync(join(tmpdir(), 'tessera-keys-nodes-'));
      const shared = backend === 'postgres' ? { databaseUrl: new URL(databaseUrl).toString().replace(/\/[^/]*$/, `/${dbName}`) } : {};
      if (backend === 'postgres') await query(`create database ${dbName}`);
      a = await startTestServer({ dataDir, ...shared });
      b = await startTestServer({ dataDir, ...shared });
    });
    after(async () => {
      for (const c of clients) c.destroy();
      await a?.close();
      await b?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (backend === 'postgres' && !skipped) await query(`drop database if exists ${dbName} with (force)`);
    });

    it('refuses a key on one node from the request after it was made Inactive or deleted on the other', { skip: skipped }, async () => {
      await iam(a).send(new CreateUserCommand({ UserName: 'worker' }));
      const key = (await iam(a).send(new CreateAccessKeyCommand({ UserName: 'worker' }))).AccessKey!;
      const creds = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
      assert.equal((await sts(b, creds).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${b.accountId}:user/worker`);
      await iam(a).send(new UpdateAccessKeyCommand({ UserName: 'worker', AccessKeyId: creds.accessKeyId, Status: 'Inactive' }));
      await assert.rejects(sts(b, creds).send(new GetCallerIdentityCommand({})), (e: Error) => e.name === 'InvalidClientTokenId');
      await iam(b).send(new UpdateAccessKeyCommand({ UserName: 'worker', AccessKeyId: creds.accessKeyId, Status: 'Active' }));
      assert.ok(await sts(a, creds).send(new GetCallerIdentityCommand({})));
      await iam(b).send(new DeleteAccessKeyCommand({ UserName: 'worker', AccessKeyId: creds.accessKeyId }));
      await assert.rejects(sts(a, creds).send(new GetCallerIdentityCommand({})), (e: Error) => e.name === 'InvalidClientTokenId');
    });

    it('makes at most two keys when CreateAccessKey is raced through both nodes; the others are LimitExceeded', { skip: skipped }, async () => {
      await iam(a).send(new CreateUserCommand({ UserName: 'raced' }));
      const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => iam(i % 2 ? a : b).send(new CreateAccessKeyCommand({ UserName: 'raced' }))));
      const created = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(created.length, 2);
      for (const r of refused) assert.equal((r.reason as Error).name, 'LimitExceededException', String(r.reason));
      const listed = await iam(b).send(new ListAccessKeysCommand({ UserName: 'raced' }));
      assert.equal(listed.AccessKeyMetadata!.length, 2);
    });

    it('makes exactly one user when CreateUser of one name (in any case) is raced through both nodes; the others are EntityAlreadyExists', { skip: skipped }, async () => {
      const names = ['Racer', 'racer', 'RACER', 'rAcEr', 'Racer', 'racer'];
      const results = await Promise.allSettled(names.map((n, i) => iam(i % 2 ? a : b).send(new CreateUserCommand({ UserName: n }))));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'EntityAlreadyExistsException', String(r.reason));
    });
  });
}

suite('sqlite', async () => false);
suite('postgres', skipUnlessPostgres);
