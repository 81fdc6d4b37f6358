import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateAccessKeyId, generateSecretAccessKey, pooledRandomBytes } from '../../../src/credentials/ids.js';

test('pooled random bytes are never handed out twice, across pool refills', () => {
  const seen = new Set<string>();
  // 12-byte values: 20,000 draws cross about 30 refills of the 8 KiB pool.
  for (let i = 0; i < 20_000; i++) seen.add(pooledRandomBytes(12).toString('hex'));
  assert.equal(seen.size, 20_000);
});

test('a pooled draw is a copy: changing it does not change later draws', () => {
  const a = pooledRandomBytes(16);
  a.fill(0);
  const b = pooledRandomBytes(16);
  assert.notDeepEqual(b, Buffer.alloc(16));
});

test('large requests bypass the pool and still have the requested size', () => {
  assert.equal(pooledRandomBytes(4096).length, 4096);
  assert.equal(pooledRandomBytes(1).length, 1);
});

test('access key ids are the prefix and 16 base32 characters of the 80 random bits, most significant first', () => {
  assert.equal(generateAccessKeyId('ASIA', () => Buffer.alloc(10, 0xff)), 'ASIA7777777777777777');
  assert.equal(generateAccessKeyId('AKIA', () => Buffer.alloc(10, 0)), 'AKIAAAAAAAAAAAAAAAAA');
  // 0x80 then zeros: the first 5 bits are 10000 = 16 = 'Q'.
  assert.equal(generateAccessKeyId('ASIA', () => Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0])), 'ASIAQAAAAAAAAAAAAAAA');
  // The last byte lands in the last two characters: ...00000001 → 'B' at the end.
  assert.equal(generateAccessKeyId('ASIA', () => Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 1])), 'ASIAAAAAAAAAAAAAAAAB');
  assert.match(generateAccessKeyId('ASIA'), /^ASIA[A-Z2-7]{16}$/);
});

test('secret access keys are 40 characters of base64', () => {
  assert.match(generateSecretAccessKey(), /^[A-Za-z0-9+/]{40}$/);
});
