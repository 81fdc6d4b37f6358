import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { ServiceError } from '../../../src/errors/index.js';
import { codeOf } from './helpers.js';
import { decodeQueryInput, getModel, parseQueryBody, renderQueryError, renderQueryResponse } from '../../../src/wire/index.js';

const iam = getModel('iam');
const sts = getModel('sts');
const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'member' });


const decode = (model: typeof iam, op: string, body: string) => decodeQueryInput(model, op, parseQueryBody(body));

test('form bodies decode + as space and percent-escapes as UTF-8', () => {
  const p = parseQueryBody('Action=GetRole&RoleName=a+b%2Bc&Empty=&Flag&Name=%C3%A9t%C3%A9');
  assert.equal(p.get('RoleName'), 'a b+c');
  assert.equal(p.get('Empty'), '');
  assert.equal(p.get('Flag'), '');
  assert.equal(p.get('Name'), 'été');
});

test('a parameter given twice is refused (parameter pollution, security.md A08)', () => {
  const e = codeOf(() => parseQueryBody('Action=AssumeRole&RoleArn=a&RoleArn=b'));
  assert.equal(e.code, 'ValidationError');
  assert.match(e.message, /duplicate parameter 'RoleArn'/);
  // Same name after decoding counts as a duplicate too.
  assert.equal(codeOf(() => parseQueryBody('Role%41rn=a&RoleArn=b')).code, 'ValidationError');
});

test('malformed percent-escapes and invalid UTF-8 are MalformedQueryString', () => {
  assert.equal(codeOf(() => parseQueryBody('RoleName=%E0%A4')).code, 'MalformedQueryString');
  assert.equal(codeOf(() => parseQueryBody('RoleName=%zz')).code, 'MalformedQueryString');
  assert.equal(codeOf(() => parseQueryBody('RoleName=%C0%AF')).code, 'MalformedQueryString', 'overlong encoding of /');
});

test('CreateRole decodes Tags.member.N.Key/Value into a list of structures in index order', () => {
  const input = decode(
    iam,
    'CreateRole',
    'Action=CreateRole&Version=2010-05-08&RoleName=web&AssumeRolePolicyDocument=%7B%7D&MaxSessionDuration=7200' +
      '&Tags.member.2.Key=team&Tags.member.2.Value=id&Tags.member.1.Key=env&Tags.member.1.Value=prod',
  );
  assert.deepEqual(input, {
    RoleName: 'web',
    AssumeRolePolicyDocument: '{}',
    MaxSessionDuration: 7200,
    Tags: [
      { Key: 'env', Value: 'prod' },
      { Key: 'team', Value: 'id' },
    ],
  });
});

test('AssumeRole decodes PolicyArns.member.N.arn, lists of strings and integers', () => {
  const input = decode(
    sts,
    'AssumeRole',
    'RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr&RoleSessionName=s&DurationSeconds=900' +
      '&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnly&TransitiveTagKeys.member.1=env',
  );
  assert.deepEqual(input, {
    RoleArn: 'arn:aws:iam::123456789012:role/r',
    RoleSessionName: 's',
    PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnly' }],
    DurationSeconds: 900,
    TransitiveTagKeys: ['env'],
  });
});

test('an empty list is sent as Name= and decodes to []', () => {
  assert.deepEqual(decode(sts, 'AssumeRole', 'RoleArn=x&RoleSessionName=s&TransitiveTagKeys=').TransitiveTagKeys, []);
});

test('unknown parameters (Action, Version, X-Amz-*, typos) are ignored', () => {
  assert.deepEqual(decode(iam, 'GetRole', 'Action=GetRole&Version=2010-05-08&RoleName=r&Rolename=x&X-Amz-Date=1'), { RoleName: 'r' });
});

test('maps decode from Name.entry.N.key/value, refusing duplicate keys and keeping __proto__ an ordinary key', () => {
  // None of the in-scope query operations takes a map, so a minimal model exercises the walker.
  const model = {
    metadata: iam.metadata,
    operations: { Op: { input: 'In', errors: [], authtype: 'sigv4' as const } },
    shapes: {
      In: { type: 'structure' as const, members: { Attrs: { shape: 'M' } } },
      M: { type: 'map' as const, key: { shape: 'S' }, value: { shape: 'S' } },
      S: { type: 'string' as const },
    },
  };
  const input = decodeQueryInput(model, 'Op', parseQueryBody('Attrs.entry.1.key=a&Attrs.entry.1.value=1&Attrs.entry.2.key=__proto__&Attrs.entry.2.value=2'));
  const attrs = input.Attrs as Record<string, string>;
  assert.equal(attrs.a, '1');
  assert.equal(Object.getPrototypeOf(attrs), Object.prototype, 'a __proto__ key does not replace the prototype');
  assert.deepEqual(Object.keys(attrs), ['a', '__proto__']);
  assert.equal(codeOf(() => decodeQueryInput(model, 'Op', parseQueryBody('Attrs.entry.1.key=a&Attrs.entry.1.value=1&Attrs.entry.2.key=a&Attrs.entry.2.value=2'))).code, 'ValidationError');
});

test('nested structures decode from Outer.Inner', () => {
  const input = decode(
    sts,
    'AssumeRole',
    'RoleArn=x&RoleSessionName=s&ProvidedContexts.member.1.ProviderArn=arn%3Aaws%3Aiam%3A%3Aaws%3Acontextprovider%2FIdentityCenter&ProvidedContexts.member.1.ContextAssertion=abc',
  );
  assert.deepEqual(input.ProvidedContexts, [{ ProviderArn: 'arn:aws:iam::aws:contextprovider/IdentityCenter', ContextAssertion: 'abc' }]);
});

test('list indexes must run 1..N: gaps, zero, leading zeros and non-numbers are ValidationError', () => {
  for (const bad of ['Tags.member.1.Key=a&Tags.member.1.Value=b&Tags.member.3.Key=c&Tags.member.3.Value=d', 'Tags.member.0.Key=a', 'Tags.member.01.Key=a', 'Tags.member.x.Key=a', 'Tags.member.2.Key=a']) {
    const e = codeOf(() => decode(iam, 'CreateRole', `RoleName=r&AssumeRolePolicyDocument=d&${bad}`));
    assert.equal(e.code, 'ValidationError', bad);
  }
});

test('non-decimal integers and out-of-range values are ValidationError naming the member', () => {
  for (const v of ['abc', '1e3', '0x10', '12.0', '+5', ' 900', '99999999999']) {
    const e = codeOf(() => decode(sts, 'AssumeRole', `RoleArn=x&RoleSessionName=s&DurationSeconds=${encodeURIComponent(v)}`));
    assert.equal(e.code, 'ValidationError', v);
    assert.match(e.message, /at 'durationSeconds' failed to satisfy constraint: Member must be an integer/);
  }
  assert.equal(decode(sts, 'AssumeRole', 'RoleArn=x&RoleSessionName=s&DurationSeconds=-5').DurationSeconds, -5);
});

test('booleans accept only true/false', () => {
  assert.equal(decode(iam, 'UpdateAccountPasswordPolicy', 'RequireSymbols=true').RequireSymbols, true);
  assert.equal(decode(iam, 'UpdateAccountPasswordPolicy', 'RequireSymbols=false').RequireSymbols, false);
  for (const v of ['yes', 'TRUE', '1', '']) {
    assert.equal(codeOf(() => decode(iam, 'UpdateAccountPasswordPolicy', `RequireSymbols=${v}`)).code, 'ValidationError', v);
  }
});

test('the success envelope has the operation Response/Result wrappers, namespace and request id', () => {
  const expiration = new Date('2019-11-01T20:26:47Z');
  const xml = renderQueryResponse(
    sts,
    'AssumeRoleWithWebIdentity',
    {
      Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 's', SessionToken: 't', Expiration: expiration },
      SubjectFromWebIdentityToken: 'alice',
      AssumedRoleUser: { AssumedRoleId: 'AROA:s', Arn: 'arn:aws:sts::123456789012:assumed-role/r/s' },
      Audience: 'client',
      Internal: 'must not leak',
    },
    'req-1',
  );
  const doc = parser.parse(xml);
  const resp = doc.AssumeRoleWithWebIdentityResponse;
  assert.equal(resp['@_xmlns'], 'https://sts.amazonaws.com/doc/2011-06-15/');
  const result = resp.AssumeRoleWithWebIdentityResult;
  assert.equal(result.Credentials.Expiration, '2019-11-01T20:26:47Z');
  assert.equal(result.Credentials.AccessKeyId, 'ASIAEXAMPLE');
  assert.equal(result.SubjectFromWebIdentityToken, 'alice');
  assert.equal(resp.ResponseMetadata.RequestId, 'req-1');
  assert.ok(!xml.includes('Internal'));
  // Members appear in model order, whatever the handler's key order.
  assert.ok(xml.indexOf('<Credentials>') < xml.indexOf('<SubjectFromWebIdentityToken>'));
  assert.ok(xml.indexOf('<SubjectFromWebIdentityToken>') < xml.indexOf('<AssumedRoleUser>'));
});

test('lists render as <member> elements, booleans as true/false, and the XML round-trips', () => {
  const xml = renderQueryResponse(
    iam,
    'ListRoles',
    {
      Roles: [
        { Path: '/', RoleName: 'a', RoleId: 'AROA1', Arn: 'arn:aws:iam::123456789012:role/a', CreateDate: new Date(0), Tags: [{ Key: 'k', Value: 'v' }] },
        { Path: '/', RoleName: 'b', RoleId: 'AROA2', Arn: 'arn:aws:iam::123456789012:role/b', CreateDate: new Date(1500) },
      ],
      IsTruncated: false,
    },
    'r',
  );
  const result = parser.parse(xml).ListRolesResponse.ListRolesResult;
  assert.equal(result.Roles.member.length, 2);
  assert.equal(result.Roles.member[0].RoleName, 'a');
  assert.equal(result.Roles.member[0].CreateDate, '1970-01-01T00:00:00Z');
  assert.equal(result.Roles.member[1].CreateDate, '1970-01-01T00:00:01.500Z');
  assert.equal(result.Roles.member[0].Tags.member[0].Key, 'k');
  assert.equal(result.IsTruncated, 'false');
});

test('operations without output still return the envelope with the request id', () => {
  const xml = renderQueryResponse(iam, 'DeleteRole', undefined, 'req-9');
  assert.equal(xml, '<DeleteRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>req-9</RequestId></ResponseMetadata></DeleteRoleResponse>');
});

test('text is XML-escaped so hostile values cannot inject markup', () => {
  const xml = renderQueryResponse(sts, 'GetCallerIdentity', { UserId: `<&>"'`, Account: '123456789012', Arn: 'a]]></Arn><Arn>evil' }, 'r');
  assert.ok(xml.includes('<UserId>&lt;&amp;&gt;&quot;&apos;</UserId>'));
  const result = parser.parse(xml).GetCallerIdentityResponse.GetCallerIdentityResult;
  assert.equal(result.Arn, 'a]]></Arn><Arn>evil');
  assert.equal(result.UserId, `<&>"'`);
});

test('query errors use the ErrorResponse envelope with Sender for client faults and Receiver for server faults', () => {
  const xmlns = 'https://sts.amazonaws.com/doc/2011-06-15/';
  const client = parser.parse(renderQueryError(new ServiceError('InvalidIdentityToken', 'No OpenIDConnect provider found in your account for <x>'), xmlns, 'rid'));
  assert.equal(client.ErrorResponse['@_xmlns'], xmlns);
  assert.equal(client.ErrorResponse.Error.Type, 'Sender');
  assert.equal(client.ErrorResponse.Error.Code, 'InvalidIdentityToken');
  assert.equal(client.ErrorResponse.Error.Message, 'No OpenIDConnect provider found in your account for <x>');
  assert.equal(client.ErrorResponse.RequestId, 'rid');
  const server = parser.parse(renderQueryError(new ServiceError('ServiceFailure', 'oops'), xmlns, 'rid'));
  assert.equal(server.ErrorResponse.Error.Type, 'Receiver');
});
