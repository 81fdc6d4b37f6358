import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy, PolicyDocumentError, type PolicyKind } from '../../../src/policy/index.js';

const V = '2012-10-17';
const ok = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
const trustOk = { Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' };

/** Documents IAM answers with MalformedPolicyDocument (security.md I12), and the message. */
const malformed: Array<{ name: string; kind?: PolicyKind; doc: unknown; message: string | RegExp }> = [
  { name: 'rejects text that is not JSON (I12)', doc: '{"Version": "2012-10-17", ', message: 'Syntax errors in policy.' },
  { name: 'rejects an empty document', doc: '', message: 'Syntax errors in policy.' },
  { name: 'rejects a top level that is an array', doc: '[]', message: 'Syntax errors in policy.' },
  { name: 'rejects a top level that is a string', doc: '"policy"', message: 'Syntax errors in policy.' },
  { name: 'rejects duplicate JSON keys (I12)', doc: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Deny","Action":"s3:*","Resource":"*"}]}', message: 'Syntax errors in policy.' },
  { name: 'rejects duplicate top-level keys', doc: '{"Statement":[],"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}', message: 'Syntax errors in policy.' },
  { name: 'rejects trailing garbage after the document', doc: `${JSON.stringify({ Version: V, Statement: ok })} x`, message: 'Syntax errors in policy.' },
  { name: 'rejects an empty Statement list', doc: { Version: V, Statement: [] }, message: 'Syntax errors in policy.' },
  { name: 'rejects a document without Statement', doc: { Version: V }, message: 'Missing required field Statement' },
  { name: 'rejects an unknown Version (I12)', doc: { Version: '2012-10-18', Statement: ok }, message: 'The policy failed legacy parsing' },
  { name: 'rejects an Effect other than Allow or Deny (I12)', doc: { Version: V, Statement: { ...ok, Effect: 'allow' } }, message: 'The policy failed legacy parsing' },
  { name: 'rejects a statement without Effect', doc: { Version: V, Statement: { Action: 's3:*', Resource: '*' } }, message: 'Missing required field Effect' },
  { name: 'rejects both Action and NotAction (I12)', doc: { Version: V, Statement: { ...ok, NotAction: 'iam:*' } }, message: 'Syntax errors in policy.' },
  { name: 'rejects a statement without Action (I12)', doc: { Version: V, Statement: { Effect: 'Allow', Resource: '*' } }, message: 'Policy statement must contain actions.' },
  { name: 'rejects an action without a service prefix', doc: { Version: V, Statement: { ...ok, Action: 'GetObject' } }, message: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.' },
  { name: 'rejects an action that is not a string', doc: { Version: V, Statement: { ...ok, Action: 5 } }, message: 'Syntax errors in policy.' },
  { name: 'rejects both Resource and NotResource', doc: { Version: V, Statement: { ...ok, NotResource: 'arn:aws:s3:::x' } }, message: 'Syntax errors in policy.' },
  { name: 'rejects an identity statement without Resource', doc: { Version: V, Statement: { Effect: 'Allow', Action: 's3:*' } }, message: 'Policy statement must contain resources.' },
  { name: 'rejects a resource that is neither an ARN nor *', doc: { Version: V, Statement: { ...ok, Resource: 'bucket' } }, message: 'Resource bucket must be in ARN format or "*".' },
  { name: 'rejects a Principal in an identity policy', doc: { Version: V, Statement: { ...ok, Principal: '*' } }, message: 'Policy document should not specify a principal.' },
  { name: 'rejects a NotPrincipal in a session policy', kind: 'session', doc: { Version: V, Statement: { ...ok, NotPrincipal: { AWS: '123456789012' } } }, message: 'Policy document should not specify a principal.' },
  { name: 'rejects Resource in a trust policy', kind: 'trust', doc: { Version: V, Statement: { ...trustOk, Resource: '*' } }, message: 'Has prohibited field Resource' },
  { name: 'rejects NotResource in a trust policy', kind: 'trust', doc: { Version: V, Statement: { ...trustOk, NotResource: '*' } }, message: 'Has prohibited field NotResource' },
  { name: 'rejects a trust statement without Principal', kind: 'trust', doc: { Version: V, Statement: { Effect: 'Allow', Action: 'sts:AssumeRole' } }, message: 'Missing required field Principal' },
  { name: 'rejects a resource policy statement without Principal', kind: 'resource', doc: { Version: V, Statement: ok }, message: 'Missing required field Principal' },
  { name: 'rejects a wildcard inside a principal ARN', kind: 'trust', doc: { Version: V, Statement: { ...trustOk, Principal: { AWS: 'arn:aws:iam::123456789012:role/*' } } }, message: /^Invalid principal in policy: / },
  { name: 'rejects an unknown principal type', kind: 'trust', doc: { Version: V, Statement: { ...trustOk, Principal: { Group: 'admins' } } }, message: /^Invalid principal in policy: / },
  { name: 'rejects an unknown statement field', doc: { Version: V, Statement: { ...ok, Actions: 's3:*' } }, message: 'Unknown field Actions' },
  { name: 'rejects an unknown top-level field', doc: { Version: V, Statement: ok, Foo: 1 }, message: 'Unknown field Foo' },
  { name: 'rejects an unknown condition operator (I12)', doc: { Version: V, Statement: { ...ok, Condition: { StringEqualz: { 'aws:username': 'a' } } } }, message: 'Invalid Condition type : StringEqualz' },
  { name: 'rejects IfExists on Null', doc: { Version: V, Statement: { ...ok, Condition: { NullIfExists: { 'aws:username': 'true' } } } }, message: 'Invalid Condition type : NullIfExists' },
  { name: 'rejects a set operator on Null', doc: { Version: V, Statement: { ...ok, Condition: { 'ForAllValues:Null': { 'aws:username': 'true' } } } }, message: 'Invalid Condition type : ForAllValues:Null' },
  { name: 'rejects an unknown set operator', doc: { Version: V, Statement: { ...ok, Condition: { 'ForSomeValues:StringEquals': { 'aws:username': 'a' } } } }, message: 'Invalid Condition type : ForSomeValues:StringEquals' },
  { name: 'rejects a condition key without a vendor prefix', doc: { Version: V, Statement: { ...ok, Condition: { StringEquals: { username: 'a' } } } }, message: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.' },
  { name: 'rejects a condition value that is an object', doc: { Version: V, Statement: { ...ok, Condition: { StringEquals: { 'aws:username': { a: 1 } } } } }, message: 'Syntax errors in policy.' },
  { name: 'rejects a condition value that is null', doc: { Version: V, Statement: { ...ok, Condition: { StringEquals: { 'aws:username': null } } } }, message: 'Syntax errors in policy.' },
  { name: 'rejects a non-alphanumeric Sid in an identity policy', doc: { Version: V, Statement: { ...ok, Sid: 'my-sid' } }, message: 'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*' },
  { name: 'rejects duplicate Sids in an identity policy', doc: { Version: V, Statement: [{ ...ok, Sid: 'A' }, { ...ok, Sid: 'A' }] }, message: 'Statement IDs (SID) in a single policy must be unique.' },
  { name: 'rejects absurdly deep nesting instead of overflowing the stack', doc: `{"Version":"2012-10-17","Statement":${'['.repeat(5000)}${']'.repeat(5000)}}`, message: 'Syntax errors in policy.' },
];

for (const row of malformed) {
  test(row.name, () => {
    const text = typeof row.doc === 'string' ? row.doc : JSON.stringify(row.doc);
    assert.throws(
      () => parsePolicy(text, { kind: row.kind ?? 'identity' }),
      (e: unknown) => {
        assert.ok(e instanceof PolicyDocumentError, `expected PolicyDocumentError, got ${String(e)}`);
        if (typeof row.message === 'string') assert.equal(e.message, row.message);
        else assert.match(e.message, row.message);
        assert.equal(e.reason.check, 'policy.document');
        return true;
      },
    );
  });
}

test('rejects a document longer than maxLength (I12 oversize)', () => {
  const text = JSON.stringify({ Version: V, Statement: ok });
  assert.throws(() => parsePolicy(text, { maxLength: 20 }), PolicyDocumentError);
});

test('the reason of a syntax error names the precise cause', () => {
  try {
    parsePolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Deny"}]}');
    assert.fail('expected a PolicyDocumentError');
  } catch (e) {
    assert.ok(e instanceof PolicyDocumentError);
    assert.match(String(e.reason.detail), /duplicate key "Effect"/);
  }
});

const accepted: Array<{ name: string; kind?: PolicyKind; doc: unknown; statements: number }> = [
  { name: 'accepts a single Statement object and string values', doc: { Version: V, Statement: ok }, statements: 1 },
  { name: 'accepts a policy without Version', doc: { Statement: [ok, { ...ok, Effect: 'Deny' }] }, statements: 2 },
  { name: 'accepts Version 2008-10-17', doc: { Version: '2008-10-17', Statement: ok }, statements: 1 },
  { name: 'accepts arrays for Action and Resource and NotAction with NotResource', doc: { Version: V, Statement: [{ ...ok, Action: ['s3:GetObject', 'iam:Get*'], Resource: ['arn:aws:s3:::a', '*'] }, { Effect: 'Deny', NotAction: '*:*', NotResource: ['arn:aws:s3:::a'] }] }, statements: 2 },
  { name: 'accepts numbers and booleans as condition values', doc: { Version: V, Statement: { ...ok, Condition: { NumericLessThan: { 's3:max-keys': 10 }, Bool: { 'aws:SecureTransport': true } } } }, statements: 1 },
  { name: 'accepts an Id and a Sid', doc: { Version: V, Id: 'doc-1', Statement: { ...ok, Sid: 'Stmt1' } }, statements: 1 },
  { name: 'accepts a canonical Cognito trust policy', kind: 'trust', doc: { Version: V, Statement: { ...trustOk, Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool' }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } } } }, statements: 1 },
  { name: 'accepts a trust policy naming an account id, a role, a service and Principal *', kind: 'trust', doc: { Version: V, Statement: [{ Effect: 'Allow', Principal: { AWS: ['123456789012', 'arn:aws:iam::123456789012:role/r'], Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }, { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }] }, statements: 2 },
  { name: 'accepts NotPrincipal in a resource policy', kind: 'resource', doc: { Version: V, Statement: { Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 's3:*', Resource: '*' } }, statements: 1 },
  { name: 'treats a __proto__ condition key as an ordinary key', kind: 'identity', doc: '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"ex:__proto__":"x"}}}}', statements: 1 },
];

for (const row of accepted) {
  test(row.name, () => {
    const text = typeof row.doc === 'string' ? row.doc : JSON.stringify(row.doc);
    const p = parsePolicy(text, { kind: row.kind ?? 'identity' });
    assert.equal(p.statements.length, row.statements);
    assert.equal(p.kind, row.kind ?? 'identity');
  });
}

test('normalises a bare account id principal to the account root ARN', () => {
  const p = parsePolicy(JSON.stringify({ Version: V, Statement: { Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' } }), { kind: 'trust' });
  assert.deepEqual(p.statements[0]?.principal?.entries, [{ type: 'AWS', value: 'arn:aws:iam::123456789012:root' }]);
});

test('a parsed policy is frozen', () => {
  const p = parsePolicy(JSON.stringify({ Version: V, Statement: ok }));
  assert.ok(Object.isFrozen(p));
});
