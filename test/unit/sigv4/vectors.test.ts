/**
 * Vectors from the AWS SigV4 test suite (as carried in aws-sdk-js-v3
 * packages/signature-v4/src/suite.fixture.ts, Apache-2.0): request + expected Authorization.
 * Credentials AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830T123600Z,
 * region us-east-1, service "service".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildCanonicalRequest,
  buildStringToSign,
  deriveSigningKey,
  parseQuery,
  SigningKeyCache,
  verifySigV4,
  type SignedRequest,
} from '../../../src/sigv4/index.js';
import { collectHeaders } from '../../../src/sigv4/headers.js';
import { createHmac } from 'node:crypto';
import { escapeUri, refusal } from './oracle.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const NOW = new Date('2015-08-30T12:36:00Z');
const SCOPE = 'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';

interface Vector {
  name: string;
  method: string;
  path: string;
  query?: Array<[string, string]>;
  headers?: Array<[string, string]>;
  body?: string;
  signedHeaders: string;
  signature: string;
}

const VECTORS: Vector[] = [
  { name: 'get-vanilla', method: 'GET', path: '/', signedHeaders: 'host;x-amz-date', signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' },
  {
    name: 'get-header-key-duplicate',
    method: 'GET',
    path: '/',
    // Three header lines on the wire; canonical form joins them with ',' in received order.
    headers: [['My-Header1', 'value2'], ['My-Header1', 'value2'], ['My-Header1', 'value1']],
    signedHeaders: 'host;my-header1;x-amz-date',
    signature: 'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea',
  },
  {
    name: 'get-header-value-multiline',
    method: 'GET',
    path: '/',
    headers: [['My-Header1', 'value1,value2,value3']],
    signedHeaders: 'host;my-header1;x-amz-date',
    signature: 'ba17b383a53190154eb5fa66a1b836cc297cc0a3d70a5d00705980573d8ff790',
  },
  {
    name: 'get-header-value-trim',
    method: 'GET',
    path: '/',
    headers: [['My-Header1', ' value1'], ['My-Header2', ' "a   b   c"']],
    signedHeaders: 'host;my-header1;my-header2;x-amz-date',
    signature: 'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
  },
  {
    name: 'get-unreserved',
    method: 'GET',
    path: '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
    signedHeaders: 'host;x-amz-date',
    signature: '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f',
  },
  { name: 'get-utf8', method: 'GET', path: '/ሴ', signedHeaders: 'host;x-amz-date', signature: '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85' },
  {
    name: 'get-vanilla-query-order-key-case',
    method: 'GET',
    path: '/',
    query: [['Param2', 'value2'], ['Param1', 'value1']],
    signedHeaders: 'host;x-amz-date',
    signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
  },
  {
    name: 'get-vanilla-query-unreserved',
    method: 'GET',
    path: '/',
    query: [['-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz']],
    signedHeaders: 'host;x-amz-date',
    signature: '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197',
  },
  {
    name: 'get-vanilla-utf8-query',
    method: 'GET',
    path: '/',
    query: [['ሴ', 'bar']],
    signedHeaders: 'host;x-amz-date',
    signature: '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04',
  },
  { name: 'post-vanilla', method: 'POST', path: '/', signedHeaders: 'host;x-amz-date', signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b' },
  {
    name: 'post-vanilla-query',
    method: 'POST',
    path: '/',
    query: [['Param1', 'value1']],
    signedHeaders: 'host;x-amz-date',
    signature: '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11',
  },
  {
    name: 'post-vanilla-query-nonunreserved',
    method: 'POST',
    path: '/',
    query: [['@#$%^', ''], ['+', '/,?><`";:\\|][{}']],
    signedHeaders: 'host;x-amz-date',
    signature: '66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e',
  },
  {
    name: 'post-header-value-case',
    method: 'POST',
    path: '/',
    headers: [['My-Header1', 'VALUE1']],
    signedHeaders: 'host;my-header1;x-amz-date',
    signature: 'cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d',
  },
  {
    name: 'post-x-www-form-urlencoded',
    method: 'POST',
    path: '/',
    headers: [['Content-Type', 'application/x-www-form-urlencoded']],
    body: 'Param1=value1',
    signedHeaders: 'content-type;host;x-amz-date',
    signature: 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
  },
];

function toRequest(v: Vector): SignedRequest {
  const raw: string[] = ['Host', 'example.amazonaws.com'];
  for (const [n, val] of v.headers ?? []) raw.push(n, val);
  raw.push('X-Amz-Date', '20150830T123600Z');
  raw.push('Authorization', `AWS4-HMAC-SHA256 Credential=${SCOPE}, SignedHeaders=${v.signedHeaders}, Signature=${v.signature}`);
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) headers[raw[i].toLowerCase()] = raw[i + 1];
  return {
    method: v.method,
    path: v.path,
    query: (v.query ?? []).map(([k, val]) => `${escapeUri(k)}=${escapeUri(val)}`).join('&'),
    headers,
    rawHeaders: raw,
    body: Buffer.from(v.body ?? ''),
  };
}

const lookup = async (id: string) => (id === 'AKIDEXAMPLE' ? { secretAccessKey: SECRET, principal: 'example' } : undefined);

for (const v of VECTORS) {
  test(`verifies the SigV4 suite vector ${v.name}`, async () => {
    const verified = await verifySigV4(toRequest(v), { now: NOW, lookup, services: ['service'], signingKeyCache: new SigningKeyCache(4) });
    assert.equal(verified.accessKeyId, 'AKIDEXAMPLE');
    assert.equal(verified.region, 'us-east-1');
    assert.equal(verified.service, 'service');
    assert.equal(verified.principal, 'example');
    assert.equal(verified.presigned, false);
    assert.deepEqual(verified.signedHeaders, v.signedHeaders.split(';'));
    assert.equal(verified.date.toISOString(), '2015-08-30T12:36:00.000Z');
  });

  test(`refuses the SigV4 suite vector ${v.name} once its last signature nibble changes`, async () => {
    const req = toRequest(v);
    const bad = v.signature.slice(0, -1) + (v.signature.endsWith('0') ? '1' : '0');
    req.rawHeaders = req.rawHeaders!.map((x) => x.replace(v.signature, bad));
    await refusal(verifySigV4(req, { now: NOW, lookup, services: ['service'] }), 'SignatureDoesNotMatch', 'sigv4.signature');
  });
}

test('builds the get-vanilla canonical request, string to sign and signature of the AWS suite byte for byte', () => {
  const req = toRequest(VECTORS[0]);
  const creq = buildCanonicalRequest({
    method: 'GET',
    path: '/',
    query: parseQuery(''),
    headers: collectHeaders(req.headers, req.rawHeaders),
    signedHeaders: ['host', 'x-amz-date'],
    payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  });
  assert.equal(
    creq,
    'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
  const sts = buildStringToSign('20150830T123600Z', '20150830/us-east-1/service/aws4_request', creq);
  assert.equal(
    sts,
    'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
  );
  const key = deriveSigningKey(SECRET, '20150830', 'us-east-1', 'service');
  assert.equal(createHmac('sha256', key).update(sts).digest('hex'), '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
});

test('refuses the get-vanilla vector for the default service list, which does not include "service"', async () => {
  const e = await refusal(verifySigV4(toRequest(VECTORS[0]), { now: NOW, lookup }), 'SignatureDoesNotMatch', 'sigv4.scope.service');
  assert.match(e.message, /^Credential should be scoped to correct service: 'iam' or 'sts' or 'cognito-identity' or 'cognito-idp'\./);
});
