/**
 * The guarantees identities.ts and logins.ts keep, exercised on the short paths issue 5 added
 * (the takeover guard returning the anchor without link(), link() reusing the guard's reads):
 * the guard still refuses, merges still happen, and the states a crash leaves (identities.ts
 * orders 3 and 4) still heal on the next GetCredentialsForIdentity. Crash states are written
 * straight into the real SQLite store through the storage contract.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loginId, type IdentityRecord, type LoginRecord } from '../../../src/services/cognito-identity/store.js';
import { poolFixture, type PoolFixture } from './direct-harness.js';

describe('identity-pool hot paths keep the engine guarantees', () => {
  let f: PoolFixture;
  const identities = () => f.h.storage.collection<IdentityRecord>('ci.identities');
  const logins = () => f.h.storage.collection<LoginRecord>('ci.logins');
  const getId = async (l: Record<string, string>): Promise<string> => (await f.h.call('cognito-identity:GetId', { IdentityPoolId: f.poolId, Logins: l })).IdentityId;
  const credentials = (IdentityId: string, l: Record<string, string>) => f.h.call('cognito-identity:GetCredentialsForIdentity', { IdentityId, Logins: l });

  before(async () => {
    f = await poolFixture();
  });
  after(async () => {
    await f?.close();
  });

  it('refuses credentials for an authenticated identity when the only login presented belongs to another identity', async () => {
    const x = await getId(f.login('guard-x'));
    const y = await getId(f.secondLogin('guard-y'));
    await assert.rejects(credentials(x, f.secondLogin('guard-y')), (e: Error) => e.name === 'NotAuthorizedException');
    assert.equal(await getId(f.secondLogin('guard-y')), y);
    assert.equal((await identities().get(y))?.disabled, undefined);
  });

  it('merges two authenticated identities into the older one when a login of each is presented with one id', async () => {
    const x = await getId(f.login('merge-x'));
    const y = await getId(f.secondLogin('merge-y'));
    // The survivor is the older by (createdAt, identityId), as identities.ts `older` orders them.
    const [rx, ry] = [(await identities().get(x))!, (await identities().get(y))!];
    const [survivor, loser] = rx.createdAt < ry.createdAt || (rx.createdAt === ry.createdAt && x < y) ? [x, y] : [y, x];
    const out = await credentials(x, { ...f.login('merge-x'), ...f.secondLogin('merge-y') });
    assert.equal(out.IdentityId, survivor);
    assert.equal(await getId(f.login('merge-x')), survivor);
    assert.equal(await getId(f.secondLogin('merge-y')), survivor);
    const merged = await identities().get(loser);
    assert.equal(merged?.disabled, true);
    assert.equal(merged?.mergedInto, survivor);
    for (const [key, sub] of [[f.key, 'merge-x'], [f.secondKey, 'merge-y']] as const) {
      assert.equal((await logins().get(loginId(f.poolId, key, sub)))?.identityId, survivor);
    }
  });

  it('re-lists a login its identity record lost, when that login is presented with the identity id', async () => {
    const x = await getId(f.login('relist-x'));
    await identities().update(x, (cur) => ({ ...cur, logins: [] }));
    const out = await credentials(x, f.login('relist-x'));
    assert.equal(out.IdentityId, x);
    assert.deepEqual((await identities().get(x))?.logins.map((l) => l.subject), ['relist-x']);
  });

  it('finishes a merge interrupted before the loser’s logins were re-pointed (order 4)', async () => {
    const x = await getId(f.login('crash-x'));
    const y = await getId(f.secondLogin('crash-y'));
    const yLogins = (await identities().get(y))!.logins;
    // The crash state: X lists Y's login (intent) and Y is disabled, but the login still names Y.
    await identities().update(x, (cur) => ({ ...cur, logins: [...cur.logins, ...yLogins] }));
    await identities().update(y, (cur) => ({ ...cur, disabled: true, mergedInto: x }));
    const id = loginId(f.poolId, f.secondKey, 'crash-y');
    assert.equal((await logins().get(id))?.identityId, y);

    const out = await credentials(y, f.secondLogin('crash-y'));
    assert.equal(out.IdentityId, x);
    assert.equal((await logins().get(id))?.identityId, x);
  });

  it('upgrades a guest once under 16 concurrent GetCredentialsForIdentity calls with new logins, leaving each login on that guest (R2)', async () => {
    const g = (await f.h.call('cognito-identity:GetId', { IdentityPoolId: f.poolId })).IdentityId as string;
    const calls = Array.from({ length: 16 }, (_, i) => credentials(g, i % 2 ? f.login('race-a') : { ...f.login('race-a'), ...f.secondLogin('race-b') }));
    const results = await Promise.allSettled(calls);
    for (const r of results) {
      // A call that reads the guest after another call marked it authenticated but before that call
      // created the login document meets the takeover guard (identities.ts order 3): refused, never linked elsewhere.
      if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'NotAuthorizedException', String(r.reason));
      else assert.equal(r.value.IdentityId, g);
    }
    assert.ok(results.some((r) => r.status === 'fulfilled'));
    const bLinked = results.some((r, i) => i % 2 === 0 && r.status === 'fulfilled');
    assert.equal((await logins().get(loginId(f.poolId, f.key, 'race-a')))?.identityId, g);
    assert.equal((await logins().get(loginId(f.poolId, f.secondKey, 'race-b')))?.identityId, bLinked ? g : undefined);
    const rec = (await identities().get(g))!;
    assert.equal(rec.authenticated, true);
    assert.deepEqual(rec.logins.map((l) => l.subject).sort(), bLinked ? ['race-a', 'race-b'] : ['race-a']);
  });
});
