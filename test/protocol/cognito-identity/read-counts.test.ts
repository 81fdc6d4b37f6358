/**
 * Storage reads per identity-pool hot-path call (issue 5; bench/results/2026-11-23-analysis.md
 * item 3), counted over real SQLite by direct-harness.ts. Each measured call is preceded by an
 * identical warm-up call, so the figures are the steady state (JWKS fetched, signing keys loaded).
 *
 * Budget for an identity with one linked OIDC login (before issue 5: 4, 9 and 8):
 *   GetId                     4 = ci.pools, iam.oidc-providers, ci.logins, ci.identities
 *   GetOpenIdToken            4 = ci.identities, ci.pools, iam.oidc-providers, ci.logins
 *   GetCredentialsForIdentity 5 = the four above + iam.roles
 * and no document is read twice within one request.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { poolFixture, repeatedReads, type Harness, type PoolFixture } from './direct-harness.js';

describe('storage reads on the identity-pool hot paths (SQLite)', () => {
  let f: PoolFixture;
  let h: Harness;
  let poolId: string;
  let key: string;
  const login = (sub: string) => f.login(sub);
  const secondLogin = (sub: string) => f.secondLogin(sub);

  before(async () => {
    f = await poolFixture();
    ({ h, poolId, key } = f);
  });
  after(async () => {
    await f?.close();
  });

  it('GetId for a login already linked reads 4 documents and writes none', async () => {
    const first = await h.call('cognito-identity:GetId', { IdentityPoolId: poolId, Logins: login('getid-user') });
    const m = await h.measure('cognito-identity:GetId', () => ({ IdentityPoolId: poolId, Logins: login('getid-user') }));
    assert.equal(m.out.IdentityId, first.IdentityId);
    assert.deepEqual(m.writes, [], JSON.stringify(m.summary));
    assert.equal(m.reads.length, 4, JSON.stringify(m.summary));
    assert.deepEqual(repeatedReads(m.reads), []);
  });

  it('GetId for a new login reads only the pool, the provider and the login, and writes login, index entry and record once each', async () => {
    await h.call('cognito-identity:GetId', { IdentityPoolId: poolId, Logins: login('first-warmup') });
    h.storage.reset();
    const out = await h.call('cognito-identity:GetId', { IdentityPoolId: poolId, Logins: login('first-signin-user') });
    assert.deepEqual(
      h.storage.summary(),
      { 'ci.pools.get': 1, 'iam.oidc-providers.get': 1, 'ci.logins.get': 1, 'ci.logins.createIfAbsent': 1, 'ci.pool-identities.createIfAbsent': 1, 'ci.identities.createIfAbsent': 1 },
      JSON.stringify(h.storage.calls),
    );
    const described = await h.call('cognito-identity:DescribeIdentity', { IdentityId: out.IdentityId });
    assert.deepEqual(described.Logins, [key]);
    const listed = await h.call('cognito-identity:ListIdentities', { IdentityPoolId: poolId, MaxResults: 60 });
    assert.ok(listed.Identities.some((i: { IdentityId: string }) => i.IdentityId === out.IdentityId));
  });

  it('GetCredentialsForIdentity for an identity with one linked login reads 5 documents, each once, and writes none', async () => {
    const { IdentityId } = await h.call('cognito-identity:GetId', { IdentityPoolId: poolId, Logins: login('gcfi-user') });
    const m = await h.measure('cognito-identity:GetCredentialsForIdentity', () => ({ IdentityId, Logins: login('gcfi-user') }));
    assert.equal(m.out.IdentityId, IdentityId);
    assert.match(m.out.Credentials.AccessKeyId, /^ASIA/);
    assert.deepEqual(m.writes, [], JSON.stringify(m.summary));
    assert.deepEqual(m.summary, { 'ci.identities.get': 1, 'ci.pools.get': 1, 'iam.oidc-providers.get': 1, 'ci.logins.get': 1, 'iam.roles.get': 1 });
    assert.deepEqual(repeatedReads(m.reads), []);
  });

  it('GetOpenIdToken for an identity with one linked login reads 4 documents, each once, and writes none', async () => {
    const { IdentityId } = await h.call('cognito-identity:GetId', { IdentityPoolId: poolId, Logins: login('goit-user') });
    const m = await h.measure('cognito-identity:GetOpenIdToken', () => ({ IdentityId, Logins: login('goit-user') }));
    assert.equal(m.out.IdentityId, IdentityId);
    assert.equal(typeof m.out.Token, 'string');
    assert.deepEqual(m.writes, [], JSON.stringify(m.summary));
    assert.deepEqual(m.summary, { 'ci.identities.get': 1, 'ci.pools.get': 1, 'iam.oidc-providers.get': 1, 'ci.logins.get': 1 });
    assert.deepEqual(repeatedReads(m.reads), []);
  });

  it('GetCredentialsForIdentity presenting an owned login plus a new one links the new login without re-reading a document', async () => {
    const { IdentityId } = await h.call('cognito-identity:GetId', { IdentityPoolId: poolId, Logins: login('pair-user') });
    h.storage.reset();
    const out = await h.call('cognito-identity:GetCredentialsForIdentity', { IdentityId, Logins: { ...login('pair-user'), ...secondLogin('pair-user-b') } });
    assert.equal(out.IdentityId, IdentityId);
    assert.deepEqual(repeatedReads(h.storage.reads()), [], JSON.stringify(h.storage.calls));
    const again = await h.call('cognito-identity:GetId', { IdentityPoolId: poolId, Logins: secondLogin('pair-user-b') });
    assert.equal(again.IdentityId, IdentityId);
  });

  it('GetCredentialsForIdentity upgrading a guest with its first login reads the guest identity once', async () => {
    const guest = await h.call('cognito-identity:GetId', { IdentityPoolId: poolId });
    h.storage.reset();
    const out = await h.call('cognito-identity:GetCredentialsForIdentity', { IdentityId: guest.IdentityId, Logins: login('upgrade-user') });
    assert.equal(out.IdentityId, guest.IdentityId);
    const identityReads = h.storage.reads().filter((r) => r.collection === 'ci.identities');
    assert.deepEqual(identityReads.map((r) => r.id), [guest.IdentityId], JSON.stringify(h.storage.calls));
    const described = await h.call('cognito-identity:DescribeIdentity', { IdentityId: guest.IdentityId });
    assert.deepEqual(described.Logins, [key]);
  });
});
