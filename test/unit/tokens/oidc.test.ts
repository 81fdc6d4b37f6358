/**
 * security.md §1a rows J01–J26 (those that apply to verification) and N01/N03/N06, against a
 * real HTTPS issuer on 127.0.0.1 whose root CA is pinned by thumbprint.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { Refusal } from '../../../src/errors/index.js';
import { createOidcVerifier, decodeUnverified, type OidcProvider, type OidcVerifyOptions } from '../../../src/tokens/oidc.js';
import { startIssuer, jwsSign, type TestIssuer } from '../../helpers/issuer.js';

const NOW = new Date();
const now = Math.floor(NOW.getTime() / 1000);
let idp: TestIssuer;
let provider: OidcProvider;

before(async () => {
  idp = await startIssuer({ path: '/tenant' });
  provider = { issuer: idp.url, clientIds: ['client-a', 'client-b'], thumbprints: [idp.thumbprint] };
});
after(() => idp.close());

/** A fresh verifier (fresh JWKS cache) per test, so tests do not depend on each other's fetches. */
function verifier() {
  return createOidcVerifier({ clock: () => NOW });
}
const AUD: OidcVerifyOptions = { audience: 'aud' };
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

function refused(kind: string, check: string) {
  return (e: unknown) => {
    assert.ok(e instanceof Refusal, `expected a Refusal, got ${e instanceof Error ? e.stack : String(e)}`);
    assert.equal(e.reason.check, check, `reason: ${JSON.stringify(e.reason)}`);
    assert.equal(e.kind, kind);
    return true;
  };
}
const invalid = (check: string) => refused('InvalidToken', check);

async function rejects(token: string, check: string, options: OidcVerifyOptions = AUD, p: OidcProvider = provider) {
  await assert.rejects(verifier().verify(token, p, options), invalid(check));
}

test('accepts a well-formed RS256 ID token and returns its claims and matched audience', async () => {
  const out = await verifier().verify(idp.sign(idp.claims({ aud: ['other', 'client-b'] }, NOW)), provider, AUD);
  assert.equal(out.subject, 'user-1234');
  assert.equal(out.issuer, idp.url);
  assert.equal(out.audience, 'client-b');
  assert.equal(out.header.kid, 'rsa-1');
});

test('accepts an ES256 ID token', async () => {
  const out = await verifier().verify(idp.sign(idp.claims({}, NOW), { kid: 'ec-1' }), provider, AUD);
  assert.equal(out.header.alg, 'ES256');
});

// ---- J01 alg none ---------------------------------------------------------------------------
test('J01 rejects alg none in every spelling, and an absent alg', async () => {
  const payload = b64(idp.claims({}, NOW));
  for (const alg of ['none', 'None', 'NONE', '', null]) {
    await rejects(`${b64({ alg, kid: 'rsa-1' })}.${payload}.`, 'jwt.alg');
  }
  await rejects(`${b64({ kid: 'rsa-1' })}.${payload}.`, 'jwt.alg');
});

test('J01 rejects an HS256 token whose MAC uses an empty secret', async () => {
  await rejects(idp.signRaw(JSON.stringify({ alg: 'HS256', kid: 'rsa-1' }), JSON.stringify(idp.claims({}, NOW)), { hmacSecret: new Uint8Array() }), 'jwt.alg');
});

// ---- J02 key confusion ----------------------------------------------------------------------
test('J02 rejects HS256 tokens keyed with the IdP public key in PEM, DER and JWK form', async () => {
  const rsa = idp.keys().find((k) => k.kid === 'rsa-1')!;
  const pub = createPublicKey({ key: rsa.publicJwk as never, format: 'jwk' });
  const secrets = [
    Buffer.from(pub.export({ type: 'spki', format: 'pem' }) as string),
    pub.export({ type: 'spki', format: 'der' }),
    Buffer.from(JSON.stringify(rsa.publicJwk)),
  ];
  for (const hmacSecret of secrets) {
    await rejects(idp.signRaw(JSON.stringify({ alg: 'HS256', kid: 'rsa-1' }), JSON.stringify(idp.claims({}, NOW)), { hmacSecret }), 'jwt.alg');
  }
});

// ---- J03 alg not registered -------------------------------------------------------------------
test('J03 rejects PS256 made with a key the JWKS registers for RS256', async () => {
  await rejects(idp.sign(idp.claims({}, NOW), { kid: 'rsa-1', alg: 'PS256' }), 'jwt.alg');
});

test('J03 rejects an ES256 token when the provider allows only RS256', async () => {
  await rejects(idp.sign(idp.claims({}, NOW), { kid: 'ec-1' }), 'jwt.alg', { audience: 'aud', algorithms: ['RS256'] });
});

// ---- J04 / J05 / J06 signature encodings ------------------------------------------------------
test('J04 rejects an ES256 signature with r = s = 0', async () => {
  const good = idp.sign(idp.claims({}, NOW), { kid: 'ec-1' });
  const [h, p] = good.split('.');
  await rejects(`${h}.${p}.${b64(Buffer.alloc(64))}`, 'jwt.signature');
});

test('J05 rejects a DER-encoded ES256 signature', async () => {
  const key = idp.keys().find((k) => k.kid === 'ec-1')!;
  const h = b64({ alg: 'ES256', kid: 'ec-1' });
  const p = b64(idp.claims({}, NOW));
  const { sign } = await import('node:crypto');
  const der = sign('sha256', Buffer.from(`${h}.${p}`), key.privateKey); // default DER encoding
  await rejects(`${h}.${p}.${b64(der)}`, 'jwt.signature');
  const p1363 = jwsSign('ES256', key.privateKey, Buffer.from(`${h}.${p}`));
  await rejects(`${h}.${p}.${b64(Buffer.concat([p1363, Buffer.from([0])]))}`, 'jwt.signature');
});

test('J06 rejects an RS256 signature with one bit flipped and one signed over another payload', async () => {
  const good = idp.sign(idp.claims({}, NOW));
  const [h, p, s] = good.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  sig[sig.length - 1] ^= 1;
  await rejects(`${h}.${p}.${b64(sig)}`, 'jwt.signature');
  const other = b64(idp.claims({ sub: 'admin' }, NOW));
  await rejects(`${h}.${other}.${s}`, 'jwt.signature');
});

// ---- J07 header-supplied keys -----------------------------------------------------------------
test('J07 ignores jwk, jku, x5u and x5c headers: an attacker key in them never verifies', async () => {
  const attacker = await startIssuer();
  try {
    const evilKey = attacker.keys().find((k) => k.kid === 'rsa-1')!;
    for (const extra of [{ jwk: evilKey.publicJwk }, { jku: attacker.jwksUri }, { x5u: `${attacker.origin}/cert.pem` }, { x5c: ['MIIB'] }]) {
      const token = attacker.signRaw(JSON.stringify({ alg: 'RS256', kid: 'rsa-1', ...extra }), JSON.stringify(idp.claims({}, NOW)));
      await rejects(token, 'jwt.signature');
    }
    assert.equal(attacker.jwksRequests, 0, 'jku was never fetched');
  } finally {
    await attacker.close();
  }
});

// ---- J08 kid abuse -----------------------------------------------------------------------------
test('J08 treats kid as an opaque map key: traversal, SQL and NUL kids are unknown keys', async () => {
  for (const kid of ['../../dev/null', "x' OR '1'='1", 'rsa-1\u0000', 'RSA-1']) {
    await rejects(idp.signRaw(JSON.stringify({ alg: 'RS256', kid }), JSON.stringify(idp.claims({}, NOW)), { kid: 'rsa-1' }), 'jwt.kid');
  }
});

test('J08 rejects a kid that is not a string or is longer than 256 characters', async () => {
  for (const kid of [12, ['rsa-1'], { k: 1 }, '', 'k'.repeat(257)]) {
    await rejects(idp.signRaw(JSON.stringify({ alg: 'RS256', kid }), JSON.stringify(idp.claims({}, NOW)), { kid: 'rsa-1' }), 'jwt.kid');
  }
});

// ---- J09 kid absent ----------------------------------------------------------------------------
test('J09 accepts a token without kid when exactly one key fits its alg', async () => {
  const out = await verifier().verify(idp.sign(idp.claims({}, NOW), { kid: null }), provider, AUD);
  assert.equal(out.subject, 'user-1234');
});

test('J09 rejects a token without kid when several keys fit, or when a kid is required', async () => {
  await rejects(idp.sign(idp.claims({}, NOW), { kid: null }), 'jwt.kid', { audience: 'aud', requireKid: true });
  const second = await idp.addKey('RS256', { kid: 'rsa-extra' });
  try {
    await rejects(idp.sign(idp.claims({}, NOW), { kid: null }), 'jwt.kid');
  } finally {
    idp.removeKey(second.kid);
  }
});

// ---- J10 key use ---------------------------------------------------------------------------------
test('J10 rejects keys published for encryption, without verify in key_ops, or with another alg or curve', async () => {
  const cases: Array<[Parameters<TestIssuer['addKey']>, string, string | undefined]> = [
    [['RS256', { kid: 'enc-key', jwk: { use: 'enc' } }], 'jwt.key', undefined],
    [['RS256', { kid: 'ops-key', jwk: { use: undefined, key_ops: ['encrypt'] } }], 'jwt.key', undefined],
    [['RS256', { kid: 'rs512-key', jwk: { alg: 'RS512' } }], 'jwt.alg', 'RS256'],
    [['ES384', { kid: 'p384-key', jwk: { alg: undefined } }], 'jwt.alg', 'ES256'],
  ];
  for (const [args, check, alg] of cases) {
    const key = await idp.addKey(...args);
    try {
      const token = idp.signRaw(JSON.stringify({ alg: alg ?? key.alg, kid: key.kid }), JSON.stringify(idp.claims({}, NOW)), { kid: key.kid });
      await rejects(token, check);
    } finally {
      idp.removeKey(key.kid);
    }
  }
});

// ---- J11 crit / b64 ------------------------------------------------------------------------------
test('J11 rejects any crit header, and b64', async () => {
  for (const extra of [{ crit: ['x-custom'], 'x-custom': 1 }, { crit: ['exp'] }, { crit: [] }, { crit: ['absent'] }, { b64: false, crit: ['b64'] }, { b64: false }]) {
    await rejects(idp.sign(idp.claims({}, NOW), { header: extra }), 'jwt.crit');
  }
});

// ---- J12 / J13 exp -------------------------------------------------------------------------------
test('J12 accepts a token up to five minutes after exp and refuses it as expired after that', async () => {
  await verifier().verify(idp.sign(idp.claims({ iat: now - 3600, exp: now - 299 }, NOW)), provider, AUD);
  await assert.rejects(verifier().verify(idp.sign(idp.claims({ iat: now - 3600, exp: now - 300 }, NOW)), provider, AUD), refused('ExpiredToken', 'jwt.exp'));
  await assert.rejects(
    verifier().verify(idp.sign(idp.claims({ iat: now - 3600, exp: now - 1 }, NOW)), provider, { audience: 'aud', clockSkewSeconds: 0 }),
    refused('ExpiredToken', 'jwt.exp'),
  );
});

test('J13 rejects an exp that is missing, a string, fractional, negative, unsafe or an array', async () => {
  for (const exp of [undefined, String(now + 600), now + 600.5, -1, 2 ** 53, [now + 600]]) {
    await rejects(idp.sign(idp.claims({ exp }, NOW)), 'jwt.exp');
  }
});

test('J13 rejects exp 1e309 (Infinity after parsing)', async () => {
  const payload = JSON.stringify(idp.claims({}, NOW)).replace(/"exp":\d+/, '"exp":1e309');
  await rejects(idp.signRaw(JSON.stringify({ alg: 'RS256', kid: 'rsa-1' }), payload), 'jwt.exp');
});

// ---- J14 nbf / iat -------------------------------------------------------------------------------
test('J14 rejects nbf beyond the skew, a missing iat and an iat in the future', async () => {
  await rejects(idp.sign(idp.claims({ nbf: now + 301 }, NOW)), 'jwt.nbf');
  await verifier().verify(idp.sign(idp.claims({ nbf: now + 299 }, NOW)), provider, AUD);
  await rejects(idp.sign(idp.claims({ iat: undefined }, NOW)), 'jwt.iat');
  await rejects(idp.sign(idp.claims({ iat: now + 3600 }, NOW)), 'jwt.iat');
  await rejects(idp.sign(idp.claims({ iat: 'yesterday' }, NOW)), 'jwt.iat');
});

// ---- J15 / J16 iss -------------------------------------------------------------------------------
test('J15 rejects a token of another issuer signed with that issuer\'s own key, without fetching', async () => {
  const other = await startIssuer({ path: '/tenant' });
  try {
    const before = idp.discoveryRequests;
    await rejects(other.sign(other.claims({}, NOW)), 'jwt.iss');
    assert.equal(idp.discoveryRequests, before);
    assert.equal(other.discoveryRequests, 0);
  } finally {
    await other.close();
  }
});

test('J16 compares iss as an exact string (slash, case, port, encoding, scheme, whitespace)', async () => {
  const u = new URL(idp.url);
  const variants = [
    `${idp.url}/`,
    idp.url.replace('https://', 'HTTPS://'),
    idp.url.replace('/tenant', '/Tenant'),
    idp.url.replace('/tenant', '%2Ftenant'),
    idp.url.replace('https:', 'http:'),
    ` ${idp.url}`,
    `${idp.url} `,
    `https://localhost:${u.port}/tenant`,
  ];
  for (const iss of variants) await rejects(idp.sign(idp.claims({ iss }, NOW)), 'jwt.iss');
  await rejects(idp.sign(idp.claims({ iss: undefined }, NOW)), 'jwt.iss');
});

// ---- J17 / J18 aud + azp -------------------------------------------------------------------------
test('J17 rejects an aud outside the client ids, a missing aud and an empty aud array', async () => {
  for (const aud of ['client-c', undefined, [], ['client-c'], [1], 'CLIENT-A']) {
    await rejects(idp.sign(idp.claims({ aud }, NOW)), 'jwt.aud');
  }
});

test('J18 rejects an azp that is not a client id even when aud contains one', async () => {
  await rejects(idp.sign(idp.claims({ aud: ['client-a', 'evil'], azp: 'evil' }, NOW)), 'jwt.azp');
  await rejects(idp.sign(idp.claims({ aud: ['client-a', 'evil'], azp: 'evil' }, NOW)), 'jwt.azp', { audience: 'azp-then-aud' });
  await rejects(idp.sign(idp.claims({ aud: 'client-a', azp: 7 }, NOW)), 'jwt.azp');
});

test('J18 with azp-then-aud the audience is azp when present, else aud', async () => {
  const v = verifier();
  const withAzp = await v.verify(idp.sign(idp.claims({ aud: 'some-api', azp: 'client-b' }, NOW)), provider, { audience: 'azp-then-aud' });
  assert.equal(withAzp.audience, 'client-b');
  const withoutAzp = await v.verify(idp.sign(idp.claims({ aud: ['x', 'client-a'] }, NOW)), provider, { audience: 'azp-then-aud' });
  assert.equal(withoutAzp.audience, 'client-a');
  // In 'aud' mode the same azp-only match is not enough.
  await rejects(idp.sign(idp.claims({ aud: 'some-api', azp: 'client-b' }, NOW)), 'jwt.aud');
});

// ---- J19 sub ---------------------------------------------------------------------------------------
test('J19 rejects a missing, empty, non-string or over-long sub and accepts 255 characters', async () => {
  for (const sub of [undefined, '', 42, ['a'], 's'.repeat(256)]) await rejects(idp.sign(idp.claims({ sub }, NOW)), 'jwt.sub');
  const out = await verifier().verify(idp.sign(idp.claims({ sub: 's'.repeat(255) }, NOW)), provider, AUD);
  assert.equal(out.subject.length, 255);
});

// ---- J21 duplicate members -------------------------------------------------------------------------
test('J21 rejects duplicate member names in payload, header and nested claims, escaped or not', async () => {
  const claims = JSON.stringify(idp.claims({}, NOW));
  const header = JSON.stringify({ alg: 'RS256', kid: 'rsa-1' });
  const cases: Array<[string, string]> = [
    [header, claims.replace('{', '{"sub":"admin",')],
    [header, claims.replace('"sub"', '"s\\u0075b":"admin","sub"')],
    [header, claims.replace('{', '{"nested":{"a":1,"a":2},')],
    ['{"alg":"none","alg":"RS256","kid":"rsa-1"}', claims],
  ];
  for (const [h, p] of cases) await rejects(idp.signRaw(h, p, { kid: 'rsa-1', alg: 'RS256' }), 'jwt.duplicate-member');
});

// ---- J22 base64url ---------------------------------------------------------------------------------
test('J22 rejects non-canonical base64url: padding, + and /, whitespace, stray characters, non-zero unused bits', async () => {
  const good = idp.sign(idp.claims({}, NOW));
  const [h, p, s] = good.split('.') as [string, string, string];
  const variants = [
    `${h}=.${p}.${s}`,
    `${h}.${p}==.${s}`,
    `${h}.${p}.${s.replace(/-/g, '+').replace(/_/g, '/')}${/[-_]/.test(s) ? '' : '+'}`,
    `${h} .${p}.${s}`,
    `${h}.${p}\n.${s}`,
    `${h}.${p}.?${s}`,
    `${h}.${p}#.${s}`,
  ];
  // Non-zero unused bits: change the last character of a segment whose length leaves spare bits.
  const spare = (seg: string) => seg.length % 4 !== 0;
  const bump = (seg: string) => seg.slice(0, -1) + String.fromCharCode(seg.charCodeAt(seg.length - 1) + 1);
  if (spare(s)) variants.push(`${h}.${p}.${bump(s)}`);
  if (spare(p)) variants.push(`${h}.${bump(p)}.${s}`);
  for (const t of variants) await rejects(t, 'jwt.format');
});

// ---- J23 structure -----------------------------------------------------------------------------------
test('J23 rejects wrong segment counts, empty parts, JSON serialization and non-object headers', async () => {
  const good = idp.sign(idp.claims({}, NOW));
  const [h, p, s] = good.split('.') as [string, string, string];
  for (const t of ['', `${h}.${p}`, `${h}.${p}.${s}.`, `${h}.${p}.${s}.${s}`, `.${p}.${s}`, JSON.stringify({ payload: p, signatures: [{ protected: h, signature: s }] })]) {
    await rejects(t, 'jwt.format');
  }
  for (const header of ['[]', '"RS256"', '42', 'null']) await rejects(`${b64(header)}.${p}.${s}`, 'jwt.format');
  await rejects(idp.sign(idp.claims({}, NOW), { header: { cty: 'JWT' } }), 'jwt.format');
  await rejects(`${h}.${p}.`, 'jwt.signature');
  await rejects(`${h}.${b64('[1]')}.${s}`, 'jwt.format');
});

// ---- J24 size & depth ----------------------------------------------------------------------------------
test('J24 rejects a token over 20 000 characters before any parsing or fetching', async () => {
  const before = idp.jwksRequests + idp.discoveryRequests;
  await rejects('a'.repeat(20_001), 'jwt.size');
  const big = idp.sign(idp.claims({ pad: 'x'.repeat(16_000) }, NOW));
  assert.ok(big.length > 20_000);
  await rejects(big, 'jwt.size');
  assert.equal(idp.jwksRequests + idp.discoveryRequests, before);
});

test('J24 rejects deeply nested JSON as malformed instead of crashing', async () => {
  const deep = '['.repeat(6_000) + ']'.repeat(6_000);
  const payload = JSON.stringify(idp.claims({}, NOW)).replace('{', `{"deep":${deep},`);
  const h = JSON.stringify({ alg: 'RS256', kid: 'rsa-1' });
  await rejects(`${b64(h)}.${b64(payload)}.${b64('sig')}`, 'jwt.format');
  await rejects(`${b64('{"a":' + '['.repeat(2_500) + ']'.repeat(2_500) + '}')}.${b64('{}')}.${b64('sig')}`, 'jwt.format');
});

// ---- J25 JWE ---------------------------------------------------------------------------------------------
test('J25 rejects a five-segment JWE', async () => {
  await rejects(`${b64({ alg: 'RSA-OAEP', enc: 'A256GCM', zip: 'DEF' })}.${b64('k')}.${b64('iv')}.${b64('ct')}.${b64('tag')}`, 'jwt.format');
});

// ---- J26 weak / ambiguous keys --------------------------------------------------------------------------
test('J26 refuses a 1024-bit RSA key in the JWKS and keeps verifying with the good keys', async () => {
  const weak = await idp.addKey('RS256', { kid: 'weak-1024', modulusLength: 1024 });
  try {
    await rejects(idp.sign(idp.claims({}, NOW), { kid: weak.kid }), 'jwt.kid');
    await verifier().verify(idp.sign(idp.claims({}, NOW)), provider, AUD);
  } finally {
    idp.removeKey(weak.kid);
  }
});

test('J26 rejects tokens naming a kid that two JWKS entries share', async () => {
  const twin = await idp.addKey('RS256', { kid: 'rsa-1' });
  try {
    await rejects(idp.sign(idp.claims({}, NOW), { kid: 'rsa-1' }), 'jwt.kid');
  } finally {
    // Restore: unpublish only the twin (removeKey would unpublish both).
    twin.published = false;
  }
  await verifier().verify(idp.sign(idp.claims({}, NOW)), provider, AUD);
});

// ---- N01 / N03 / N06 / thumbprints ----------------------------------------------------------------------
test('N01 refuses a discovery document naming another issuer or a non-https jwks_uri', async () => {
  const token = idp.sign(idp.claims({}, NOW));
  try {
    idp.setDiscovery({ issuer: `${idp.url}/`, jwks_uri: idp.jwksUri });
    await assert.rejects(verifier().verify(token, provider, AUD), refused('IdpCommunication', 'discovery.issuer'));
    idp.setDiscovery({ issuer: idp.url, jwks_uri: idp.jwksUri.replace('https:', 'http:') });
    await assert.rejects(verifier().verify(token, provider, AUD), refused('IdpCommunication', 'discovery.jwks_uri'));
  } finally {
    idp.setDiscovery(undefined);
  }
});

test('N01 refuses a provider issuer with a query, a fragment or plain http', async () => {
  for (const issuer of [`${idp.url}?a=b`, `${idp.url}#x`, idp.url.replace('https:', 'http:')]) {
    const token = idp.sign(idp.claims({ iss: issuer }, NOW));
    await assert.rejects(verifier().verify(token, { ...provider, issuer }, AUD), refused('IdpCommunication', 'provider.issuer'));
  }
});

test('N03 skips an unparseable key and still verifies with the others', async () => {
  const good = idp.keys().filter((k) => k.published).map((k) => k.publicJwk);
  try {
    idp.setJwks({ keys: [{ kty: 'RSA', kid: 'broken', n: '!!', e: 'AQAB' }, { kty: 'oct', k: 'c2VjcmV0' }, 'junk', ...good] });
    await verifier().verify(idp.sign(idp.claims({}, NOW)), provider, AUD);
  } finally {
    idp.setJwks(undefined);
  }
});

test('N03 refuses a JWKS with more than 100 keys, and one that is not JSON', async () => {
  const token = idp.sign(idp.claims({}, NOW));
  try {
    const one = idp.keys()[0]!.publicJwk;
    idp.setJwks({ keys: Array.from({ length: 101 }, (_, i) => ({ ...one, kid: `k${i}` })) });
    await assert.rejects(verifier().verify(token, provider, AUD), refused('IdpCommunication', 'jwks.keys'));
    idp.setJwks('<html>not json</html>');
    await assert.rejects(verifier().verify(token, provider, AUD), refused('IdpCommunication', 'fetch.json'));
    idp.setJwks({ keys: 'none' });
    await assert.rejects(verifier().verify(token, provider, AUD), refused('IdpCommunication', 'jwks.format'));
  } finally {
    idp.setJwks(undefined);
  }
});

test('N06 reports an IdP answering 500 as an IdP communication failure', async () => {
  idp.route('/tenant/jwks', (_req, res) => res.writeHead(500).end());
  try {
    await assert.rejects(verifier().verify(idp.sign(idp.claims({}, NOW)), provider, AUD), refused('IdpCommunication', 'fetch.status'));
  } finally {
    idp.route('/tenant/jwks', undefined);
  }
});

test('refuses to fetch keys when the pinned thumbprint is wrong', async () => {
  await assert.rejects(
    verifier().verify(idp.sign(idp.claims({}, NOW)), { ...provider, thumbprints: ['ab'.repeat(20)] }, AUD),
    refused('IdpCommunication', 'fetch.tls'),
  );
});

test('decodeUnverified exposes iss for provider selection but applies the same strict decoding', () => {
  const token = idp.sign(idp.claims({}, NOW));
  assert.equal(decodeUnverified(token).claims.iss, idp.url);
  const dup = idp.signRaw('{"alg":"RS256","kid":"rsa-1"}', '{"iss":"a","iss":"b"}');
  assert.throws(() => decodeUnverified(dup), invalid('jwt.duplicate-member'));
  assert.throws(() => decodeUnverified(`${b64({ alg: 'none' })}.${b64({ iss: 'a' })}.`), invalid('jwt.alg'));
});
