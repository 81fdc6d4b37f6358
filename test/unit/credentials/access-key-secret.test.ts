/**
 * Access key secrets at rest (src/credentials/access-key-secret.ts through the vault): sealed
 * with the server's sealing keys, opened only for the access key id they were sealed for, never
 * readable as a session token, and still opened after the sealing key rotates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCredentialVault } from '../../../src/credentials/index.js';
import { createMemoryStorage } from './memory-storage.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const setup = () => createCredentialVault({ storage: createMemoryStorage(), clock: () => new Date('2026-03-01T12:00:00Z') });

test('a sealed secret does not contain the secret and opens to it for its own key id', async () => {
  const vault = setup();
  const sealed = await vault.sealSecret('AKIAAAAAAAAAAAAAAAAA', SECRET);
  assert.match(sealed, /^TAK1\.\d{6}\.[A-Za-z0-9_-]+$/);
  assert.ok(!sealed.includes(SECRET));
  assert.equal(await vault.openSecret('AKIAAAAAAAAAAAAAAAAA', sealed), SECRET);
});

test('a sealed secret does not open for another access key id, nor when tampered with', async () => {
  const vault = setup();
  const sealed = await vault.sealSecret('AKIAAAAAAAAAAAAAAAAA', SECRET);
  assert.equal(await vault.openSecret('AKIABBBBBBBBBBBBBBBB', sealed), undefined);
  // Change the second-to-last character (always significant in base64url) to a different one.
  const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.slice(-1);
  assert.notEqual(flipped, sealed);
  assert.equal(await vault.openSecret('AKIAAAAAAAAAAAAAAAAA', flipped), undefined);
  assert.equal(await vault.openSecret('AKIAAAAAAAAAAAAAAAAA', 'not sealed'), undefined);
});

test('a sealed secret is no session token, and a session token is no sealed secret', async () => {
  const vault = setup();
  const sealed = await vault.sealSecret('ASIAAAAAAAAAAAAAAAAA', SECRET);
  await assert.rejects(vault.open('ASIAAAAAAAAAAAAAAAAA', sealed));
  const minted = await vault.mint({ accountId: '123456789012', roleArn: 'arn:aws:iam::123456789012:role/r', roleId: 'AROAEXAMPLE', roleName: 'r', sessionName: 's', via: 'AssumeRole' }, 900);
  const asSecret = minted.sessionToken.replace(/^TSR1\./, 'TAK1.');
  assert.equal(await vault.openSecret(minted.accessKeyId, asSecret), undefined);
});

test('a secret sealed before a sealing key rotation still opens after it', async () => {
  const vault = setup();
  const sealed = await vault.sealSecret('AKIAAAAAAAAAAAAAAAAA', SECRET);
  await vault.rotateSealingKey();
  assert.equal(await vault.openSecret('AKIAAAAAAAAAAAAAAAAA', sealed), SECRET);
  assert.notEqual((await vault.sealSecret('AKIAAAAAAAAAAAAAAAAA', SECRET)).split('.')[1], sealed.split('.')[1]);
});
