import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../../../src/errors/index.js';
import { codeOf } from './helpers.js';
import { decodeJsonInput, getModel, headerSafe, parseJsonBody, renderJsonError, renderJsonResponse, MAX_JSON_DEPTH } from '../../../src/wire/index.js';

const ci = getModel('cognito-identity');
const idp = getModel('cognito-idp');


test('a JSON object body parses from a string or a Buffer', () => {
  assert.deepEqual(parseJsonBody('{"IdentityPoolId":"us-east-1:1","Logins":{"a":"b"}}'), { IdentityPoolId: 'us-east-1:1', Logins: { a: 'b' } });
  assert.deepEqual(parseJsonBody(Buffer.from(' {"a":[1,2.5e3,-0,true,false,null,"\\u00e9"]} ')), { a: [1, 2500, -0, true, false, null, 'é'] });
  assert.deepEqual(parseJsonBody(''), {});
});

test('duplicate member names are SerializationException, at any depth and after unescaping (J21)', () => {
  for (const body of ['{"IdentityPoolId":"a","IdentityPoolId":"b"}', '{"Logins":{"sub":"alice","sub":"admin"}}', '{"a":[{"x":1,"x":2}]}', '{"a":1,"\\u0061":2}']) {
    assert.equal(codeOf(() => parseJsonBody(body)).code, 'SerializationException', body);
  }
  // The same name in sibling objects is not a duplicate.
  assert.deepEqual(parseJsonBody('{"a":{"x":1},"b":{"x":2}}'), { a: { x: 1 }, b: { x: 2 } });
});

test('malformed JSON is SerializationException', () => {
  for (const body of ['{', '{"a":}', '{"a":1,}', "{'a':1}", '{"a":01}', '{"a":1} x', '{"a":"\u0001"}', '{"a":"\\x"}', '{"a":NaN}', '{"a":1}{"b":2}', '{a:1}']) {
    assert.equal(codeOf(() => parseJsonBody(body)).code, 'SerializationException', body);
  }
});

test('a top level that is not an object is SerializationException', () => {
  for (const body of ['[]', '"x"', '1', 'null', 'true']) assert.equal(codeOf(() => parseJsonBody(body)).code, 'SerializationException', body);
});

test('nesting beyond the depth cap is SerializationException, even 100 000 levels deep (J24)', () => {
  const ok = '{"a":'.repeat(MAX_JSON_DEPTH - 1) + '1' + '}'.repeat(MAX_JSON_DEPTH - 1);
  assert.doesNotThrow(() => parseJsonBody(ok));
  const tooDeep = '{"a":' + '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH) + '}';
  assert.equal(codeOf(() => parseJsonBody(tooDeep)).code, 'SerializationException');
  const hostile = '{"a":' + '['.repeat(100_000);
  assert.equal(codeOf(() => parseJsonBody(hostile)).code, 'SerializationException');
});

test('invalid UTF-8 in a Buffer body is SerializationException', () => {
  assert.equal(codeOf(() => parseJsonBody(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]))).code, 'SerializationException');
});

test('decoding keeps modeled members, drops unknown ones and nulls', () => {
  const input = decodeJsonInput(ci, 'GetId', { IdentityPoolId: 'us-east-1:1', AccountId: null, Extra: 1, Logins: { 'accounts.google.com': 'tok' } });
  assert.deepEqual(input, { IdentityPoolId: 'us-east-1:1', Logins: { 'accounts.google.com': 'tok' } });
});

test('a value of the wrong JSON type is SerializationException with AWS wording', () => {
  const obj = codeOf(() => decodeJsonInput(ci, 'GetId', { IdentityPoolId: { nested: true } }));
  assert.deepEqual(obj, { code: 'SerializationException', message: 'Start of structure or map found where not expected.' });
  assert.equal(codeOf(() => decodeJsonInput(ci, 'GetId', { IdentityPoolId: 'x', Logins: 'token' })).code, 'SerializationException');
  assert.equal(codeOf(() => decodeJsonInput(ci, 'GetId', { IdentityPoolId: ['x'] })).message, 'Start of list found where not expected.');
  assert.equal(codeOf(() => decodeJsonInput(ci, 'GetId', { IdentityPoolId: 5 })).message, 'NUMBER_VALUE can not be converted to a String');
  assert.equal(codeOf(() => decodeJsonInput(ci, 'ListIdentities', { IdentityPoolId: 'x', MaxResults: '10' })).code, 'SerializationException');
  assert.equal(codeOf(() => decodeJsonInput(ci, 'ListIdentities', { IdentityPoolId: 'x', MaxResults: 1.5 })).code, 'SerializationException');
  assert.equal(codeOf(() => decodeJsonInput(ci, 'ListIdentities', { IdentityPoolId: 'x', MaxResults: 1e10 })).code, 'SerializationException');
  assert.equal(codeOf(() => decodeJsonInput(ci, 'ListIdentities', { IdentityPoolId: 'x', MaxResults: 10, HideDisabled: 'true' })).code, 'SerializationException');
});

test('a Logins key named __proto__ stays an ordinary map entry', () => {
  const raw = parseJsonBody('{"IdentityPoolId":"x","Logins":{"__proto__":"tok"}}');
  const logins = decodeJsonInput(ci, 'GetId', raw).Logins as Record<string, string>;
  assert.equal(Object.getPrototypeOf(logins), Object.prototype);
  assert.deepEqual(Object.keys(logins), ['__proto__']);
});

test('responses render timestamps as epoch seconds, drop undefined and unmodeled members', () => {
  const body = renderJsonResponse(ci, 'GetCredentialsForIdentity', {
    IdentityId: 'us-east-1:abc',
    Credentials: { AccessKeyId: 'ASIA', SecretKey: 's', SessionToken: 't', Expiration: new Date('2024-01-01T00:00:00.250Z') },
    Secret: 'internal',
    Unset: undefined,
  });
  assert.deepEqual(JSON.parse(body), {
    IdentityId: 'us-east-1:abc',
    Credentials: { AccessKeyId: 'ASIA', SecretKey: 's', SessionToken: 't', Expiration: 1704067200.25 },
  });
  assert.equal(renderJsonResponse(ci, 'DeleteIdentityPool', undefined), '{}');
});

test('responses with lists and maps keep them; a handler returning the wrong type is a bug, not a silent coercion', () => {
  const body = JSON.parse(
    renderJsonResponse(ci, 'GetIdentityPoolRoles', { IdentityPoolId: 'p', Roles: { authenticated: 'arn:aws:iam::1:role/a' }, RoleMappings: { 'accounts.google.com': { Type: 'Token', AmbiguousRoleResolution: 'Deny' } } }),
  );
  assert.deepEqual(body.RoleMappings, { 'accounts.google.com': { Type: 'Token', AmbiguousRoleResolution: 'Deny' } });
  assert.throws(() => renderJsonResponse(ci, 'GetId', { IdentityId: 42 }), TypeError);
});

test('JSON errors carry __type and message in the body and the x-amzn-Error* headers', () => {
  const r = renderJsonError(new ServiceError('NotAuthorizedException', 'Invalid login token. Issuer doesn\'t match providerName'));
  assert.deepEqual(JSON.parse(r.body), { __type: 'NotAuthorizedException', message: "Invalid login token. Issuer doesn't match providerName" });
  assert.equal(r.headers['x-amzn-ErrorType'], 'NotAuthorizedException:');
  assert.equal(r.headers['x-amzn-ErrorMessage'], "Invalid login token. Issuer doesn't match providerName");
  assert.equal(r.headers['content-type'], 'application/x-amz-json-1.1');
});

test('the error message header cannot split headers or carry non-ASCII', () => {
  const r = renderJsonError(new ServiceError('ValidationException', 'bad\r\nSet-Cookie: x=1 café 100% 😀'));
  const h = r.headers['x-amzn-ErrorMessage']!;
  assert.ok(!/[\r\n]/.test(h));
  assert.match(h, /^[\x20-\x7E]*$/);
  assert.equal(decodeURIComponent(h), 'bad  Set-Cookie: x=1 café 100% 😀');
  assert.ok(headerSafe('é'.repeat(2000)).length <= 1024);
  assert.match(headerSafe('é'.repeat(2000)), /(%[0-9A-F]{2})+$/);
  assert.equal(JSON.parse(r.body).message, 'bad\r\nSet-Cookie: x=1 café 100% 😀');
  assert.equal(renderJsonError(new ServiceError('ValidationException', 'x\uD800y')).headers['x-amzn-ErrorMessage'], 'x%EF%BF%BDy');
});

test('user-pool operations decode through the same path (InitiateAuth AuthParameters map)', () => {
  const input = decodeJsonInput(idp, 'InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'c', AuthParameters: { USERNAME: 'u', PASSWORD: 'p' } });
  assert.deepEqual(input, { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'c', AuthParameters: { USERNAME: 'u', PASSWORD: 'p' } });
});
