/** RFC 6238 codes, RFC 4648 base32 and the sealing of TOTP secrets (src/services/cognito-idp/totp.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { SealingKey, SealingKeyRing } from '../../../src/keys/index.js';
import { base32Decode, base32Encode, matchingStep, openSecret, sealSecret, totpCode } from '../../../src/services/cognito-idp/totp.js';
import { authenticatorCode } from '../../helpers/totp.js';

/** RFC 6238 Appendix B, SHA-1 seed "12345678901234567890": 8-digit values, of which a 6-digit code is the last six. */
const RFC6238 = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
] as const;

function ringOf(...keys: SealingKey[]): SealingKeyRing {
  return {
    newest: async () => keys.at(-1)!,
    find: async (kid) => keys.find((k) => k.kid === kid),
    rotate: async () => {
      throw new Error('not used');
    },
  };
}

describe('TOTP (RFC 6238, SHA-1, 30 s, 6 digits)', () => {
  const seed = Buffer.from('12345678901234567890');

  it('computes the RFC 6238 test vectors', () => {
    for (const [t, value] of RFC6238) assert.equal(totpCode(seed, Math.floor(t / 30)), value.slice(2), `T=${t}`);
  });

  it('accepts the current step and one either side, and nothing further or malformed', () => {
    const now = 1_234_567_890_000;
    const step = Math.floor(now / 30_000);
    assert.equal(matchingStep(seed, totpCode(seed, step), now), step);
    assert.equal(matchingStep(seed, totpCode(seed, step - 1), now), step - 1);
    assert.equal(matchingStep(seed, totpCode(seed, step + 1), now), step + 1);
    assert.equal(matchingStep(seed, totpCode(seed, step - 2), now), undefined);
    assert.equal(matchingStep(seed, totpCode(seed, step + 2), now), undefined);
    assert.equal(matchingStep(seed, '12345', now), undefined);
    assert.equal(matchingStep(seed, '12a456', now), undefined);
  });

  it('round-trips base32 as authenticator apps read it, and agrees with the test helper', () => {
    assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI');
    assert.deepEqual(base32Decode('MZXW6YTBOI'), Buffer.from('foobar'));
    assert.deepEqual(base32Decode('mzxw6ytboi======'), Buffer.from('foobar'));
    assert.equal(base32Decode('MZXW6YTB01'), undefined);
    const secret = randomBytes(20);
    const text = base32Encode(secret);
    assert.match(text, /^[A-Z2-7]{32}$/);
    assert.deepEqual(base32Decode(text), secret);
    const at = 1_700_000_000_000;
    assert.equal(authenticatorCode(text, at), totpCode(secret, Math.floor(at / 30_000)));
  });
});

describe('TOTP secrets sealed at rest', () => {
  const key = { kid: '000001', key: randomBytes(32) };

  it('opens only for the pool and user it was sealed for, and not once tampered with', async () => {
    const ring = ringOf(key);
    const secret = randomBytes(20);
    const sealed = await sealSecret(ring, randomBytes, 'us-east-1_abc/sub-1', secret);
    assert.equal(sealed.includes(secret.toString('base64url')), false);
    assert.deepEqual(await openSecret(ring, 'us-east-1_abc/sub-1', sealed), secret);
    assert.equal(await openSecret(ring, 'us-east-1_abc/sub-2', sealed), undefined);
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1);
    assert.equal(await openSecret(ring, 'us-east-1_abc/sub-1', flipped), undefined);
    assert.equal(await openSecret(ring, 'us-east-1_abc/sub-1', 'TOTP1.000001.'), undefined);
    assert.equal(await openSecret(ring, 'us-east-1_abc/sub-1', 'garbage'), undefined);
  });

  it('keeps opening a secret sealed under an older key after the ring rotates', async () => {
    const secret = randomBytes(20);
    const sealed = await sealSecret(ringOf(key), randomBytes, 'p/s', secret);
    const rotated = ringOf(key, { kid: '000002', key: randomBytes(32) });
    assert.deepEqual(await openSecret(rotated, 'p/s', sealed), secret);
    assert.match(await sealSecret(rotated, randomBytes, 'p/s', secret), /^TOTP1\.000002\./);
  });
});
