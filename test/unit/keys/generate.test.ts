/**
 * keys/generate.ts: fresh key pairs (made from the generation job's DER, so an export never waits
 * on the job's lock) are real, matching pairs of the asked type and size.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sign, verify } from 'node:crypto';
import { generateFreshKeyPair, generateFreshKeyPairSync } from '../../../src/keys/generate.js';

describe('fresh key pairs', () => {
  it('are RSA pairs of the asked size whose public half verifies what the private half signs, sync and async', async () => {
    for (const pair of [generateFreshKeyPairSync({ type: 'rsa', modulusLength: 2048 }), await generateFreshKeyPair({ type: 'rsa', modulusLength: 2048 })]) {
      assert.equal(pair.privateKey.asymmetricKeyType, 'rsa');
      assert.equal(pair.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
      assert.equal(pair.publicKey.asymmetricKeyDetails?.publicExponent, 65537n);
      const signature = sign('sha256', Buffer.from('data'), pair.privateKey);
      assert.ok(verify('sha256', Buffer.from('data'), pair.publicKey, signature));
      const jwk = pair.publicKey.export({ format: 'jwk' });
      assert.equal(jwk.kty, 'RSA');
    }
  });

  it('are EC pairs on the asked curve, and two calls give two different keys', () => {
    const a = generateFreshKeyPairSync({ type: 'ec', namedCurve: 'P-256' });
    const b = generateFreshKeyPairSync({ type: 'ec', namedCurve: 'P-256' });
    assert.equal(a.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.notEqual(a.publicKey.export({ format: 'jwk' }).x, b.publicKey.export({ format: 'jwk' }).x);
    const signature = sign('sha256', Buffer.from('data'), a.privateKey);
    assert.ok(verify('sha256', Buffer.from('data'), a.publicKey, signature));
    assert.ok(!verify('sha256', Buffer.from('data'), b.publicKey, signature));
  });
});
