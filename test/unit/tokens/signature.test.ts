/**
 * The synchronous node:crypto signature step of jws.ts (issue #5): the exact RFC 7518 parameters
 * (PSS salt = digest length, ECDSA in fixed-length r‖s form, RSA signatures of exactly k octets),
 * the RSA size bound for keys that did not come through parseJwk, and the KeyObject built once per
 * parsed key. Wycheproof (wycheproof.test.ts) covers malformed signatures at large.
 */
import { generateFreshKeyPairSync } from '../../../src/keys/generate.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, sign as nodeSign, type KeyObject } from 'node:crypto';
import { Refusal } from '../../../src/errors/index.js';
import { keyOf, resolverOf } from '../../helpers/jwk.js';
import { publicKeyObjectOf, type VerificationKey } from '../../../src/tokens/jwk.js';
import { verifyCompactJws } from '../../../src/tokens/jws.js';

const rsa = generateFreshKeyPairSync({ type: 'rsa', modulusLength: 2048 });
const ec = generateFreshKeyPairSync({ type: 'ec', namedCurve: 'P-256' });

/** header.payload plus the signature that `signWith` computes over that signing input. */
function token(alg: string, kid: string, signWith: (input: Buffer) => Buffer): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg, kid })}.${b64({ sub: 'x' })}`;
  return `${input}.${signWith(Buffer.from(input)).toString('base64url')}`;
}

async function refusedWith(promise: Promise<unknown>, check: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => e instanceof Refusal && e.kind === 'InvalidToken' && e.reason?.check === check);
}

test('verifies PS256 only when the PSS salt is exactly as long as the SHA-256 digest (RFC 7518 §3.5)', async () => {
  const resolver = resolverOf(keyOf(rsa.publicKey, 'r'));
  const pss = (saltLength: number) => (input: Buffer) =>
    nodeSign('sha256', input, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
  const ok = await verifyCompactJws(token('PS256', 'r', pss(32)), resolver);
  assert.equal(ok.alg, 'PS256');
  for (const saltLength of [0, 20, 64]) {
    await refusedWith(verifyCompactJws(token('PS256', 'r', pss(saltLength)), resolver), 'jwt.signature');
  }
});

test('refuses a PKCS#1 v1.5 signature presented as PS256 and a PSS signature presented as RS256', async () => {
  const resolver = resolverOf(keyOf(rsa.publicKey, 'r'));
  const pkcs1 = (input: Buffer) => nodeSign('sha256', input, rsa.privateKey);
  const pss = (input: Buffer) => nodeSign('sha256', input, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  await refusedWith(verifyCompactJws(token('PS256', 'r', pkcs1), resolver), 'jwt.signature');
  await refusedWith(verifyCompactJws(token('RS256', 'r', pss), resolver), 'jwt.signature');
  assert.equal((await verifyCompactJws(token('RS256', 'r', pkcs1), resolver)).alg, 'RS256');
});

test('refuses an RSA signature that is not exactly modulus-length octets, even with leading zeros', async () => {
  const resolver = resolverOf(keyOf(rsa.publicKey, 'r'));
  const good = token('RS256', 'r', (input) => nodeSign('sha256', input, rsa.privateKey));
  const [h, p, s] = good.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  await refusedWith(verifyCompactJws(`${h}.${p}.${Buffer.concat([Buffer.alloc(1), sig]).toString('base64url')}`, resolver), 'jwt.signature');
  await refusedWith(verifyCompactJws(`${h}.${p}.${sig.subarray(1).toString('base64url')}`, resolver), 'jwt.signature');
});

test('verifies ES256 in fixed-length r‖s form and refuses the same signature DER-encoded', async () => {
  const resolver = resolverOf(keyOf(ec.publicKey, 'e'));
  const p1363 = (input: Buffer) => nodeSign('sha256', input, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
  const der = (input: Buffer) => nodeSign('sha256', input, { key: ec.privateKey, dsaEncoding: 'der' });
  assert.equal((await verifyCompactJws(token('ES256', 'e', p1363), resolver)).alg, 'ES256');
  await refusedWith(verifyCompactJws(token('ES256', 'e', der), resolver), 'jwt.signature');
});

test('refuses ES256 signatures whose r or s is 0 or the group order n', async () => {
  const resolver = resolverOf(keyOf(ec.publicKey, 'e'));
  const n = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');
  const valid = token('ES256', 'e', (input) => nodeSign('sha256', input, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }));
  const [h, p, s] = valid.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  const r = sig.subarray(0, 32);
  const sv = sig.subarray(32);
  for (const [rr, ss] of [[Buffer.alloc(32), sv], [r, Buffer.alloc(32)], [n, sv], [r, n]] as const) {
    await refusedWith(verifyCompactJws(`${h}.${p}.${Buffer.concat([rr, ss]).toString('base64url')}`, resolver), 'jwt.signature');
  }
});

test('refuses with jwt.key a hand-made RSA VerificationKey under 2048 bits (no parseJwk on its path)', async () => {
  const small = generateFreshKeyPairSync({ type: 'rsa', modulusLength: 1024 });
  const jwk = small.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const key: VerificationKey = { kid: 's', kty: 'RSA', alg: 'RS256', use: 'sig', jwk: { kty: 'RSA', n: jwk.n, e: jwk.e } };
  const t = token('RS256', 's', (input) => nodeSign('sha256', input, small.privateKey));
  await refusedWith(verifyCompactJws(t, resolverOf(key)), 'jwt.key');
});

test('a hand-made 2048-bit RSA VerificationKey verifies, with one KeyObject built on first use and reused', async () => {
  const jwk = rsa.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const key: VerificationKey = { kid: 'h', kty: 'RSA', alg: 'RS512', use: 'sig', jwk: { kty: 'RSA', n: jwk.n, e: jwk.e } };
  const t = token('RS512', 'h', (input) => nodeSign('sha512', input, rsa.privateKey));
  assert.equal((await verifyCompactJws(t, resolverOf(key))).key, key);
  assert.equal(publicKeyObjectOf(key), publicKeyObjectOf(key));
});

test('parseJwk keeps the KeyObject it validated, so verification imports nothing per token', () => {
  const key = keyOf(ec.publicKey, 'e');
  const keyObject = publicKeyObjectOf(key);
  assert.equal(keyObject.type, 'public');
  assert.equal(keyObject.asymmetricKeyType, 'ec');
  assert.equal(publicKeyObjectOf(key), keyObject);
  // The VerificationKey itself stays plain data (no KeyObject member).
  assert.deepEqual(Object.keys(key).sort(), ['jwk', 'kid', 'kty', 'crv'].sort());
});
