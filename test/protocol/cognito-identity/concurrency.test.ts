/**
 * security.md R1/R2 on both backends: 64 concurrent GetId for one new login yield exactly one
 * identity; concurrent GetId with {A}, {B}, {A,B} leave every login on exactly one identity and
 * A and B together. PostgreSQL runs in a dedicated, freshly created database.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { CreateIdentityPoolCommand, DescribeIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { CreateOpenIDConnectProviderCommand } from '@aws-sdk/client-iam';
import { startIssuer } from '../../helpers/issuer.js';
import { databaseUrl, skipUnlessPostgres } from '../../storage/pg-target.js';
import { fixture, type Fixture } from './setup.js';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function suite(backend: 'sqlite' | 'postgres', skip: string | false) {
  describe(`concurrent identity creation on ${backend}`, { skip }, () => {
    let f: Fixture;
    let poolId: string;
    let secondKey: string;
    let secondSign: (sub: string) => string;
    let closeSecond: () => Promise<void>;
    const dbName = `tessera_ci_${randomBytes(5).toString('hex')}`;

    before(async () => {
      let url: string | undefined;
      if (backend === 'postgres') {
        await admin(`create database ${dbName}`);
        url = new URL(databaseUrl).toString().replace(/\/[^/]*$/, `/${dbName}`);
      }
      f = await fixture(url ? { databaseUrl: url } : {});
      const second = await startIssuer({ path: '/b' });
      closeSecond = () => second.close();
      secondKey = second.url.slice('https://'.length);
      secondSign = (sub) => second.sign(second.claims({ sub, aud: 'my-app' }));
      const p2 = await f.iam.send(new CreateOpenIDConnectProviderCommand({ Url: second.url, ClientIDList: ['my-app'], ThumbprintList: [second.thumbprint] }));
      const pool = await f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'race', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [f.providerArn, p2.OpenIDConnectProviderArn!] }));
      poolId = pool.IdentityPoolId!;
    });
    after(async () => {
      await f?.close();
      await closeSecond?.();
      if (backend === 'postgres') await admin(`drop database if exists ${dbName} with (force)`);
    });

    it('gives 64 concurrent GetId calls for one new login exactly one identity, with no 5xx (R1)', async () => {
      for (let round = 0; round < 3; round++) {
        const token = f.token(`racer-${round}`);
        const results = await Promise.allSettled(Array.from({ length: 64 }, () => f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [f.providerKey]: token } }))));
        const failures = results.filter((r) => r.status === 'rejected');
        assert.equal(failures.length, 0, String((failures[0] as PromiseRejectedResult | undefined)?.reason));
        const ids = new Set(results.map((r) => (r as PromiseFulfilledResult<{ IdentityId?: string }>).value.IdentityId));
        assert.equal(ids.size, 1, `round ${round}: ${ids.size} identities`);
      }
    });

    it('keeps every login on exactly one identity under concurrent {A}, {B}, {A,B} (R2)', async () => {
      for (let round = 0; round < 5; round++) {
        const a = { [f.providerKey]: f.token(`a-${round}`) };
        const b = { [secondKey]: secondSign(`b-${round}`) };
        const calls = [a, b, { ...a, ...b }, a, b, { ...a, ...b }].map((logins) => f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins })));
        const results = await Promise.allSettled(calls);
        for (const r of results) assert.equal(r.status, 'fulfilled', String((r as PromiseRejectedResult).reason));
        const idA = (await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: a }))).IdentityId!;
        const idB = (await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: b }))).IdentityId!;
        assert.equal(idA, idB, `round ${round}: A and B were supplied together but live on different identities`);
        const described = await f.admin.send(new DescribeIdentityCommand({ IdentityId: idA }));
        assert.deepEqual([...described.Logins!].sort(), [f.providerKey, secondKey].sort());
      }
    });
  });
}

suite('sqlite', false);
suite('postgres', await skipUnlessPostgres());
