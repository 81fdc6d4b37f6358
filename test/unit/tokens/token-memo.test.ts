/**
 * The decoded-token memo of jws.ts (issue #5): a token presented again is not decoded again and
 * its signature is not checked again while the key that verified it is still the one selected
 * from the current keys. What must still hold on every use: a removed key, or another key under
 * the same kid, refuses the token; the caller's alg allow-list and kid rule apply; a token that
 * differs by one byte is judged on its own; the memo stays within its bounds.
 */
import { generateFreshKeyPairSync } from '../../../src/keys/generate.js';
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { sign as nodeSign, type KeyObject } from 'node:crypto';
import { Refusal } from '../../../src/errors/index.js';
import { keyOf, resolverOf } from '../../helpers/jwk.js';
import { liveHeapMiB } from '../../helpers/heap.js';
import { TOKEN_MEMO_MAX_CHARS, TOKEN_MEMO_MAX_ENTRIES, TOKEN_MEMO_MAX_TOKEN_LENGTH, createJwtDecoder } from '../../../src/tokens/jws.js';

// One decoder, as one Tessera instance has (the memo is instance-scoped).
const jwt = createJwtDecoder();
const decodeCompactJws = jwt.decode;
const payloadClaims = jwt.claims;
const verifyCompactJws = jwt.verifyToken;
const tokenMemoStats = jwt.stats;
const clearTokenMemo = jwt.clear;

const first = generateFreshKeyPairSync({ type: 'rsa', modulusLength: 2048 });
const second = generateFreshKeyPairSync({ type: 'rsa', modulusLength: 2048 });

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function rs256(header: Record<string, unknown>, claims: Record<string, unknown>, privateKey: KeyObject = first.privateKey): string {
  const input = `${b64({ alg: 'RS256', ...header })}.${b64(claims)}`;
  return `${input}.${nodeSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

async function refusedWith(promise: Promise<unknown>, check: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => e instanceof Refusal && e.kind === 'InvalidToken' && e.reason?.check === check);
}

beforeEach(() => clearTokenMemo());

test('a token decoded again yields the same frozen header and claims, parsed once', () => {
  const token = rs256({ kid: 'a' }, { sub: 'alice', groups: ['x', 'y'], nested: { deep: true } });
  const once = decodeCompactJws(token);
  const again = decodeCompactJws(token);
  assert.equal(again, once);
  const claims = payloadClaims(again);
  assert.equal(payloadClaims(decodeCompactJws(token)), claims);
  assert.deepEqual(claims, { sub: 'alice', groups: ['x', 'y'], nested: { deep: true } });
  assert.ok(Object.isFrozen(once.header) && Object.isFrozen(claims) && Object.isFrozen(claims.groups) && Object.isFrozen(claims.nested));
  assert.throws(() => {
    (claims as { sub: string }).sub = 'mallory';
  }, TypeError);
  assert.equal(tokenMemoStats().entries, 1);
});

test('a remembered token stops verifying once its key is no longer among the current keys', async () => {
  const token = rs256({ kid: 'a' }, { sub: 'alice' });
  const key = keyOf(first.publicKey, 'a');
  assert.equal((await verifyCompactJws(token, resolverOf(key))).key, key);
  assert.equal((await verifyCompactJws(token, resolverOf(key))).key, key);
  await refusedWith(verifyCompactJws(token, resolverOf()), 'jwt.kid');
  await refusedWith(verifyCompactJws(token, resolverOf(keyOf(second.publicKey, 'b'))), 'jwt.kid');
});

test('a remembered token is checked again, and refused, when its kid now names another key', async () => {
  const token = rs256({ kid: 'a' }, { sub: 'alice' });
  await verifyCompactJws(token, resolverOf(keyOf(first.publicKey, 'a')));
  await refusedWith(verifyCompactJws(token, resolverOf(keyOf(second.publicKey, 'a'))), 'jwt.signature');
  // The same key material parsed again (a JWKS refetch) is a new key object: verified afresh, accepted.
  const refetched = keyOf(first.publicKey, 'a');
  assert.equal((await verifyCompactJws(token, resolverOf(refetched))).key, refetched);
});

test("a remembered token still meets each caller's algorithm allow-list and kid rule", () => {
  const withKid = rs256({ kid: 'a' }, { sub: 'alice' });
  const withoutKid = rs256({}, { sub: 'bob' });
  decodeCompactJws(withKid);
  decodeCompactJws(withoutKid);
  assert.throws(() => decodeCompactJws(withKid, { algorithms: ['ES256'] }), (e: unknown) => e instanceof Refusal && e.reason?.check === 'jwt.alg');
  assert.throws(() => decodeCompactJws(withoutKid, { requireKid: true }), (e: unknown) => e instanceof Refusal && e.reason?.check === 'jwt.kid');
  assert.equal(decodeCompactJws(withKid, { algorithms: ['RS256'], requireKid: true }).kid, 'a');
});

test('a token that differs from a verified one by its payload is judged on its own', async () => {
  const key = keyOf(first.publicKey, 'a');
  const token = rs256({ kid: 'a' }, { sub: 'alice' });
  await verifyCompactJws(token, resolverOf(key));
  const [header, , signature] = token.split('.');
  const forged = `${header}.${b64({ sub: 'mallory' })}.${signature}`;
  await refusedWith(verifyCompactJws(forged, resolverOf(key)), 'jwt.signature');
  await refusedWith(verifyCompactJws(forged, resolverOf(key)), 'jwt.signature');
});

test('the memo keeps at most its entry and character bounds, and never keeps an oversized token', () => {
  const signature = Buffer.alloc(256, 1).toString('base64url');
  const header = b64({ alg: 'RS256', kid: 'a' });
  for (let i = 0; i < TOKEN_MEMO_MAX_ENTRIES + 100; i++) decodeCompactJws(`${header}.${b64({ sub: `user-${i}` })}.${signature}`);
  let stats = tokenMemoStats();
  assert.equal(stats.entries, TOKEN_MEMO_MAX_ENTRIES);
  assert.ok(stats.chars <= TOKEN_MEMO_MAX_CHARS);

  const big = `${header}.${b64({ sub: 'big', pad: 'x'.repeat(TOKEN_MEMO_MAX_TOKEN_LENGTH) })}.${signature}`;
  assert.ok(big.length > TOKEN_MEMO_MAX_TOKEN_LENGTH);
  const before = tokenMemoStats();
  assert.notEqual(decodeCompactJws(big), decodeCompactJws(big), 'decoded afresh each time');
  assert.deepEqual(tokenMemoStats(), before);

  // Large tokens under the per-token limit are bounded by the character budget instead.
  clearTokenMemo();
  const pad = 'y'.repeat(TOKEN_MEMO_MAX_TOKEN_LENGTH - 600);
  for (let i = 0; i < 1000; i++) decodeCompactJws(`${header}.${b64({ sub: `u${i}`, pad })}.${signature}`);
  stats = tokenMemoStats();
  assert.ok(stats.chars <= TOKEN_MEMO_MAX_CHARS, `${stats.chars} characters kept`);
  assert.ok(stats.entries < 1000);
});

test('a remembered token cut from a larger string keeps only its own characters alive, when first seen and when seen again', async () => {
  const key = keyOf(first.publicKey, 'a');
  const tokens = Array.from({ length: 32 }, (_, i) => rs256({ kid: 'a' }, { sub: `user-${i}` }));
  // As a form reader would have cut it from a 1 MiB body: a slice, which in V8 keeps its parent.
  const cutFromBody = (token: string) => {
    const body = `WebIdentityToken=${token}&Padding=${'p'.repeat(1024 * 1024)}`;
    return body.slice('WebIdentityToken='.length, body.indexOf('&'));
  };
  const before = liveHeapMiB();
  for (const token of tokens) await verifyCompactJws(cutFromBody(token), resolverOf(key)); // decoded and remembered
  const afterFirst = liveHeapMiB() - before;
  for (const token of tokens) await verifyCompactJws(cutFromBody(token), resolverOf(key)); // answered from the memo
  const afterAgain = liveHeapMiB() - before;
  assert.equal(tokenMemoStats().entries, 32);
  assert.ok(afterFirst < 4, `the live heap grew by ${afterFirst.toFixed(1)} MiB for 32 remembered tokens`);
  assert.ok(afterAgain < 4, `the live heap grew by ${afterAgain.toFixed(1)} MiB once the 32 tokens were presented again`);
});
