/**
 * Building blocks: path normalisation and double encoding (SigV4 suite normalize-path/*,
 * security.md V06), query canonicalisation (V07), the signing-key cache, and query-string auth
 * without X-Amz-Expires.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  buildCanonicalRequest,
  buildStringToSign,
  canonicalPath,
  canonicalQuery,
  deriveSigningKey,
  EMPTY_SHA256,
  parseQuery,
  percentDecode,
  SigningKeyCache,
  verifySigV4,
  type SignedRequest,
} from '../../../src/sigv4/index.js';
import { collectHeaders } from '../../../src/sigv4/headers.js';
import { LONG_TERM, options, refusal } from './oracle.js';

const PATHS: Array<[string, string]> = [
  ['/', '/'],
  ['', '/'],
  ['/example/..', '/'], // normalize-path/get-relative
  ['/example1/example2/../..', '/'], // get-relative-relative
  ['//example//', '/example/'], // get-slashes
  ['/./', '/'], // get-slash-dot-slash
  ['/example/./', '/example/'],
  ['/example space/', '/example%20space/'], // get-space
  ['/a%2Fb', '/a%252Fb'], // an encoded slash stays inside its segment, encoded again
  ['/%252F', '/%25252F'],
  ['/caf%C3%A9', '/caf%25C3%25A9'],
  ['/ሴ', '/%E1%88%B4'], // get-utf8 (raw, as the suite sends it)
  ['/-._~AZaz09', '/-._~AZaz09'],
  ["/!'()*", '/%21%27%28%29%2A'],
];

for (const [raw, canonical] of PATHS) {
  test(`canonicalises the path ${JSON.stringify(raw)} to ${canonical}`, () => {
    assert.equal(canonicalPath(raw), canonical);
  });
}

test('canonicalises a query: decode, re-encode with the unreserved set, sort by name then value', () => {
  const q = parseQuery('b=2&a=z&a=a&A=upper&e&sp=a+b&pct=a%20b&tilde=%7E&lower=%2f&bad=%zz&high=%FF&utf=%C3%A9&=empty-name');
  assert.equal(
    canonicalQuery(q),
    '=empty-name&A=upper&a=a&a=z&b=2&bad=%25zz&e=&high=%FF&lower=%2F&pct=a%20b&sp=a%20b&tilde=~&utf=%C3%A9',
  );
});

test('leaves X-Amz-Signature out of the canonical query only when asked', () => {
  const q = parseQuery('X-Amz-Signature=abc&a=1');
  assert.equal(canonicalQuery(q, 'X-Amz-Signature'), 'a=1');
  assert.equal(canonicalQuery(q), 'X-Amz-Signature=abc&a=1');
});

test('percent-decodes to bytes, keeping malformed escapes literal', () => {
  assert.deepEqual(percentDecode('%41%4a%', false), Buffer.from('AJ%'));
  assert.deepEqual(percentDecode('a+b', false), Buffer.from('a+b'));
  assert.deepEqual(percentDecode('a+b', true), Buffer.from('a b'));
  assert.deepEqual(percentDecode('%FF%fe', true), Buffer.from([0xff, 0xfe]));
});

test('evicts the least recently used signing key at capacity', () => {
  const cache = new SigningKeyCache(2);
  const a = cache.get('s', '20260101', 'r1', 'iam');
  cache.get('s', '20260101', 'r2', 'iam');
  assert.equal(cache.get('s', '20260101', 'r1', 'iam'), a); // hit refreshes r1
  cache.get('s', '20260101', 'r3', 'iam'); // evicts r2
  assert.equal(cache.size, 2);
  assert.equal(cache.derivations, 3);
  cache.get('s', '20260101', 'r1', 'iam');
  assert.equal(cache.derivations, 3);
  cache.get('s', '20260101', 'r2', 'iam');
  assert.equal(cache.derivations, 4);
  assert.deepEqual(a, deriveSigningKey('s', '20260101', 'r1', 'iam'));
});

test('keeps signing keys of different secrets apart even when the region could blur the boundary', () => {
  const cache = new SigningKeyCache(8);
  const k1 = cache.get('secret', '20260101', 'a', 'sts');
  const k2 = cache.get('secret', '20260101', 'a"', 'sts');
  assert.notDeepEqual(k1, k2);
  assert.equal(cache.derivations, 2);
});

/** Query-string auth without X-Amz-Expires (older clients): signature computed with the suite-validated builders. */
function presignedWithoutExpires(date: string): SignedRequest {
  const params = `Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(`${LONG_TERM.accessKeyId}/${date.slice(0, 8)}/us-east-1/sts/aws4_request`)}&X-Amz-Date=${date}&X-Amz-SignedHeaders=host`;
  const headers = { host: 'localhost:4566' };
  const creq = buildCanonicalRequest({
    method: 'GET',
    path: '/',
    query: parseQuery(params),
    headers: collectHeaders(headers),
    signedHeaders: ['host'],
    payloadHash: EMPTY_SHA256,
  });
  const sts = buildStringToSign(date, `${date.slice(0, 8)}/us-east-1/sts/aws4_request`, creq);
  const sig = createHmac('sha256', deriveSigningKey(LONG_TERM.secretAccessKey, date.slice(0, 8), 'us-east-1', 'sts')).update(sts).digest('hex');
  return { method: 'GET', path: '/', query: `${params}&X-Amz-Signature=${sig}`, headers, body: Buffer.alloc(0) };
}

test('applies the 15-minute window to query-string auth that carries no X-Amz-Expires', async () => {
  const req = presignedWithoutExpires('20260314T150926Z');
  const v = await verifySigV4(req, options(new Date('2026-03-14T15:24:26Z')));
  assert.equal(v.presigned, true);
  await refusal(verifySigV4(req, options(new Date('2026-03-14T15:24:27Z'))), 'RequestExpired', 'sigv4.skew');
});
