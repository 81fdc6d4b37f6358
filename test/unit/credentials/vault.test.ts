import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Refusal } from '../../../src/errors/index.js';
import { createCredentialVault, generateRootCredentials, type MintClaims } from '../../../src/credentials/index.js';
import { createMemoryStorage } from './memory-storage.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const claims: MintClaims = {
  accountId: '123456789012',
  roleArn: 'arn:aws:iam::123456789012:role/app/Reader',
  roleId: 'AROAEXAMPLEROLEID0001',
  roleName: 'Reader',
  sessionName: 'alice',
  sessionPolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
  tags: { Project: 'Blue', 'cost-center': 'x1' },
  transitiveTagKeys: ['Project'],
  federated: { provider: 'idp.example.com', claims: { sub: 'u-1', amr: ['authenticated'] } },
  via: 'AssumeRoleWithWebIdentity',
};

function setup(start = T0) {
  let now = start.getTime();
  const clock = () => new Date(now);
  const storage = createMemoryStorage();
  return { storage, clock, advance: (ms: number) => (now += ms), set: (d: Date) => (now = d.getTime()), vault: createCredentialVault({ storage, clock }) };
}

const refusedAs = (kind: string, check: string) => (e: unknown) => {
  assert.ok(e instanceof Refusal, `expected a Refusal, got ${String(e)}`);
  assert.equal(e.kind, kind);
  assert.equal(e.reason.check, check);
  return true;
};

test('mints ASIA credentials whose session token opens to the same claims', async () => {
  const { vault } = setup();
  const minted = await vault.mint(claims, 3600);
  assert.match(minted.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
  assert.match(minted.secretAccessKey, /^[A-Za-z0-9+/]{40}$/);
  assert.match(minted.sessionToken, /^TSR1\.\d{6}\.[A-Za-z0-9_-]+$/);
  assert.equal(minted.expiration.toISOString(), '2026-03-01T13:00:00.000Z');
  assert.deepEqual(minted.claims, { ...claims, v: 1, accessKeyId: minted.accessKeyId, secretAccessKey: minted.secretAccessKey, issuedAt: T0.getTime() / 1000, expiresAt: T0.getTime() / 1000 + 3600 });
  const opened = await vault.open(minted.accessKeyId, minted.sessionToken);
  assert.deepEqual(opened, minted.claims);
});

test('keeps the session token compact and free of plaintext claims', async () => {
  const { vault } = setup();
  const minted = await vault.mint({ accountId: '123456789012', roleArn: 'arn:aws:iam::123456789012:role/R', roleId: 'AROAEXAMPLE', roleName: 'R', sessionName: 's', via: 'AssumeRole' }, 900);
  assert.ok(minted.sessionToken.length < 400, `token is ${minted.sessionToken.length} chars`);
  assert.ok(!Buffer.from(minted.sessionToken.split('.')[2]!, 'base64url').toString('latin1').includes('123456789012'));
});

test('refuses a session token with any single character changed', async () => {
  const { vault } = setup();
  const minted = await vault.mint(claims, 3600);
  const t = minted.sessionToken;
  for (let i = 0; i < t.length; i++) {
    const replacement = t[i] === 'A' ? 'B' : 'A';
    const tampered = t.slice(0, i) + replacement + t.slice(i + 1);
    await assert.rejects(vault.open(minted.accessKeyId, tampered), (e: unknown) => e instanceof Refusal && e.kind === 'InvalidClientTokenId' && e.reason.check.startsWith('session-token.'), `position ${i}`);
  }
});

test('refuses truncated, extended and foreign session tokens', async () => {
  const { vault } = setup();
  const minted = await vault.mint(claims, 3600);
  const t = minted.sessionToken;
  for (const bad of [t.slice(0, -1), t.slice(0, 20), t + 'A', 'TSR1.', '', 'IQoJb3JpZ2luX2VjEXAMPLE', t.replace('TSR1.', 'TSR2.'), `${t}.extra`]) {
    // Depending on where the cut falls the body is non-canonical base64url (format) or fails the seal.
    await assert.rejects(vault.open(minted.accessKeyId, bad), (e: unknown) =>
      e instanceof Refusal && e.kind === 'InvalidClientTokenId' && ['session-token.format', 'session-token.seal'].includes(e.reason.check));
  }
});

test('refuses a valid session token presented with another access key id', async () => {
  const { vault } = setup();
  const a = await vault.mint(claims, 3600);
  const b = await vault.mint(claims, 3600);
  await assert.rejects(vault.open(b.accessKeyId, a.sessionToken), refusedAs('InvalidClientTokenId', 'session-token.seal'));
});

test('refuses a token naming a sealing key that does not exist', async () => {
  const { vault } = setup();
  const minted = await vault.mint(claims, 3600);
  const forged = minted.sessionToken.replace(/^TSR1\.\d{6}\./, 'TSR1.000042.');
  await assert.rejects(vault.open(minted.accessKeyId, forged), refusedAs('InvalidClientTokenId', 'session-token.key'));
});

test('accepts credentials until the second before expiration and refuses them from expiration on', async () => {
  const { vault, set } = setup();
  const minted = await vault.mint(claims, 900);
  const exp = minted.expiration.getTime();
  set(new Date(exp - 1000));
  await vault.open(minted.accessKeyId, minted.sessionToken);
  set(new Date(exp - 1));
  await vault.open(minted.accessKeyId, minted.sessionToken);
  set(new Date(exp));
  await assert.rejects(vault.open(minted.accessKeyId, minted.sessionToken), refusedAs('ExpiredToken', 'session-token.expired'));
  set(new Date(exp + 1000));
  await assert.rejects(vault.open(minted.accessKeyId, minted.sessionToken), refusedAs('ExpiredToken', 'session-token.expired'));
});

test('two vaults on one storage create a single sealing key and open each other\'s tokens', async () => {
  const storage = createMemoryStorage();
  const clock = () => T0;
  const a = createCredentialVault({ storage, clock });
  const b = createCredentialVault({ storage, clock });
  const [ma, mb] = await Promise.all([a.mint(claims, 3600), b.mint(claims, 3600)]);
  assert.deepEqual([...storage.dump('keys').keys()], ['sealing/000001']);
  assert.deepEqual(await b.open(ma.accessKeyId, ma.sessionToken), ma.claims);
  assert.deepEqual(await a.open(mb.accessKeyId, mb.sessionToken), mb.claims);
});

test('after rotation new tokens use the new key on every node and old tokens keep opening', async () => {
  const storage = createMemoryStorage();
  const clock = () => T0;
  const a = createCredentialVault({ storage, clock });
  const b = createCredentialVault({ storage, clock });
  const before = await a.mint(claims, 3600);
  await b.open(before.accessKeyId, before.sessionToken); // b has loaded key 000001
  assert.equal(await a.rotateSealingKey(), '000002');
  const after = await a.mint(claims, 3600);
  assert.match(after.sessionToken, /^TSR1\.000002\./);
  assert.deepEqual(await b.open(after.accessKeyId, after.sessionToken), after.claims);
  assert.deepEqual(await a.open(before.accessKeyId, before.sessionToken), before.claims);
});

test('concurrent rotations on two nodes converge on one new key', async () => {
  const storage = createMemoryStorage();
  const a = createCredentialVault({ storage, clock: () => T0 });
  const b = createCredentialVault({ storage, clock: () => T0 });
  await a.mint(claims, 60);
  await b.mint(claims, 60);
  const [ka, kb] = await Promise.all([a.rotateSealingKey(), b.rotateSealingKey()]);
  assert.equal(ka, kb);
  assert.equal(storage.dump('keys').size, 2);
});

test('refuses a non-positive or fractional duration', async () => {
  const { vault } = setup();
  for (const d of [0, -1, 1.5, Number.NaN]) await assert.rejects(vault.mint(claims, d), RangeError);
});

test('uses the injected randomness for ids, secrets and nonces', async () => {
  const storage = createMemoryStorage();
  let counter = 0;
  const random = (n: number) => Buffer.alloc(n, ++counter);
  const v1 = createCredentialVault({ storage, clock: () => T0, random });
  const m1 = await v1.mint(claims, 3600);
  counter = 0;
  const v2 = createCredentialVault({ storage: createMemoryStorage(), clock: () => T0, random });
  const m2 = await v2.mint(claims, 3600);
  assert.equal(m1.accessKeyId, m2.accessKeyId);
  assert.equal(m1.secretAccessKey, m2.secretAccessKey);
});

test('generates root credentials in the AKIA shape', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const { accessKeyId, secretAccessKey } = generateRootCredentials();
    assert.match(accessKeyId, /^AKIA[A-Z0-9]{16}$/);
    assert.equal(secretAccessKey.length, 40);
    seen.add(accessKeyId);
  }
  assert.equal(seen.size, 50);
});

test('two nodes on one SQLite database share the sealing key and each other\'s tokens', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { openStorage } = await import('../../../src/storage/index.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-vault-'));
  const s1 = await openStorage({ dataDir });
  const s2 = await openStorage({ dataDir });
  try {
    const a = createCredentialVault({ storage: s1, clock: () => T0 });
    const b = createCredentialVault({ storage: s2, clock: () => T0 });
    const [ma, mb] = await Promise.all([a.mint(claims, 3600), b.mint(claims, 3600)]);
    assert.equal(await s1.collection('keys').count('sealing/'), 1);
    assert.deepEqual(await b.open(ma.accessKeyId, ma.sessionToken), ma.claims);
    assert.deepEqual(await a.open(mb.accessKeyId, mb.sessionToken), mb.claims);
  } finally {
    await s1.close();
    await s2.close();
  }
});
