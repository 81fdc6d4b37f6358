import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRow, type EvalRow } from './helpers.js';

const V12 = '2012-10-17';
const resourcePolicy = (resource: string, version: string | null = V12): unknown => ({
  ...(version !== null ? { Version: version } : {}),
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resource }],
});
const conditionPolicy = (condition: unknown): unknown => ({
  Version: V12,
  Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: condition }],
});

const rows: EvalRow[] = [
  { name: 'substitutes ${aws:username} in Resource', identity: [resourcePolicy('arn:aws:s3:::b/${aws:username}/*')], action: 's3:GetObject', resource: 'arn:aws:s3:::b/alice/f', context: { 'aws:username': 'alice' }, expect: 'Allow' },
  { name: 'a substituted Resource does not cover another user', identity: [resourcePolicy('arn:aws:s3:::b/${aws:username}/*')], action: 's3:GetObject', resource: 'arn:aws:s3:::b/bob/f', context: { 'aws:username': 'alice' }, expect: 'ImplicitDeny' },
  { name: 'variable lookup ignores key case', identity: [resourcePolicy('arn:aws:s3:::b/${aws:PrincipalTag/Department}/*')], action: 's3:GetObject', resource: 'arn:aws:s3:::b/eng/f', context: { 'aws:principaltag/department': 'eng' }, expect: 'Allow' },
  { name: 'substitutes ${cognito-identity.amazonaws.com:sub}', identity: [resourcePolicy('arn:aws:s3:::b/cognito/${cognito-identity.amazonaws.com:sub}/*')], action: 'S3:GetObject', resource: 'arn:aws:s3:::b/cognito/us-east-1:1234/f', context: { 'cognito-identity.amazonaws.com:sub': 'us-east-1:1234' }, expect: 'Allow' },
  { name: 'a substituted * is literal, not a wildcard (I11)', identity: [resourcePolicy('arn:aws:s3:::b/${aws:username}/*')], action: 's3:GetObject', resource: 'arn:aws:s3:::b/bob/f', context: { 'aws:username': '*' }, expect: 'ImplicitDeny' },
  { name: 'a substituted * still matches itself literally (I11)', identity: [resourcePolicy('arn:aws:s3:::b/${aws:username}/*')], action: 's3:GetObject', resource: 'arn:aws:s3:::b/*/f', context: { 'aws:username': '*' }, expect: 'Allow' },
  { name: 'a substituted ? is literal (I11)', identity: [resourcePolicy('arn:aws:s3:::b/${aws:username}')], action: 's3:GetObject', resource: 'arn:aws:s3:::b/x', context: { 'aws:username': '?' }, expect: 'ImplicitDeny' },
  { name: 'substitution is a single pass: ${…} inside a value is not expanded (I11)', identity: [resourcePolicy('arn:aws:s3:::b/${aws:username}')], action: 's3:GetObject', resource: 'arn:aws:s3:::b/bob', context: { 'aws:username': '${aws:userid}', 'aws:userid': 'bob' }, expect: 'ImplicitDeny' },
  { name: 'an injected ${…} is kept as literal text (I11)', identity: [resourcePolicy('arn:aws:s3:::b/${aws:username}')], action: 's3:GetObject', resource: 'arn:aws:s3:::b/${aws:userid}', context: { 'aws:username': '${aws:userid}', 'aws:userid': 'bob' }, expect: 'Allow' },
  { name: 'an unresolved variable makes the statement not match (I10)', identity: [resourcePolicy('arn:aws:s3:::b/${aws:username}/*')], action: 's3:GetObject', resource: 'arn:aws:s3:::b/alice/f', context: {}, expect: 'ImplicitDeny' },
  { name: 'an empty value is not substituted (I10)', identity: [resourcePolicy('arn:aws:s3:::b/${aws:username}*')], action: 's3:GetObject', resource: 'arn:aws:s3:::b/anything', context: { 'aws:username': '' }, expect: 'ImplicitDeny' },
  { name: 'a multi-valued key cannot be substituted', identity: [resourcePolicy('arn:aws:s3:::b/${aws:TagKeys}')], action: 's3:GetObject', resource: 'arn:aws:s3:::b/a', context: { 'aws:TagKeys': ['a', 'b'] }, expect: 'ImplicitDeny' },
  { name: "a default ${key, 'dflt'} applies when the key is absent (I10)", identity: [resourcePolicy("arn:aws:s3:::b/${aws:username, 'guest'}/*")], action: 's3:GetObject', resource: 'arn:aws:s3:::b/guest/f', context: {}, expect: 'Allow' },
  { name: 'a default is not used when the key is present', identity: [resourcePolicy("arn:aws:s3:::b/${aws:username,'guest'}/*")], action: 's3:GetObject', resource: 'arn:aws:s3:::b/guest/f', context: { 'aws:username': 'alice' }, expect: 'ImplicitDeny' },
  { name: 'a default value is literal too', identity: [resourcePolicy("arn:aws:s3:::b/${aws:username, '*'}")], action: 's3:GetObject', resource: 'arn:aws:s3:::b/x', context: {}, expect: 'ImplicitDeny' },
  { name: '${*} is a literal asterisk', identity: [resourcePolicy('arn:aws:s3:::b/${*}')], action: 's3:GetObject', resource: 'arn:aws:s3:::b/x', context: {}, expect: 'ImplicitDeny' },
  { name: '${*} matches a literal asterisk', identity: [resourcePolicy('arn:aws:s3:::b/${*}')], action: 's3:GetObject', resource: 'arn:aws:s3:::b/*', context: {}, expect: 'Allow' },
  { name: '${?} is a literal question mark', identity: [resourcePolicy('arn:aws:s3:::b/q${?}')], action: 's3:GetObject', resource: 'arn:aws:s3:::b/qx', context: {}, expect: 'ImplicitDeny' },
  { name: '${$} is a literal dollar sign', identity: [resourcePolicy('arn:aws:s3:::b/${$}{aws:username}')], action: 's3:GetObject', resource: 'arn:aws:s3:::b/${aws:username}', context: { 'aws:username': 'alice' }, expect: 'Allow' },
  { name: 'Version 2008-10-17 treats ${…} as literal text (I10)', identity: [resourcePolicy('arn:aws:s3:::b/${aws:username}/*', '2008-10-17')], action: 's3:GetObject', resource: 'arn:aws:s3:::b/alice/f', context: { 'aws:username': 'alice' }, expect: 'ImplicitDeny' },
  { name: 'a policy without Version treats ${…} as literal text (I10)', identity: [resourcePolicy('arn:aws:s3:::b/${aws:username}/*', null)], action: 's3:GetObject', resource: 'arn:aws:s3:::b/${aws:username}/f', context: { 'aws:username': 'alice' }, expect: 'Allow' },
  { name: 'substitutes variables in StringEquals condition values', identity: [conditionPolicy({ StringEquals: { 's3:prefix': 'home/${aws:username}' } })], action: 's3:ListBucket', resource: 'arn:aws:s3:::b', context: { 'aws:username': 'alice', 's3:prefix': 'home/alice' }, expect: 'Allow' },
  { name: 'StringLike keeps its own wildcards around a substituted value', identity: [conditionPolicy({ StringLike: { 's3:prefix': 'home/${aws:username}/*' } })], action: 's3:ListBucket', resource: 'arn:aws:s3:::b', context: { 'aws:username': 'alice', 's3:prefix': 'home/alice/docs/x' }, expect: 'Allow' },
  { name: 'a substituted * inside StringLike is literal (I11)', identity: [conditionPolicy({ StringLike: { 's3:prefix': 'home/${aws:username}/*' } })], action: 's3:ListBucket', resource: 'arn:aws:s3:::b', context: { 'aws:username': 'a*', 's3:prefix': 'home/abc/x' }, expect: 'ImplicitDeny' },
  { name: 'an unresolved variable in a condition makes the statement not match (I10)', identity: [conditionPolicy({ StringNotEquals: { 's3:prefix': 'home/${aws:username}' } })], action: 's3:ListBucket', resource: 'arn:aws:s3:::b', context: { 's3:prefix': 'x' }, expect: 'ImplicitDeny' },
  {
    name: 'a Deny whose variable cannot be resolved does not apply (the statement is invalid, I10)',
    identity: [{ Version: V12, Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::b/${aws:username}/*' }] }],
    action: 's3:GetObject', resource: 'arn:aws:s3:::b/alice/f', context: {}, expect: 'Allow',
  },
];

for (const row of rows) {
  test(row.name, () => {
    const result = runRow(row);
    assert.equal(result.decision, row.expect, JSON.stringify(result.reason));
  });
}

test('the implicit-deny reason says that a variable could not be resolved', () => {
  const result = runRow(rows[9] as EvalRow);
  assert.equal(result.reason.check, 'policy.implicit-deny');
  assert.match(String(result.reason.detail), /cannot resolve a policy variable in resource arn:aws:s3:::b\/\$\{aws:username\}\/\*/);
});
