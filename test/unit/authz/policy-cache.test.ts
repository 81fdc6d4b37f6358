/**
 * PolicyCache (src/authz): parsed documents are reused by text, and the cache stays within its
 * bounds in documents and in characters, dropping the least recently used first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { POLICY_CACHE_MAX_CHARS, POLICY_CACHE_MAX_DOCUMENTS, PolicyCache } from '../../../src/authz/index.js';

const doc = (n: number, pad = 0) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: `s${n}${'x'.repeat(pad)}`, Effect: 'Allow', Action: `s3:Get${n}`, Resource: '*' }] });

test('the same text of the same kind is parsed once and shared', () => {
  const cache = new PolicyCache();
  const a = cache.parse(doc(1), 'identity');
  assert.equal(cache.parse(doc(1), 'identity'), a);
  assert.notEqual(cache.parse(doc(1), 'session'), a);
  assert.equal(cache.stats.documents, 2);
});

test('the cache holds at most its number of documents, dropping the least recently used', () => {
  const cache = new PolicyCache(3, POLICY_CACHE_MAX_CHARS);
  const first = cache.parse(doc(1), 'identity');
  cache.parse(doc(2), 'identity');
  cache.parse(doc(3), 'identity');
  assert.equal(cache.parse(doc(1), 'identity'), first); // used again: now the most recent
  cache.parse(doc(4), 'identity'); // drops doc 2
  assert.equal(cache.stats.documents, 3);
  assert.equal(cache.parse(doc(1), 'identity'), first);
  const before = cache.parse(doc(3), 'identity');
  assert.equal(cache.parse(doc(3), 'identity'), before);
});

test('the cache holds at most its number of characters, whatever the number of documents', () => {
  const one = `identity\u0000${doc(0, 1000)}`.length;
  const cache = new PolicyCache(1000, one * 4);
  const kept = Array.from({ length: 10 }, (_, n) => cache.parse(doc(n, 1000), 'identity'));
  assert.ok(cache.stats.chars <= one * 4, `${cache.stats.chars} characters held`);
  assert.equal(cache.stats.documents, 4);
  // The four most recent are still the parsed objects handed out; the oldest were dropped.
  for (let n = 6; n < 10; n++) assert.equal(cache.parse(doc(n, 1000), 'identity'), kept[n]);
  assert.notEqual(cache.parse(doc(0, 1000), 'identity'), kept[0]);
});

test('a document longer than the character bound is parsed but not kept', () => {
  const cache = new PolicyCache(10, 100);
  const big = doc(1, 200);
  const policy = cache.parse(big, 'identity');
  assert.equal(cache.stats.documents, 0);
  assert.notEqual(cache.parse(big, 'identity'), policy);
  assert.equal(cache.stats.chars, 0);
});

test('the default bounds are 2,000 documents and 1 Mi characters', () => {
  assert.equal(POLICY_CACHE_MAX_DOCUMENTS, 2000);
  assert.equal(POLICY_CACHE_MAX_CHARS, 1024 * 1024);
  const cache = new PolicyCache();
  for (let n = 0; n < 2100; n++) cache.parse(doc(n), 'session');
  assert.equal(cache.stats.documents, 2000);
});
