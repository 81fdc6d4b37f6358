/**
 * Refusals other than tampering: time window, presigned expiry, credential state, placement of
 * the signature and the token, malformed Authorization headers (security.md V01, V03, V04, V05,
 * V10, V11).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Refusal } from '../../../src/errors/index.js';
import { hasSignature, verifySigV4, type SignedRequest } from '../../../src/sigv4/index.js';
import { clone, header, LONG_TERM, lookupFor, options, presign, refusal, SESSION, setHeader, sign } from './oracle.js';

const DATE = new Date('2015-08-30T12:36:00Z');
const at = (offsetSeconds: number) => new Date(DATE.getTime() + offsetSeconds * 1000);
const POST = { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' };
const GET = { method: 'GET', path: '/', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' } };

// ---- time window ---------------------------------------------------------------------------

test('accepts a request exactly 15 minutes old and exactly 15 minutes early', async () => {
  const req = await sign(POST, { creds: LONG_TERM, date: DATE });
  await verifySigV4(req, options(at(900)));
  await verifySigV4(req, options(at(-900)));
});

test('refuses a request more than 15 minutes old with AWS\'s "Signature expired" text', async () => {
  const req = await sign(POST, { creds: LONG_TERM, date: DATE });
  const e = await refusal(verifySigV4(req, options(at(1200))), 'RequestExpired', 'sigv4.skew');
  assert.equal(e.message, 'Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T125600Z - 15 min.)');
  await refusal(verifySigV4(req, options(at(901))), 'RequestExpired', 'sigv4.skew');
});

test('refuses a request dated more than 15 minutes in the future with "Signature not yet current"', async () => {
  const req = await sign(POST, { creds: LONG_TERM, date: DATE });
  const e = await refusal(verifySigV4(req, options(at(-901))), 'RequestExpired', 'sigv4.skew');
  assert.equal(e.message, 'Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T122059Z + 15 min.)');
});

test('honours a configured skew window', async () => {
  const req = await sign(POST, { creds: LONG_TERM, date: DATE });
  await verifySigV4(req, options(at(300), { maxSkewSeconds: 300 }));
  const e = await refusal(verifySigV4(req, options(at(301), { maxSkewSeconds: 300 })), 'RequestExpired');
  assert.match(e.message, /\(20150830T124101Z - 5 min\.\)$/);
});

test('does not consult the credential store for a stale request', async () => {
  const req = await sign(POST, { creds: LONG_TERM, date: DATE });
  const store = lookupFor();
  await refusal(verifySigV4(req, options(at(3600), { lookup: store.lookup })), 'RequestExpired');
  assert.equal(store.calls.length, 0);
});

// ---- presigned expiry ----------------------------------------------------------------------

test('accepts a presigned URL until its X-Amz-Expires has elapsed, beyond the 15-minute window', async () => {
  const req = await presign(GET, { creds: LONG_TERM, date: DATE, expiresIn: 3600 });
  await verifySigV4(req, options(at(3000)));
  await verifySigV4(req, options(at(3600)));
});

test('refuses a presigned URL past X-Amz-Expires with AccessDenied "Request has expired"', async () => {
  const req = await presign(GET, { creds: LONG_TERM, date: DATE, expiresIn: 60 });
  const e = await refusal(verifySigV4(req, options(at(61))), 'AccessDenied', 'sigv4.presign.expired');
  assert.equal(e.message, 'Request has expired');
});

test('refuses a presigned URL dated more than 15 minutes in the future', async () => {
  const req = await presign(GET, { creds: LONG_TERM, date: DATE, expiresIn: 3600 });
  await refusal(verifySigV4(req, options(at(-901))), 'RequestExpired', 'sigv4.skew');
});

test('accepts X-Amz-Expires of 604800 (one week)', async () => {
  const req = await presign(GET, { creds: LONG_TERM, date: DATE, expiresIn: 604_800 });
  await verifySigV4(req, options(at(604_000)));
});

for (const bad of ['0', '604801', '-1', '1.5', 'abc', '1e3', '', '99999999']) {
  test(`refuses X-Amz-Expires=${JSON.stringify(bad)} as out of range`, async () => {
    const req = await presign(GET, { creds: LONG_TERM, date: DATE, expiresIn: 60 });
    const query = req.query.replace(/X-Amz-Expires=[^&]*/, `X-Amz-Expires=${encodeURIComponent(bad)}`);
    await refusal(verifySigV4({ ...clone(req), query }, options(at(1))), 'IncompleteSignature', 'sigv4.query.expires');
  });
}

test('refuses a presigned URL whose session credentials expired before the URL did', async () => {
  const store = lookupFor([{ ...SESSION, expiresAt: at(120) }]);
  const req = await presign(GET, { creds: SESSION, date: DATE, expiresIn: 3600 });
  await verifySigV4(req, options(at(119), { lookup: store.lookup }));
  const e = await refusal(verifySigV4(req, options(at(120), { lookup: store.lookup })), 'AccessDenied', 'sigv4.presign.credential-expired');
  assert.equal(e.message, 'Request has expired');
});

// ---- credential state ----------------------------------------------------------------------

test('refuses an unknown access key with InvalidClientTokenId and AWS\'s text', async () => {
  const req = await sign(POST, { creds: { accessKeyId: 'AKIANOTKNOWN00000000', secretAccessKey: 'x' }, date: DATE });
  const e = await refusal(verifySigV4(req, options(DATE)), 'InvalidClientTokenId', 'sigv4.access-key');
  assert.equal(e.message, 'The security token included in the request is invalid.');
});

test('refuses session credentials from their expiry instant on with ExpiredToken', async () => {
  const store = lookupFor([{ ...SESSION, expiresAt: at(10) }]);
  const req = await sign(POST, { creds: SESSION, date: DATE });
  await verifySigV4(req, options(new Date(at(10).getTime() - 1), { lookup: store.lookup }));
  const e = await refusal(verifySigV4(req, options(at(10), { lookup: store.lookup })), 'ExpiredToken', 'sigv4.credential-expired');
  assert.equal(e.message, 'The security token included in the request is expired');
});

test('passes a Refusal thrown by lookup through unchanged', async () => {
  const thrown = new Refusal('ExpiredToken', 'The security token included in the request is expired', { check: 'token.exp' });
  const req = await sign(POST, { creds: SESSION, date: DATE });
  const lookup = async () => {
    throw thrown;
  };
  await assert.rejects(verifySigV4(req, { now: DATE, lookup }), (e) => e === thrown);
});

test('hands lookup the access key and the session token the request carries', async () => {
  const store = lookupFor();
  await verifySigV4(await sign(POST, { creds: SESSION, date: DATE }), options(DATE, { lookup: store.lookup }));
  await verifySigV4(await presign(GET, { creds: SESSION, date: DATE }), options(DATE, { lookup: store.lookup }));
  await verifySigV4(await sign(POST, { creds: LONG_TERM, date: DATE }), options(DATE, { lookup: store.lookup }));
  assert.deepEqual(store.calls, [
    [SESSION.accessKeyId, SESSION.sessionToken],
    [SESSION.accessKeyId, SESSION.sessionToken],
    [LONG_TERM.accessKeyId, undefined],
  ]);
});

// ---- unsigned headers, placement -----------------------------------------------------------

test('refuses an x-amz-* header that is present but not signed', async () => {
  const req = await sign(POST, { creds: LONG_TERM, date: DATE });
  const e = await refusal(verifySigV4(setHeader(req, 'X-Amz-Tagging', 'a=b'), options(DATE)), 'IncompleteSignature', 'sigv4.unsigned-header');
  assert.deepEqual(e.reason.actual, ['x-amz-tagging']);
});

test('refuses an unsigned x-amz-security-token header', async () => {
  const req = await sign(POST, { creds: SESSION, date: DATE, unsignableHeaders: ['x-amz-security-token'] });
  assert.ok(!header(req, 'authorization').includes('x-amz-security-token'));
  await refusal(verifySigV4(req, options(DATE)), 'IncompleteSignature', 'sigv4.unsigned-header');
});

test('accepts an unsigned x-amz-content-sha256 header, which the payload hash binds anyway', async () => {
  const req = await sign(POST, { creds: LONG_TERM, date: DATE, unsignableHeaders: ['x-amz-content-sha256'] });
  assert.ok(!header(req, 'authorization').includes('x-amz-content-sha256'));
  assert.ok(req.headers['x-amz-content-sha256']);
  await verifySigV4(req, options(DATE));
});

test('ignores x-amzn-* headers, which are not x-amz-* headers', async () => {
  const req = await sign(POST, { creds: LONG_TERM, date: DATE });
  await verifySigV4(setHeader(req, 'X-Amzn-Trace-Id', 'Root=1-5759e988-bd862e3fe1be46a994272793'), options(DATE));
});

test('refuses a request carrying both an Authorization header and query-string auth', async () => {
  const signed = await sign(GET, { creds: LONG_TERM, date: DATE });
  const presigned = await presign(GET, { creds: LONG_TERM, date: DATE });
  const both: SignedRequest = { ...clone(signed), query: presigned.query };
  await refusal(verifySigV4(both, options(DATE)), 'IncompleteSignature', 'sigv4.auth.ambiguous');
  const onlyAlgorithm: SignedRequest = { ...clone(signed), query: signed.query + '&X-Amz-Algorithm=AWS4-HMAC-SHA256' };
  await refusal(verifySigV4(onlyAlgorithm, options(DATE)), 'IncompleteSignature', 'sigv4.auth.ambiguous');
});

test('refuses a header-signed request that also carries X-Amz-Security-Token in the query', async () => {
  const req = await sign({ ...GET, query: { ...GET.query, 'X-Amz-Security-Token': 'other' } }, { creds: SESSION, date: DATE });
  await refusal(verifySigV4(req, options(DATE)), 'IncompleteSignature', 'sigv4.token.placement');
});

for (const name of ['Host', 'Authorization', 'X-Amz-Date', 'X-Amz-Security-Token', 'X-Amz-Content-Sha256']) {
  test(`refuses a request with two ${name} header lines`, async () => {
    const req = await sign(POST, { creds: SESSION, date: DATE });
    const value = header(req, name.toLowerCase());
    const e = await refusal(verifySigV4({ ...clone(req), rawHeaders: [...req.rawHeaders!, name, value] }, options(DATE)), 'IncompleteSignature', 'sigv4.header.duplicate');
    assert.equal(e.reason.actual, name.toLowerCase());
  });
}

test('refuses an unsigned request with MissingAuthenticationToken', async () => {
  const req: SignedRequest = { method: 'POST', path: '/', query: '', headers: { host: 'localhost' }, body: Buffer.from('Action=ListRoles') };
  const e = await refusal(verifySigV4(req, options(DATE)), 'MissingAuthenticationToken', 'sigv4.auth.missing');
  assert.equal(e.message, 'Request is missing Authentication Token');
});

test('reports whether a request carries a signature', async () => {
  assert.equal(hasSignature({ method: 'GET', path: '/', query: 'Action=GetId', headers: {}, body: Buffer.alloc(0) }), false);
  assert.equal(hasSignature({ method: 'GET', path: '/', query: '', headers: { authorization: 'AWS4-HMAC-SHA256 x' }, body: Buffer.alloc(0) }), true);
  assert.equal(hasSignature({ method: 'GET', path: '/', query: 'X-Amz-Signature=ab', headers: {}, body: Buffer.alloc(0) }), true);
  assert.equal(hasSignature({ method: 'GET', path: '/', query: 'a=1&X-Amz-Algorithm=AWS4-HMAC-SHA256', headers: {}, body: Buffer.alloc(0) }), true);
  assert.equal(hasSignature({ method: 'GET', path: '/', query: '', headers: {}, rawHeaders: ['AUTHORIZATION', 'x'], body: Buffer.alloc(0) }), true);
  assert.equal(hasSignature(await presign(GET, { creds: LONG_TERM, date: DATE })), true);
});

// ---- malformed Authorization header --------------------------------------------------------

const MALFORMED: Array<[string, (auth: string) => string, string]> = [
  ['a different algorithm', (a) => a.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512'), 'sigv4.algorithm'],
  ['SigV4a', (a) => a.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256'), 'sigv4.algorithm'],
  ['a Bearer token', () => 'Bearer eyJhbGciOiJub25lIn0.e30.', 'sigv4.algorithm'],
  ['no Credential', (a) => a.replace(/Credential=[^,]+, /, ''), 'sigv4.authorization.incomplete'],
  ['no SignedHeaders', (a) => a.replace(/SignedHeaders=[^,]+, /, ''), 'sigv4.authorization.incomplete'],
  ['no Signature', (a) => a.replace(/, Signature=[0-9a-f]+/, ''), 'sigv4.authorization.incomplete'],
  ['a four-part credential', (a) => a.replace('/us-east-1/', '/'), 'sigv4.credential.format'],
  ['a six-part credential', (a) => a.replace('/us-east-1/', '/us-east-1/extra/'), 'sigv4.credential.format'],
  ['an empty credential element', (a) => a.replace('/us-east-1/', '//'), 'sigv4.credential.format'],
  ['a repeated Signature', (a) => a + ', Signature=' + '0'.repeat(64), 'sigv4.authorization.duplicate'],
  ['an empty SignedHeaders entry', (a) => a.replace('SignedHeaders=', 'SignedHeaders=;'), 'sigv4.signed-headers.format'],
];

for (const [name, mutate, check] of MALFORMED) {
  test(`refuses an Authorization header with ${name} as IncompleteSignature`, async () => {
    const req = await sign(POST, { creds: LONG_TERM, date: DATE });
    const store = lookupFor();
    await refusal(verifySigV4(setHeader(req, 'Authorization', mutate(header(req, 'authorization'))), options(DATE, { lookup: store.lookup })), 'IncompleteSignature', check);
    assert.equal(store.calls.length, 0);
  });
}

test('refuses a header-signed request without X-Amz-Date, naming every missing part', async () => {
  const req = await sign(POST, { creds: LONG_TERM, date: DATE });
  const auth = header(req, 'authorization').replace(/, Signature=[0-9a-f]+/, '');
  const e = await refusal(verifySigV4(setHeader(setHeader(req, 'X-Amz-Date', undefined), 'Authorization', auth), options(DATE)), 'IncompleteSignature');
  assert.equal(
    e.message,
    "Authorization header requires 'Signature' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
  );
});

test('refuses an impossible X-Amz-Date (February 30th)', async () => {
  const req = await sign(POST, { creds: LONG_TERM, date: DATE });
  await refusal(verifySigV4(setHeader(req, 'X-Amz-Date', '20150230T123600Z'), options(DATE)), 'IncompleteSignature', 'sigv4.date.format');
});
