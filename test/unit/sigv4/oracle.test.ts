/**
 * Differential tests against @smithy/signature-v4: what the SDK signs verifies, and every single
 * mutation of a signed request is refused with the right kind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { deriveSigningKey, SigningKeyCache, verifySigV4, type SignedRequest } from '../../../src/sigv4/index.js';
import { clone, header, LONG_TERM, lookupFor, options, presign, refusal, SESSION, setHeader, sign, type OracleRequest } from './oracle.js';

const DATE = new Date('2026-03-14T15:09:26Z');
const NOW = new Date(DATE.getTime() + 42_000);

const CASES: Array<{ name: string; req: OracleRequest; service?: string; region?: string }> = [
  { name: 'a vanilla GET', req: { method: 'GET', path: '/' } },
  {
    name: 'an awsQuery POST with a form body',
    req: {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    },
  },
  {
    name: 'an awsJson POST to cognito-identity',
    service: 'cognito-identity',
    region: 'eu-west-1',
    req: {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.ListIdentityPools' },
      body: '{"MaxResults":10}',
    },
  },
  {
    name: 'a GET whose query has odd characters, an empty value and a repeated key',
    req: {
      method: 'GET',
      path: '/',
      query: { Action: 'ListRoles', 'Path Prefix': '/a b/+c/~d', empty: '', '@#$%^': '/,?><`";:\\|][{}', multi: ['z', 'a', 'm'], ሴ: 'ü€𝄞' },
    },
  },
  { name: 'a unicode, percent-encoded path', req: { method: 'GET', path: '/caf%C3%A9/%E1%88%B4/%F0%9D%84%9E' } },
  { name: 'a path with dot segments and doubled slashes', req: { method: 'GET', path: '/a/./b/../c//d/' } },
  { name: 'a path with an encoded slash and an encoded percent', req: { method: 'GET', path: '/a%2Fb/%252F' } },
  {
    name: 'headers with runs of spaces, tabs and a comma-joined value',
    req: { method: 'PUT', path: '/x', headers: { 'my-header': '  a   b \t c  ', 'x-dup': 'one,two', 'x-amz-user-agent': 'aws-sdk-js/3' }, body: 'payload' },
  },
  { name: 'a DELETE scoped to a custom region', region: 'tessera-local-1', req: { method: 'DELETE', path: '/item/1' } },
];

for (const c of CASES) {
  for (const creds of [LONG_TERM, SESSION]) {
    const who = creds.sessionToken ? 'session credentials' : 'a long-term key';
    test(`verifies ${c.name} signed in the Authorization header with ${who}`, async () => {
      const req = await sign(c.req, { creds, date: DATE, service: c.service ?? 'sts', region: c.region ?? 'us-east-1' });
      const v = await verifySigV4(req, options(NOW));
      assert.equal(v.accessKeyId, creds.accessKeyId);
      assert.equal(v.service, c.service ?? 'sts');
      assert.equal(v.region, c.region ?? 'us-east-1');
      assert.equal(v.sessionToken, creds.sessionToken);
      assert.equal(v.presigned, false);
      assert.deepEqual(v.principal, { arn: `arn:aws:iam::123456789012:user/${creds.accessKeyId}` });
      assert.ok(v.signedHeaders.includes('host') && v.signedHeaders.includes('x-amz-date'));
    });

    test(`verifies ${c.name} presigned with ${who}`, async () => {
      const req = await presign({ ...c.req, body: undefined }, { creds, date: DATE, service: c.service ?? 'sts', region: c.region ?? 'us-east-1', expiresIn: 300 });
      const v = await verifySigV4(req, options(NOW));
      assert.equal(v.presigned, true);
      assert.equal(v.sessionToken, creds.sessionToken);
      assert.equal(v.date.getTime(), DATE.getTime());
    });
  }
}

test('verifies duplicate header lines that the client signed as one comma-joined value', async () => {
  const req = await sign({ method: 'GET', path: '/', headers: { 'x-dup': 'one,two' } }, { creds: LONG_TERM, date: DATE });
  const raw = req.rawHeaders!.flatMap((v, i, all) => (i % 2 === 1 ? [] : all[i].toLowerCase() === 'x-dup' ? ['X-Dup', 'one', 'x-dup', '  two '] : [all[i], all[i + 1]]));
  await verifySigV4({ ...req, rawHeaders: raw }, options(NOW));
});

test('verifies a request whose headers arrive without rawHeaders (Node header record only)', async () => {
  const req = await sign({ method: 'POST', path: '/', body: 'Action=GetCallerIdentity' }, { creds: SESSION, date: DATE });
  const { rawHeaders: _ignored, ...withoutRaw } = req;
  await verifySigV4(withoutRaw, options(NOW));
});

test('verifies a body without x-amz-content-sha256 by hashing it', async () => {
  const req = await sign({ method: 'POST', path: '/', body: 'Action=ListRoles' }, { creds: LONG_TERM, date: DATE, applyChecksum: false });
  assert.equal(req.headers['x-amz-content-sha256'], undefined);
  await verifySigV4(req, options(NOW));
});

// ---- single mutations ------------------------------------------------------------------------

type Mutation = [name: string, mutate: (r: SignedRequest) => SignedRequest, kind: string, check?: string];

function authParts(r: SignedRequest) {
  const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(header(r, 'authorization'));
  if (!m) throw new Error('unexpected Authorization shape');
  return { credential: m[1], signedHeaders: m[2], signature: m[3] };
}

function withAuth(r: SignedRequest, patch: Partial<ReturnType<typeof authParts>>): SignedRequest {
  const p = { ...authParts(r), ...patch };
  return setHeader(r, 'Authorization', `AWS4-HMAC-SHA256 Credential=${p.credential}, SignedHeaders=${p.signedHeaders}, Signature=${p.signature}`);
}

function withScope(r: SignedRequest, index: number, value: string): SignedRequest {
  const parts = authParts(r).credential.split('/');
  parts[index] = value;
  return withAuth(r, { credential: parts.join('/') });
}

const SIG = 'sigv4.signature';
const HEADER_MUTATIONS: Mutation[] = [
  ['the method', (r) => ({ ...clone(r), method: 'PUT' }), 'SignatureDoesNotMatch', SIG],
  ['a path segment', (r) => ({ ...clone(r), path: '/iam/rolez' }), 'SignatureDoesNotMatch', SIG],
  ['the path case', (r) => ({ ...clone(r), path: '/IAM/roles' }), 'SignatureDoesNotMatch', SIG],
  ['a query key', (r) => ({ ...clone(r), query: r.query.replace('Action=', 'Actiom=') }), 'SignatureDoesNotMatch', SIG],
  ['a query value', (r) => ({ ...clone(r), query: r.query.replace('ListRoles', 'ListRolez') }), 'SignatureDoesNotMatch', SIG],
  ['a query value encoded %20 to a literal plus-sign', (r) => ({ ...clone(r), query: r.query.replace('a%20b', 'a%2Bb') }), 'SignatureDoesNotMatch', SIG],
  ['an added query parameter', (r) => ({ ...clone(r), query: r.query + '&Extra=1' }), 'SignatureDoesNotMatch', SIG],
  ['a dropped query parameter', (r) => ({ ...clone(r), query: r.query.split('&').slice(1).join('&') }), 'SignatureDoesNotMatch', SIG],
  ['a signed header value', (r) => setHeader(r, 'Content-Type', 'text/plain'), 'SignatureDoesNotMatch', SIG],
  ['the host header', (r) => setHeader(r, 'Host', 'evil.example:4566'), 'SignatureDoesNotMatch', SIG],
  ['a removed signed header', (r) => setHeader(r, 'Content-Type', undefined), 'SignatureDoesNotMatch', SIG],
  ['a SignedHeaders entry dropped (content-type)', (r) => withAuth(r, { signedHeaders: authParts(r).signedHeaders.replace('content-type;', '') }), 'SignatureDoesNotMatch', SIG],
  ['a SignedHeaders entry dropped (x-amz-date)', (r) => withAuth(r, { signedHeaders: authParts(r).signedHeaders.replace(';x-amz-date', '') }), 'IncompleteSignature', 'sigv4.unsigned-header'],
  ['a SignedHeaders entry dropped (host)', (r) => withAuth(r, { signedHeaders: authParts(r).signedHeaders.replace('host;', '') }), 'IncompleteSignature', 'sigv4.signed-headers.host'],
  ['a SignedHeaders entry added (user-agent)', (r) => withAuth(r, { signedHeaders: authParts(r).signedHeaders.replace('host;', 'host;user-agent;') }), 'SignatureDoesNotMatch', SIG],
  ['SignedHeaders reordered', (r) => withAuth(r, { signedHeaders: authParts(r).signedHeaders.split(';').reverse().join(';') }), 'IncompleteSignature', 'sigv4.signed-headers.format'],
  ['SignedHeaders upper-cased', (r) => withAuth(r, { signedHeaders: authParts(r).signedHeaders.toUpperCase() }), 'IncompleteSignature', 'sigv4.signed-headers.format'],
  ['X-Amz-Date by one second', (r) => setHeader(r, 'X-Amz-Date', '20260314T150927Z'), 'SignatureDoesNotMatch', SIG],
  ['X-Amz-Date to another day', (r) => setHeader(r, 'X-Amz-Date', '20260315T150926Z'), 'SignatureDoesNotMatch', 'sigv4.scope.date'],
  ['X-Amz-Date to a non-ISO form', (r) => setHeader(r, 'X-Amz-Date', 'Sat, 14 Mar 2026 15:09:26 GMT'), 'IncompleteSignature', 'sigv4.date.format'],
  ['the scope date', (r) => withScope(r, 1, '20260313'), 'SignatureDoesNotMatch', 'sigv4.scope.date'],
  ['the scope region', (r) => withScope(r, 2, 'us-west-2'), 'SignatureDoesNotMatch', SIG],
  ['the scope service to another accepted one', (r) => withScope(r, 3, 'sts'), 'SignatureDoesNotMatch', SIG],
  ['the scope service to an unknown one', (r) => withScope(r, 3, 's3'), 'SignatureDoesNotMatch', 'sigv4.scope.service'],
  ['the scope terminator', (r) => withScope(r, 4, 'aws4_requesx'), 'SignatureDoesNotMatch', 'sigv4.scope.terminator'],
  // Session token sent with a key it was not issued for: the credential store refuses (security.md V11).
  ['the access key to another known key', (r) => withScope(r, 0, LONG_TERM.accessKeyId), 'InvalidClientTokenId', 'test.session-token'],
  ['the access key to an unknown key', (r) => withScope(r, 0, 'AKIAUNKNOWNUNKNOWN00'), 'InvalidClientTokenId', 'sigv4.access-key'],
  ['one body byte (x-amz-content-sha256 sent)', (r) => ({ ...clone(r), body: Buffer.from('Action=ListRoles&Version=2010-05-09'.replace('Roles', 'Rolez')) }), 'SignatureDoesNotMatch', 'sigv4.payload-hash'],
  ['x-amz-content-sha256 rewritten to match a new body', (r) => setHeader({ ...clone(r), body: Buffer.from('X') }, 'x-amz-content-sha256', '4b68ab3847feda7d6c62c1fbcbeebfa35eab7351ed5e78f4ddadea5df64b8015'), 'SignatureDoesNotMatch', SIG],
  ['x-amz-content-sha256 to UNSIGNED-PAYLOAD', (r) => setHeader(r, 'x-amz-content-sha256', 'UNSIGNED-PAYLOAD'), 'SignatureDoesNotMatch', 'sigv4.payload-hash'],
  ['the session token', (r) => setHeader(r, 'X-Amz-Security-Token', header(r, 'x-amz-security-token') + 'x'), 'InvalidClientTokenId', 'test.session-token'],
  ['the signature to upper-case hex', (r) => withAuth(r, { signature: authParts(r).signature.toUpperCase() }), 'SignatureDoesNotMatch', SIG],
  ['the signature truncated by one nibble', (r) => withAuth(r, { signature: authParts(r).signature.slice(0, 63) }), 'SignatureDoesNotMatch', SIG],
  ['the signature extended by one nibble', (r) => withAuth(r, { signature: authParts(r).signature + '0' }), 'SignatureDoesNotMatch', SIG],
  ['the signature with its first nibble flipped', (r) => withAuth(r, { signature: ((parseInt(authParts(r).signature[0], 16) ^ 1).toString(16)) + authParts(r).signature.slice(1) }), 'SignatureDoesNotMatch', SIG],
  ['the signature emptied', (r) => setHeader(r, 'Authorization', header(r, 'authorization').replace(/Signature=[0-9a-f]+/, 'Signature=')), 'IncompleteSignature', 'sigv4.authorization.incomplete'],
  ['an added unsigned x-amz-* header', (r) => setHeader(r, 'X-Amz-Copy-Source', 'bucket/key'), 'IncompleteSignature', 'sigv4.unsigned-header'],
];

const BASE: OracleRequest = {
  method: 'POST',
  path: '/iam/roles',
  query: { Action: 'ListRoles', PathPrefix: 'a b' },
  headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  body: 'Action=ListRoles&Version=2010-05-09',
};

for (const [name, mutate, kind, check] of HEADER_MUTATIONS) {
  test(`refuses a header-signed request after mutating ${name} (${kind})`, async () => {
    const req = await sign(BASE, { creds: SESSION, date: DATE, service: 'iam' });
    await verifySigV4(req, options(NOW)); // the unmutated request verifies
    await refusal(verifySigV4(mutate(req), options(NOW)), kind, check);
  });
}

test('refuses a request signed by one long-term key but naming another known long-term key', async () => {
  const other = { accessKeyId: 'AKIAOTHEROTHEROTHER0', secretAccessKey: 'another/secret/key/0123456789abcdefghijk' };
  const req = await sign(BASE, { creds: LONG_TERM, date: DATE, service: 'iam' });
  const opts = options(NOW, { lookup: lookupFor([LONG_TERM, other]).lookup });
  await verifySigV4(req, opts);
  await refusal(verifySigV4(withScope(req, 0, other.accessKeyId), opts), 'SignatureDoesNotMatch', SIG);
});

test('refuses one body byte changed when the client sent no x-amz-content-sha256', async () => {
  const req = await sign(BASE, { creds: LONG_TERM, date: DATE, applyChecksum: false });
  await verifySigV4(req, options(NOW));
  const body = Buffer.from(req.body);
  body[3] ^= 0x20;
  await refusal(verifySigV4({ ...clone(req), body }, options(NOW)), 'SignatureDoesNotMatch', SIG);
});

test('puts the canonical request and string to sign in the reason, and never the computed signature', async () => {
  const req = await sign(BASE, { creds: LONG_TERM, date: DATE, service: 'iam' });
  const e = await refusal(verifySigV4({ ...clone(req), method: 'PUT' }, options(NOW)), 'SignatureDoesNotMatch', SIG);
  assert.equal(
    e.message,
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );
  const expected = e.reason.expected as { canonicalRequest: string; stringToSign: string };
  assert.ok(expected.canonicalRequest.startsWith('PUT\n/iam/roles\nAction=ListRoles&PathPrefix=a%20b\ncontent-type:'));
  assert.ok(expected.stringToSign.startsWith('AWS4-HMAC-SHA256\n20260314T150926Z\n20260314/us-east-1/iam/aws4_request\n'));
  // What the verifier computed for the mutated request must not be disclosed anywhere in the refusal.
  const computed = createHmac('sha256', deriveSigningKey(LONG_TERM.secretAccessKey, '20260314', 'us-east-1', 'iam')).update(expected.stringToSign).digest('hex');
  assert.ok(!JSON.stringify(e.reason).includes(computed) && !e.message.includes(computed));
  assert.deepEqual(Object.keys(e.reason.expected as object).sort(), ['canonicalRequest', 'stringToSign']);
});

// ---- presigned mutations -------------------------------------------------------------------

function setQueryParam(r: SignedRequest, name: string, value: string | undefined): SignedRequest {
  const parts = r.query.split('&').filter((p) => !p.startsWith(name + '='));
  if (value !== undefined) parts.push(`${name}=${encodeURIComponent(value)}`);
  return { ...clone(r), query: parts.join('&') };
}
function queryParam(r: SignedRequest, name: string): string {
  const p = r.query.split('&').find((x) => x.startsWith(name + '='));
  if (!p) throw new Error(`no ${name}`);
  return decodeURIComponent(p.slice(name.length + 1));
}

const PRESIGN_MUTATIONS: Mutation[] = [
  ['the method', (r) => ({ ...clone(r), method: 'POST' }), 'SignatureDoesNotMatch', SIG],
  ['a path segment', (r) => ({ ...clone(r), path: '/sts/x' }), 'SignatureDoesNotMatch', SIG],
  ['an operation parameter', (r) => setQueryParam(r, 'Action', 'AssumeRole'), 'SignatureDoesNotMatch', SIG],
  ['X-Amz-Expires', (r) => setQueryParam(r, 'X-Amz-Expires', '3600'), 'SignatureDoesNotMatch', SIG],
  ['X-Amz-Date by one second', (r) => setQueryParam(r, 'X-Amz-Date', '20260314T150927Z'), 'SignatureDoesNotMatch', SIG],
  ['X-Amz-SignedHeaders (adds x-k8s-aws-id)', (r) => setQueryParam(r, 'X-Amz-SignedHeaders', 'host;x-k8s-aws-id'), 'SignatureDoesNotMatch', SIG],
  ['the scope region', (r) => setQueryParam(r, 'X-Amz-Credential', queryParam(r, 'X-Amz-Credential').replace('us-east-1', 'eu-west-1')), 'SignatureDoesNotMatch', SIG],
  ['the scope terminator', (r) => setQueryParam(r, 'X-Amz-Credential', queryParam(r, 'X-Amz-Credential').replace('aws4_request', 'aws4_reqest')), 'SignatureDoesNotMatch', 'sigv4.scope.terminator'],
  ['X-Amz-Algorithm', (r) => setQueryParam(r, 'X-Amz-Algorithm', 'AWS4-HMAC-SHA512'), 'IncompleteSignature', 'sigv4.algorithm'],
  ['the session token', (r) => setQueryParam(r, 'X-Amz-Security-Token', 'forged'), 'InvalidClientTokenId', 'test.session-token'],
  ['the signature to upper-case hex', (r) => setQueryParam(r, 'X-Amz-Signature', queryParam(r, 'X-Amz-Signature').toUpperCase()), 'SignatureDoesNotMatch', SIG],
  ['the signature truncated', (r) => setQueryParam(r, 'X-Amz-Signature', queryParam(r, 'X-Amz-Signature').slice(1)), 'SignatureDoesNotMatch', SIG],
  ['X-Amz-Signature repeated', (r) => ({ ...clone(r), query: r.query + '&X-Amz-Signature=' + queryParam(r, 'X-Amz-Signature') }), 'IncompleteSignature', 'sigv4.query.duplicate'],
  ['X-Amz-Credential removed', (r) => setQueryParam(r, 'X-Amz-Credential', undefined), 'IncompleteSignature', 'sigv4.query.incomplete'],
  ['a body added', (r) => ({ ...clone(r), body: Buffer.from('Action=AssumeRole') }), 'SignatureDoesNotMatch', SIG],
  ['an Authorization header added', (r) => setHeader(r, 'Authorization', 'AWS4-HMAC-SHA256 Credential=x/20260314/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00'), 'IncompleteSignature', 'sigv4.auth.ambiguous'],
  ['an unsigned x-amz-* header added', (r) => setHeader(r, 'x-amz-meta-foo', 'bar'), 'IncompleteSignature', 'sigv4.unsigned-header'],
  ['an x-amz-security-token header added', (r) => setHeader(r, 'x-amz-security-token', SESSION.sessionToken), 'IncompleteSignature', 'sigv4.token.placement'],
];

const PRESIGN_BASE: OracleRequest = { method: 'GET', path: '/', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' } };

for (const [name, mutate, kind, check] of PRESIGN_MUTATIONS) {
  test(`refuses a presigned request after mutating ${name} (${kind})`, async () => {
    const req = await presign(PRESIGN_BASE, { creds: SESSION, date: DATE, expiresIn: 900 });
    await verifySigV4(req, options(NOW));
    await refusal(verifySigV4(mutate(req), options(NOW)), kind, check);
  });
}

test('derives each signing key once per (secret, day, region, service) and reuses it', async () => {
  const cache = new SigningKeyCache(8);
  const { lookup } = lookupFor();
  for (let i = 0; i < 5; i++) {
    const req = await sign({ method: 'POST', path: '/', body: `n=${i}` }, { creds: LONG_TERM, date: new Date(DATE.getTime() + i * 1000) });
    await verifySigV4(req, { now: NOW, lookup, signingKeyCache: cache });
  }
  assert.equal(cache.derivations, 1);
  const other = await sign({ method: 'GET', path: '/' }, { creds: LONG_TERM, date: DATE, region: 'eu-west-1' });
  await verifySigV4(other, { now: NOW, lookup, signingKeyCache: cache });
  assert.equal(cache.derivations, 2);
  assert.equal(cache.size, 2);
});
