import { test } from 'node:test';
import { generateFreshKeyPairSync } from '../../../src/keys/generate.js';
import assert from 'node:assert/strict';
import { decodeBase64Url } from '../../../src/tokens/base64url.js';
import { parseStrictJson, StrictJsonError } from '../../../src/json/strict-json.js';
import { parseJwk } from '../../../src/tokens/jwk.js';

test('decodes canonical base64url and refuses every other spelling of the same bytes', () => {
  assert.deepEqual(decodeBase64Url('Zm9v'), Buffer.from('foo'));
  assert.deepEqual(decodeBase64Url(''), Buffer.alloc(0));
  assert.deepEqual(decodeBase64Url('-_8'), Buffer.from([0xfb, 0xff]));
  for (const bad of ['Zm9v=', 'Zm8=', '+/8', 'Zm 9v', 'Zm9v\n', 'Zg?', 'Z', 'Zh', 'Zm9=']) {
    assert.equal(decodeBase64Url(bad), undefined, JSON.stringify(bad));
  }
});

test('parses JSON like JSON.parse when there are no duplicate members', () => {
  const text = '{"a":[1,2.5e3,-0,{"b":null}],"c":"\\u00e9\\n","d":true,"e":false,"f":{}}';
  assert.deepEqual(parseStrictJson(text), JSON.parse(text));
  assert.deepEqual(parseStrictJson(' [ ] '), []);
  assert.equal(parseStrictJson('"x"'), 'x');
});

test('refuses duplicate member names at any depth, including escaped spellings', () => {
  for (const text of ['{"a":1,"a":2}', '{"x":{"a":1,"b":{"c":1,"c":1}}}', '[{"a":1,"\\u0061":2}]', '{"a":1,"b":2,"a":3}']) {
    assert.throws(() => parseStrictJson(text), (e: unknown) => e instanceof StrictJsonError && e.kind === 'duplicate-member', text);
  }
  // The same name in sibling objects is fine.
  assert.deepEqual(parseStrictJson('[{"a":1},{"a":2}]'), [{ a: 1 }, { a: 2 }]);
});

test('refuses malformed JSON and trailing data', () => {
  for (const text of ['', '{', '{"a":}', '{"a" 1}', '[1,]', '{"a":1,}', '{a:1}', "{'a':1}", '01', '1 2', '"\u0001"', 'NaN', '{"a":1}x', '"\\x"']) {
    assert.throws(() => parseStrictJson(text), (e: unknown) => e instanceof StrictJsonError && e.kind === 'syntax', JSON.stringify(text));
  }
});

test('refuses nesting deeper than the limit without exhausting the stack', () => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  assert.throws(() => parseStrictJson(deep), (e: unknown) => e instanceof StrictJsonError && e.kind === 'depth');
  assert.deepEqual(parseStrictJson('[[[]]]', 3), [[[]]]);
  assert.throws(() => parseStrictJson('[[[[]]]]', 3), StrictJsonError);
});

test('J26 skips RSA keys with a small, huge or degenerate modulus or exponent', async () => {
  const jwk = generateFreshKeyPairSync({ type: 'rsa', modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
  assert.ok('key' in parseJwk({ ...jwk, kid: 'ok' }));
  const small = generateFreshKeyPairSync({ type: 'rsa', modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
  assert.ok('skipped' in parseJwk(small));
  assert.ok('skipped' in parseJwk({ ...jwk, e: 'AQ' }), 'e = 1');
  assert.ok('skipped' in parseJwk({ ...jwk, e: 'Ag' }), 'e = 2');
  const huge = Buffer.alloc(2048, 0xff).toString('base64url'); // 16 384-bit modulus
  assert.ok('skipped' in parseJwk({ kty: 'RSA', n: huge, e: 'AQAB' }));
  assert.ok('skipped' in parseJwk({ ...jwk, n: `${jwk.n}=` }), 'non-canonical base64url');
});

test('skips EC keys off their curve, on unsupported curves, or with bad kids', async () => {
  const jwk = generateFreshKeyPairSync({ type: 'ec', namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  assert.ok('key' in parseJwk(jwk));
  const y = Buffer.from(jwk.y!, 'base64url');
  y[0]! ^= 1;
  assert.ok('skipped' in parseJwk({ ...jwk, y: y.toString('base64url') }), 'point not on curve');
  assert.ok('skipped' in parseJwk({ ...jwk, crv: 'secp256k1' }));
  assert.ok('skipped' in parseJwk({ ...jwk, kid: 7 }));
  assert.ok('skipped' in parseJwk({ ...jwk, kid: 'k'.repeat(257) }));
  assert.ok('skipped' in parseJwk({ kty: 'oct', k: 'c2VjcmV0' }));
  assert.ok('skipped' in parseJwk({ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }));
});

test('keeps only public members of a JWK that also carries private ones', async () => {
  const priv = generateFreshKeyPairSync({ type: 'ec', namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const parsed = parseJwk(priv);
  assert.ok('key' in parsed);
  assert.deepEqual(Object.keys(parsed.key.jwk).sort(), ['crv', 'kty', 'x', 'y']);
});
