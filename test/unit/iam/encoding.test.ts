import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodePolicyDocument } from '../../../src/services/iam/encoding.js';

test('percent-encodes a policy document as IAM does, RFC 3986 sub-delimiters included', () => {
  const doc = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';
  assert.equal(
    encodePolicyDocument(doc),
    '%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D',
  );
  assert.equal(encodePolicyDocument("!'()* ~-._"), '%21%27%28%29%2A%20~-._');
});

test('leaves only unreserved characters literal and round-trips through decodeURIComponent', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      const wellFormed = s;
      const encoded = encodePolicyDocument(wellFormed);
      assert.match(encoded, /^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*$/);
      assert.equal(decodeURIComponent(encoded), wellFormed);
    }),
  );
});
