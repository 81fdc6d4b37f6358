/**
 * Tessera's OpenID signing keys: signing and strict verification, race-free creation shared
 * through storage, and rotation without breaking tokens in flight (security.md R5) with an
 * injected clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createSigningKeyRing, type SigningKeyRing, type SigningKeyRingOptions } from '../../../src/keys/signing-keys.js';
import { generateRsaSigningKey } from '../../../src/keys/signing-key-doc.js';
import { createMemoryStorage } from '../credentials/memory-storage.js';
import { ISSUER, claimsAt, kidOf, privateKeyOf, refusedAs, settableClock, signRaw, storedKeys } from './helpers.js';

const HOUR = 3600;
const DAY = 86_400;

function setup(overrides: Partial<SigningKeyRingOptions> = {}) {
  const time = settableClock();
  const storage = createMemoryStorage();
  let generated = 0;
  const options: SigningKeyRingOptions = {
    storage,
    clock: time.clock,
    name: 'openid',
    maxTokenLifetimeSeconds: DAY,
    generateKey: async (alg) => {
      generated++;
      return generateRsaSigningKey(alg);
    },
    ...overrides,
  };
  const ring = createSigningKeyRing(options);
  return { ...time, storage, ring, options, generated: () => generated };
}

async function verifyWithJose(token: string, jwks: { keys: Array<Record<string, unknown>> }, at: Date) {
  return jwtVerify(token, createLocalJWKSet(jwks as never), { issuer: ISSUER, currentDate: at });
}

test('signs RS512 tokens whose header is { alg, kid, typ } and that jose verifies with the published JWKS', async () => {
  const { ring, seconds, clock } = setup();
  const token = await ring.signJwt(claimsAt(seconds()));
  const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
  assert.deepEqual(Object.keys(header), ['alg', 'kid', 'typ']);
  assert.equal(header.alg, 'RS512');
  assert.equal(header.typ, 'JWS');
  const jwks = await ring.jwks();
  assert.equal(jwks.keys.length, 1);
  assert.deepEqual(Object.keys(jwks.keys[0]!).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
  assert.equal(jwks.keys[0]!.kid, header.kid);
  assert.equal(jwks.keys[0]!.use, 'sig');
  const { payload } = await verifyWithJose(token, jwks, clock());
  assert.equal(payload.sub, 'us-east-1:00000000-0000-0000-0000-000000000001');
});

test('RSA keys are 2048 bits and RS256 rings sign RS256', async () => {
  const { ring, seconds } = setup({ alg: 'RS256' });
  const token = await ring.signJwt(claimsAt(seconds()), { typ: 'JWT' });
  const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
  assert.equal(header.alg, 'RS256');
  assert.equal(header.typ, 'JWT');
  const n = Buffer.from(String((await ring.jwks()).keys[0]!.n), 'base64url');
  assert.equal(n.length * 8, 2048);
});

test('verifyJwt returns the header and claims of a token the ring signed', async () => {
  const { ring, seconds } = setup();
  const token = await ring.signJwt(claimsAt(seconds(), { amr: ['authenticated'] }));
  const out = await ring.verifyJwt(token, { issuer: ISSUER, audience: 'us-east-1:pool' });
  assert.deepEqual(out.claims.amr, ['authenticated']);
  assert.equal(out.header.kid, kidOf(token));
});

test('verifyJwt refuses the wrong issuer, the wrong audience, and an expired token with precise reasons', async () => {
  const { ring, seconds, advance } = setup();
  const token = await ring.signJwt(claimsAt(seconds(), {}, 600));
  await assert.rejects(ring.verifyJwt(token, { issuer: 'https://elsewhere.test' }), refusedAs('InvalidToken', 'jwt.iss'));
  await assert.rejects(ring.verifyJwt(token, { issuer: ISSUER, audience: 'us-east-1:other' }), refusedAs('InvalidToken', 'jwt.aud'));
  advance(600 + 299);
  await ring.verifyJwt(token, { issuer: ISSUER }); // within the five minutes of skew
  advance(1);
  await assert.rejects(ring.verifyJwt(token, { issuer: ISSUER }), refusedAs('ExpiredToken', 'jwt.exp'));
  await assert.rejects(ring.verifyJwt(token, { issuer: ISSUER, clockSkewSeconds: 0 }), refusedAs('ExpiredToken', 'jwt.exp'));
});

test('verifyJwt refuses tampering, a missing or unknown kid, an alg other than the key\'s, duplicate members and non-canonical base64url', async () => {
  const { ring, seconds, storage } = setup();
  const good = await ring.signJwt(claimsAt(seconds()));
  const [h, p, s] = good.split('.') as [string, string, string];
  const kid = kidOf(good);
  const key = privateKeyOf((await storedKeys(storage, 'openid'))[0]!);
  const payload = JSON.stringify(claimsAt(seconds()));

  await assert.rejects(ring.verifyJwt(`${h}.${Buffer.from(JSON.stringify(claimsAt(seconds(), { sub: 'admin' }))).toString('base64url')}.${s}`, { issuer: ISSUER }), refusedAs('InvalidToken', 'jwt.signature'));
  await assert.rejects(ring.verifyJwt(signRaw(JSON.stringify({ alg: 'RS512', typ: 'JWS' }), payload, key), { issuer: ISSUER }), refusedAs('InvalidToken', 'jwt.kid'));
  await assert.rejects(ring.verifyJwt(signRaw(JSON.stringify({ alg: 'RS512', kid: 'openid-99-xxxxxxxx' }), payload, key), { issuer: ISSUER }), refusedAs('InvalidToken', 'jwt.kid'));
  await assert.rejects(ring.verifyJwt(signRaw(JSON.stringify({ alg: 'RS256', kid }), payload, key, 'sha256'), { issuer: ISSUER }), refusedAs('InvalidToken', 'jwt.alg'));
  await assert.rejects(ring.verifyJwt(signRaw(JSON.stringify({ alg: 'HS256', kid }), payload, key), { issuer: ISSUER }), refusedAs('InvalidToken', 'jwt.alg'));
  const dup = payload.replace('{', '{"sub":"admin",');
  await assert.rejects(ring.verifyJwt(signRaw(JSON.stringify({ alg: 'RS512', kid }), dup, key), { issuer: ISSUER }), refusedAs('InvalidToken', 'jwt.duplicate-member'));
  await assert.rejects(ring.verifyJwt(`${h}=.${p}.${s}`, { issuer: ISSUER }), refusedAs('InvalidToken', 'jwt.format'));
  // The same bytes re-signed correctly verify: the refusals above are about the token, not the key.
  await ring.verifyJwt(signRaw(JSON.stringify({ alg: 'RS512', kid }), payload, key), { issuer: ISSUER });
});

test('verifyJwt requires integer iat and exp and honours nbf', async () => {
  const { ring, seconds, storage } = setup();
  const kid = kidOf(await ring.signJwt(claimsAt(seconds())));
  const key = privateKeyOf((await storedKeys(storage, 'openid'))[0]!);
  const header = JSON.stringify({ alg: 'RS512', kid });
  const { iat: _iat, ...noIat } = claimsAt(seconds());
  await assert.rejects(ring.verifyJwt(signRaw(header, JSON.stringify(noIat), key), { issuer: ISSUER }), refusedAs('InvalidToken', 'jwt.iat'));
  await assert.rejects(ring.verifyJwt(signRaw(header, JSON.stringify(claimsAt(seconds(), { exp: seconds() + 60.5 })), key), { issuer: ISSUER }), refusedAs('InvalidToken', 'jwt.exp'));
  await assert.rejects(ring.verifyJwt(signRaw(header, JSON.stringify(claimsAt(seconds(), { nbf: seconds() + 301 })), key), { issuer: ISSUER }), refusedAs('InvalidToken', 'jwt.nbf'));
});

test('signJwt refuses a payload without integer iat/exp or living longer than maxTokenLifetimeSeconds', async () => {
  const { ring, seconds } = setup({ maxTokenLifetimeSeconds: 900 });
  await assert.rejects(ring.signJwt({ iss: ISSUER, iat: seconds() }), /iat and exp/);
  await assert.rejects(ring.signJwt(claimsAt(seconds(), {}, 901)), /maxTokenLifetimeSeconds/);
  await ring.signJwt(claimsAt(seconds(), {}, 900));
});

test('two rings on the same storage racing to create the first key end up with one key', async () => {
  const { storage, clock, seconds, options } = setup();
  const a = createSigningKeyRing(options);
  const b = createSigningKeyRing(options);
  const tokens = await Promise.all([a.signJwt(claimsAt(seconds())), b.signJwt(claimsAt(seconds())), a.jwks(), b.jwks()]);
  assert.equal((await storedKeys(storage, 'openid')).length, 1);
  assert.equal(kidOf(tokens[0] as string), kidOf(tokens[1] as string));
  await b.verifyJwt(tokens[0] as string, { issuer: ISSUER });
  void clock;
});

test('concurrent first use on one ring generates a single key', async () => {
  const { ring, seconds, generated } = setup();
  await Promise.all(Array.from({ length: 8 }, () => ring.signJwt(claimsAt(seconds()))));
  assert.equal(generated(), 1);
});

test('rings with different names keep separate keys', async () => {
  const { storage, clock, seconds } = setup();
  const openid = createSigningKeyRing({ storage, clock, name: 'openid', maxTokenLifetimeSeconds: DAY });
  const other = createSigningKeyRing({ storage, clock, name: 'userpool-a', maxTokenLifetimeSeconds: DAY });
  const token = await openid.signJwt(claimsAt(seconds()));
  await other.signJwt(claimsAt(seconds()));
  assert.notEqual((await openid.jwks()).keys[0]!.kid, (await other.jwks()).keys[0]!.kid);
  await assert.rejects(other.verifyJwt(token, { issuer: ISSUER }), refusedAs('InvalidToken', 'jwt.kid'));
});

test('rotate() publishes the next key at least prePublishSeconds before it signs, and the old key keeps verifying its tokens until they expire', async () => {
  const { ring, seconds, advance } = setup({ prePublishSeconds: HOUR, maxTokenLifetimeSeconds: DAY });
  const before = await ring.signJwt(claimsAt(seconds(), {}, DAY));
  const oldKid = kidOf(before);
  await ring.rotate();

  const jwks = await ring.jwks();
  assert.equal(jwks.keys.length, 2, 'the next key is published at once');
  const newKid = jwks.keys.map((k) => k.kid).find((k) => k !== oldKid)!;
  assert.equal(kidOf(await ring.signJwt(claimsAt(seconds()))), oldKid, 'but does not sign yet');

  advance(HOUR - 1);
  assert.equal(kidOf(await ring.signJwt(claimsAt(seconds()))), oldKid);
  const lastOld = await ring.signJwt(claimsAt(seconds(), {}, DAY));
  advance(1);
  assert.equal(kidOf(await ring.signJwt(claimsAt(seconds()))), newKid, 'signs once the window has passed');

  // The retired key verifies the last token it signed until that token has expired …
  advance(DAY - 1);
  await ring.verifyJwt(lastOld, { issuer: ISSUER });
  assert.ok((await ring.jwks()).keys.some((k) => k.kid === oldKid));
  const states = await ring.status();
  assert.deepEqual(states.map((s) => s.state), ['retired', 'active']);
  // … and leaves the JWKS after retirement + max lifetime + 5 min skew + JWKS max-age.
  advance(1 + 300 + ring.jwksMaxAgeSeconds - 1);
  assert.ok((await ring.jwks()).keys.some((k) => k.kid === oldKid));
  advance(1);
  assert.deepEqual((await ring.jwks()).keys.map((k) => k.kid), [newKid]);
  await assert.rejects(ring.verifyJwt(before, { issuer: ISSUER, clockSkewSeconds: 10 * DAY }), refusedAs('InvalidToken', 'jwt.kid'));
});

test('a retired key past retention is deleted from storage', async () => {
  const { ring, seconds, advance, storage } = setup({ prePublishSeconds: 60, maxTokenLifetimeSeconds: 600 });
  await ring.signJwt(claimsAt(seconds()));
  await ring.rotate();
  advance(60);
  await ring.signJwt(claimsAt(seconds()));
  assert.equal((await storedKeys(storage, 'openid')).length, 2);
  advance(600 + 300 + ring.jwksMaxAgeSeconds);
  await ring.jwks();
  assert.deepEqual((await storedKeys(storage, 'openid')).map((d) => d.seq), ['000002']);
});

test('rotates automatically every rotationIntervalSeconds, pre-publishing the successor, with no timers', async () => {
  const interval = 30 * DAY;
  const { ring, seconds, advance } = setup({ rotationIntervalSeconds: interval, prePublishSeconds: HOUR });
  const first = kidOf(await ring.signJwt(claimsAt(seconds())));
  advance(interval - HOUR - 1);
  assert.equal((await ring.jwks()).keys.length, 1);
  advance(1);
  const jwks = await ring.jwks();
  assert.equal(jwks.keys.length, 2, 'successor published one hour before the interval ends');
  assert.equal(kidOf(await ring.signJwt(claimsAt(seconds()))), first);
  advance(HOUR);
  const second = kidOf(await ring.signJwt(claimsAt(seconds())));
  assert.notEqual(second, first);
  assert.ok(jwks.keys.some((k) => k.kid === second));
});

test('a rotation evaluated late still gives the successor its full pre-publication window', async () => {
  const interval = 30 * DAY;
  const { ring, seconds, advance } = setup({ rotationIntervalSeconds: interval, prePublishSeconds: HOUR });
  const first = kidOf(await ring.signJwt(claimsAt(seconds())));
  advance(interval + 10 * DAY); // no traffic for weeks
  assert.equal(kidOf(await ring.signJwt(claimsAt(seconds()))), first);
  advance(HOUR - 1);
  assert.equal(kidOf(await ring.signJwt(claimsAt(seconds()))), first);
  advance(1);
  assert.notEqual(kidOf(await ring.signJwt(claimsAt(seconds()))), first);
});

test('rotate({ immediate: true }) switches signing at once while the old key still verifies', async () => {
  const { ring, seconds } = setup();
  const old = await ring.signJwt(claimsAt(seconds()));
  await ring.rotate({ immediate: true });
  const fresh = await ring.signJwt(claimsAt(seconds()));
  assert.notEqual(kidOf(fresh), kidOf(old));
  await ring.verifyJwt(old, { issuer: ISSUER });
  await ring.verifyJwt(fresh, { issuer: ISSUER });
});

test('R5: a relying party whose JWKS copy is up to max-age old verifies every token issued across several rotations', async () => {
  const step = 10 * 60;
  const interval = 2 * DAY;
  const { ring, seconds, advance, clock } = setup({ rotationIntervalSeconds: interval, prePublishSeconds: HOUR, maxTokenLifetimeSeconds: HOUR });
  const maxAge = ring.jwksMaxAgeSeconds;
  assert.ok(maxAge <= HOUR);
  const snapshots: Array<{ at: number; jwks: { keys: Array<Record<string, unknown>> } }> = [];
  let issued = 0;
  let sawPrePublication = false;
  for (let t = 0; t <= 3 * interval; t += step) {
    const jwks = await ring.jwks();
    snapshots.push({ at: seconds(), jwks });
    const token = await ring.signJwt(claimsAt(seconds(), {}, HOUR));
    issued++;
    const states = await ring.status();
    if (states.some((s) => s.state === 'pending')) {
      sawPrePublication = true;
      assert.ok(jwks.keys.length >= 2, 'during pre-publication the JWKS lists the current and the next key');
    }
    // The stalest copy a cache may still serve: the oldest snapshot no older than max-age.
    const stale = snapshots.find((s) => seconds() - s.at <= maxAge)!;
    await verifyWithJose(token, stale.jwks, clock());
    advance(step);
  }
  assert.ok(sawPrePublication);
  assert.ok((await ring.status()).length >= 2);
  assert.ok(issued > 100);
});

test('a second node sees a rotation made by the first and verifies its tokens at once', async () => {
  const { storage, clock, seconds, advance, options } = setup({ prePublishSeconds: HOUR });
  const a = createSigningKeyRing(options);
  const b = createSigningKeyRing(options);
  await a.signJwt(claimsAt(seconds()));
  await b.jwks();
  await a.rotate({ immediate: true });
  const fromA = await a.signJwt(claimsAt(seconds()));
  // b has not re-read storage yet, but an unknown kid triggers one re-read.
  await b.verifyJwt(fromA, { issuer: ISSUER });
  // After its refresh interval, b signs with the new key too.
  advance(15 * 60);
  assert.equal(kidOf(await b.signJwt(claimsAt(seconds()))), kidOf(fromA));
  void storage;
  void clock;
});

test('keys survive a restart of the node on the same storage', async () => {
  const { storage, clock, seconds, options } = setup();
  const first: SigningKeyRing = createSigningKeyRing(options);
  const token = await first.signJwt(claimsAt(seconds()));
  const again = createSigningKeyRing({ storage, clock, name: 'openid', maxTokenLifetimeSeconds: DAY });
  assert.deepEqual(await again.jwks(), await first.jwks());
  await again.verifyJwt(token, { issuer: ISSUER });
});

test('refuses ring names that could escape the storage id scheme', () => {
  const { storage, clock } = setup();
  for (const name of ['', 'a/b', '../x', 'UPPER', 'x'.repeat(65)]) {
    assert.throws(() => createSigningKeyRing({ storage, clock, name, maxTokenLifetimeSeconds: 60 }), /ring name/);
  }
});

test('signing on the thread pool gives the very token signing on the event loop gives, for both algorithms', async () => {
  for (const alg of ['RS256', 'RS512'] as const) {
    // Two rings over the same stored key, one per setting (the setting belongs to the ring).
    const { ring: onLoopRing, seconds, clock, options } = setup({ alg, signOnThreadPool: false });
    const onPoolRing = createSigningKeyRing({ ...options, signOnThreadPool: true });
    const claims = claimsAt(seconds());
    const onLoop = await onLoopRing.signJwt(claims);
    const onPool = await onPoolRing.signJwt(claims);
    // RSASSA-PKCS1-v1_5 is deterministic: same key, same input, same signature.
    assert.equal(onPool, onLoop, alg);
    await verifyWithJose(onPool, await onPoolRing.jwks(), clock());
  }
});
