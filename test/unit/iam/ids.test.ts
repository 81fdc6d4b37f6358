import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policyUniqueId, roleUniqueId, uniqueId } from '../../../src/services/iam/ids.js';

test('role ids are AROA followed by 17 upper-case letters or digits', () => {
  for (let i = 0; i < 50; i++) assert.match(roleUniqueId(), /^AROA[A-Z0-9]{17}$/);
  assert.match(policyUniqueId(), /^ANPA[A-Z0-9]{17}$/);
});

test('skips random bytes that would bias the alphabet and uses the injected source', () => {
  const bytes = [255, 252, 0, 35, 36, 251];
  let i = 0;
  const random = (n: number) => Uint8Array.from({ length: n }, () => bytes[i++ % bytes.length]);
  // 255 and 252 are rejected; 0→A, 35→9, 36→A, 251→251%36=35→9
  assert.equal(uniqueId('X', 4, random), 'XA9A9');
});
