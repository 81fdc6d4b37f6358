import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { isServiceError } from '../../../src/errors/index.js';
import { openStorage } from '../../../src/storage/index.js';
import type { Collection, Storage } from '../../../src/storage/contract.js';
import { createIamDirectory } from '../../../src/services/iam/directory.js';
import { iamOperations } from '../../../src/services/iam/index.js';
import type { OperationContext } from '../../../src/wire/operation.js';
import { ACCOUNT, allow, openHarness, trust, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await openHarness();
});
after(async () => {
  await h?.close();
});

test('a recreated role does not inherit inline policies or attachments left under its name', async () => {
  await h.call('CreateRole', { RoleName: 'Phoenix', AssumeRolePolicyDocument: trust });
  const old = await h.storage.collection<{ roleId: string }>('iam.roles').get('phoenix');
  await h.call('DeleteRole', { RoleName: 'Phoenix' });
  // Leftovers of the deleted role, as a lost race would leave them.
  await h.storage.collection('iam.role-policies').create('phoenix/leftover', { roleName: 'Phoenix', roleId: old!.roleId, policyName: 'leftover', document: allow('*') });
  await h.call('CreateRole', { RoleName: 'phoenix', AssumeRolePolicyDocument: trust });
  const dir = createIamDirectory(h.storage, ACCOUNT);
  assert.deepEqual(await dir.getRolePolicyDocuments('Phoenix'), []);
  assert.deepEqual((await h.call('ListRolePolicies', { RoleName: 'Phoenix' })).PolicyNames, []);
  await assert.rejects(h.call('GetRolePolicy', { RoleName: 'Phoenix', PolicyName: 'leftover' }), (e: unknown) => isServiceError(e) && e.code === 'NoSuchEntity');
});

/** Storage that runs `hook` around one method of one collection, to stage a race deterministically. */
function racingStorage(inner: Storage, collection: string, method: 'createIfAbsent' | 'delete', when: 'before' | 'after', hook: () => Promise<void>): Storage {
  return {
    kind: inner.kind,
    createIfAbsentInOrder: (entries, options) => inner.createIfAbsentInOrder(entries, options),
    ping: () => inner.ping(),
    close: () => inner.close(),
    collection<T>(name: string): Collection<T> {
      const c = inner.collection<T>(name);
      if (name !== collection) return c;
      const wrapped: Collection<T> = {
        create: (id, doc) => c.create(id, doc),
        createIfAbsent: (id, doc) => c.createIfAbsent(id, doc),
        get: (id) => c.get(id),
        list: (o) => c.list(o),
        count: (p) => c.count(p),
        update: (id, u) => c.update(id, u),
        delete: (id) => c.delete(id),
      };
      const original = wrapped[method] as (...a: unknown[]) => Promise<unknown>;
      (wrapped as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
        if (when === 'before') await hook();
        const r = await original(...args);
        if (when === 'after') await hook();
        return r;
      };
      return wrapped;
    },
  };
}

async function withRace(collection: string, method: 'createIfAbsent' | 'delete', when: 'before' | 'after', hook: (inner: Storage) => Promise<void>, body: (call: (name: string, input: object) => Promise<unknown>, inner: Storage) => Promise<void>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-iam-race-'));
  const inner = await openStorage({ dataDir });
  try {
    const storage = racingStorage(inner, collection, method, when, () => hook(inner));
    const ops = new Map(iamOperations({ storage, accountId: ACCOUNT }).map((o) => [o.name, o]));
    const ctx = { requestId: 'r', principal: undefined, now: new Date(), sourceIp: '127.0.0.1', region: 'us-east-1', accountId: ACCOUNT, log: pino({ level: 'silent' }), requestContext: {} } as OperationContext;
    await body((name, input) => ops.get(name)!.handler(input, ctx), inner);
  } finally {
    await inner.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test('PutRolePolicy undoes its write and answers NoSuchEntity when the role is deleted meanwhile', async () => {
  await withRace('iam.role-policies', 'createIfAbsent', 'after', async (inner) => {
    await inner.collection('iam.roles').delete('racer');
  }, async (call, inner) => {
    await call('CreateRole', { RoleName: 'Racer', AssumeRolePolicyDocument: trust });
    await assert.rejects(call('PutRolePolicy', { RoleName: 'Racer', PolicyName: 'p', PolicyDocument: allow('s3:*') }), (e: unknown) => isServiceError(e) && e.code === 'NoSuchEntity');
    assert.equal(await inner.collection('iam.role-policies').count('racer/'), 0);
  });
});

test('DeleteRole sweeps an inline policy written after its emptiness checks', async () => {
  let armed = false;
  await withRace('iam.roles', 'delete', 'before', async (inner) => {
    if (armed) await inner.collection('iam.role-policies').create('late/p', { roleName: 'Late', roleId: 'x', policyName: 'p', document: allow('*') });
  }, async (call, inner) => {
    await call('CreateRole', { RoleName: 'Late', AssumeRolePolicyDocument: trust });
    armed = true;
    await call('DeleteRole', { RoleName: 'Late' });
    assert.equal(await inner.collection('iam.role-policies').count('late/'), 0);
  });
});
