/** The native modular exponentiation of the SRP server (srp.ts modPowN) against the BigInt reference. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { g, modPow, modPowN, N } from '../../../src/services/cognito-idp/srp.js';

const random = (bytes: number) => BigInt(`0x${randomBytes(bytes).toString('hex')}`);

test('agrees with square-and-multiply for g and for random bases, with exponents of the sizes SRP uses', () => {
  for (let i = 0; i < 12; i++) {
    for (const exponent of [random(32), random(128) % N, random(1) + 1n]) {
      assert.equal(modPowN(g, exponent), modPow(g, exponent, N), `g^${exponent.toString(16).slice(0, 8)}…`);
      const base = random(384) % N;
      assert.equal(modPowN(base, exponent), modPow(base, exponent, N), `random base, round ${i}`);
    }
  }
});

test('answers the bases OpenSSL refuses as peer values, exponent 0 and bases of N or more as arithmetic does', () => {
  const e = random(128) % N;
  for (const base of [0n, 1n, N - 1n, N, N + 5n, 2n * N + 1n]) assert.equal(modPowN(base, e), modPow(base, e, N), `base ${base === N ? 'N' : base}`);
  assert.equal(modPowN(random(384) % N, 0n), 1n);
  assert.equal(modPowN(2n, 1n), 2n);
  assert.throws(() => modPowN(2n, -1n), RangeError);
});

test('answers bases outside the subgroup of quadratic residues (which some OpenSSL builds refuse as peer values) as arithmetic does', () => {
  // 5 is a quadratic non-residue mod N, and so is −1 (N ≡ 3 mod 4); Node 22's OpenSSL refused them.
  for (const base of [5n, N - 2n, N - 5n, 5n * 5n * 5n]) {
    for (const e of [random(128) % N, random(1) + 1n, 2n, 3n]) assert.equal(modPowN(base, e), modPow(base, e, N), `base ${base.toString(16).slice(0, 8)}`);
  }
});

test('keeps no state between calls: interleaved exponents give their own results', () => {
  const pairs = Array.from({ length: 6 }, () => ({ base: random(384) % N, e: random(128) % N }));
  const expected = pairs.map((p) => modPow(p.base, p.e, N));
  const got = pairs.map((p) => (modPowN(g, p.e), modPowN(p.base, p.e)));
  assert.deepEqual(got, expected);
});
