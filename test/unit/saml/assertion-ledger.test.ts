/**
 * Single use of SAML assertion ids (security.md S16), decided by the database: an exclusive claim
 * succeeds once; an owned claim (identity pools) succeeds again only for the same owner; two
 * ledgers on one database (two nodes) see each other's claims, also when racing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '../../../src/storage/index.js';
import type { Storage } from '../../../src/storage/contract.js';
import { createSamlAssertionLedger } from '../../../src/services/sts/saml-assertions.js';

const now = new Date('2026-03-01T12:00:00Z');
const expires = new Date('2026-03-01T12:05:00Z');
let dataDir: string;
let a: Storage;
let b: Storage;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tessera-saml-ledger-'));
  a = await openStorage({ dataDir });
  b = await openStorage({ dataDir });
});
after(async () => {
  await a?.close();
  await b?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const ledger = (storage: Storage, collection = 'test.saml-assertions') => createSamlAssertionLedger({ storage, collection, clock: () => now });

test('S16: an exclusive claim of an assertion id succeeds once, on either node', async () => {
  assert.equal(await ledger(a).claim('https://idp.example', '_a1', expires), true);
  assert.equal(await ledger(a).claim('https://idp.example', '_a1', expires), false);
  assert.equal(await ledger(b).claim('https://idp.example', '_a1', expires), false);
  // The same id from another issuer is another assertion.
  assert.equal(await ledger(b).claim('https://other.example', '_a1', expires), true);
});

test('S16: an assertion claimed for one identity is accepted again for it and for no other', async () => {
  assert.equal(await ledger(a).claim('https://idp.example', '_b1', expires, 'us-east-1:one'), true);
  assert.equal(await ledger(b).claim('https://idp.example', '_b1', expires, 'us-east-1:one'), true);
  assert.equal(await ledger(b).claim('https://idp.example', '_b1', expires, 'us-east-1:two'), false);
  assert.equal(await ledger(a).claim('https://idp.example', '_b1', expires), false);
});

test('S16: of claims racing on two nodes exactly one wins', async () => {
  const results = await Promise.all(Array.from({ length: 8 }, (_, i) => ledger(i % 2 ? a : b).claim('https://idp.example', '_race', expires)));
  assert.equal(results.filter(Boolean).length, 1);
});
