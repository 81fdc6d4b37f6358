/** Signing keys persist in a real embedded SQLite database across close and reopen (a node restart). */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '../../../src/storage/index.js';
import { createSigningKeyRing } from '../../../src/keys/signing-keys.js';
import { ISSUER, claimsAt, kidOf, settableClock } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-signing-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('a ring re-created after the database is closed and reopened uses the same keys, pending rotation included', async () => {
  const dataDir = join(root, 'data');
  const time = settableClock();
  const options = { clock: time.clock, name: 'openid', maxTokenLifetimeSeconds: 86_400, prePublishSeconds: 3600 };

  const storage1 = await openStorage({ dataDir });
  const ring1 = createSigningKeyRing({ ...options, storage: storage1 });
  const token = await ring1.signJwt(claimsAt(time.seconds()));
  await ring1.rotate();
  const jwks1 = await ring1.jwks();
  assert.equal(jwks1.keys.length, 2);
  await storage1.close();

  const storage2 = await openStorage({ dataDir });
  try {
    const ring2 = createSigningKeyRing({ ...options, storage: storage2 });
    assert.deepEqual(await ring2.jwks(), jwks1);
    await ring2.verifyJwt(token, { issuer: ISSUER });
    assert.equal(kidOf(await ring2.signJwt(claimsAt(time.seconds()))), kidOf(token), 'the pending key still waits for its window');
    time.advance(3600);
    assert.equal(kidOf(await ring2.signJwt(claimsAt(time.seconds()))), jwks1.keys[1]!.kid);
  } finally {
    await storage2.close();
  }
});
