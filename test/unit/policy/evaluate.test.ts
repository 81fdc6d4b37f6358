import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRow, V, type EvalRow } from './helpers.js';

const stmt = (effect: string, action: unknown, resource: unknown = '*', extra: Record<string, unknown> = {}): Record<string, unknown> => ({ Effect: effect, Action: action, Resource: resource, ...extra });
const doc = (...statements: unknown[]): unknown => ({ Version: V, Statement: statements });
const ROLE = 'arn:aws:iam::123456789012:role/app';
const SESSION = 'arn:aws:sts::123456789012:assumed-role/app/s1';
const ROOT = 'arn:aws:iam::123456789012:root';
const caller = { type: 'AWS' as const, ids: [SESSION, ROLE, ROOT] };

/** security.md §1f rows I01–I13 (I12 is in parse.test.ts, I14 in conditions.test.ts, I15 in lint.test.ts). */
const rows: EvalRow[] = [
  // I01 deny precedence
  { name: 'I01: a Deny of s3:DeleteObject beats Allow s3:*', identity: [doc(stmt('Allow', 's3:*'), stmt('Deny', 's3:DeleteObject'))], action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/k', expect: 'ExplicitDeny' },
  { name: 'I01: the Deny wins in either order', identity: [doc(stmt('Deny', 's3:DeleteObject')), doc(stmt('Allow', 's3:*'))], action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/k', expect: 'ExplicitDeny' },
  { name: 'I01: actions the Deny does not name stay allowed', identity: [doc(stmt('Allow', 's3:*'), stmt('Deny', 's3:DeleteObject'))], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'Allow' },
  { name: 'I01: a Deny in a session policy wins', identity: [doc(stmt('Allow', 's3:*'))], session: [doc(stmt('Allow', '*'), stmt('Deny', 's3:DeleteObject'))], action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/k', expect: 'ExplicitDeny' },
  { name: 'I01: a Deny in the permissions boundary wins', identity: [doc(stmt('Allow', 's3:*'))], boundary: doc(stmt('Allow', '*'), stmt('Deny', 's3:DeleteObject')), action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/k', expect: 'ExplicitDeny' },
  { name: 'I01: a Deny in the resource policy wins over an identity Allow', identity: [doc(stmt('Allow', 's3:*'))], resourcePolicy: doc(stmt('Deny', 's3:DeleteObject', '*', { Principal: '*' })), principal: caller, action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/k', expect: 'ExplicitDeny' },
  { name: 'I01: when nothing matches the decision is an implicit deny', identity: [doc(stmt('Allow', 's3:*'))], action: 'iam:GetRole', resource: ROLE, expect: 'ImplicitDeny' },
  { name: 'I01: no policies at all is an implicit deny', identity: [], action: 'iam:GetRole', resource: ROLE, expect: 'ImplicitDeny' },
  // I02 NotAction
  { name: 'I02: Allow NotAction iam:* grants sts:AssumeRole', identity: [doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], action: 'sts:AssumeRole', resource: ROLE, expect: 'Allow' },
  { name: 'I02: Allow NotAction iam:* grants s3 actions', identity: [doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'Allow' },
  { name: 'I02: Allow NotAction iam:* does not grant iam actions', identity: [doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], action: 'iam:GetRole', resource: ROLE, expect: 'ImplicitDeny' },
  { name: 'I02: NotAction exclusion is case-insensitive', identity: [doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], action: 'IAM:getrole', resource: ROLE, expect: 'ImplicitDeny' },
  { name: 'I02: Deny NotAction with a condition denies the other actions when the condition holds', identity: [doc(stmt('Allow', '*'), { Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } } })], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:RequestedRegion': 'eu-west-1' }, expect: 'ExplicitDeny' },
  { name: 'I02: Deny NotAction leaves the listed actions alone', identity: [doc(stmt('Allow', '*'), { Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } } })], action: 'iam:GetRole', resource: ROLE, context: { 'aws:RequestedRegion': 'eu-west-1' }, expect: 'Allow' },
  { name: 'I02: Deny NotAction does not fire when its condition fails', identity: [doc(stmt('Allow', '*'), { Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } } })], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:RequestedRegion': 'us-east-1' }, expect: 'Allow' },
  { name: 'I02: Deny NotAction on its own grants nothing', identity: [doc({ Effect: 'Deny', NotAction: 'iam:*', Resource: '*' })], action: 'iam:GetRole', resource: ROLE, expect: 'ImplicitDeny' },
  // I03 NotResource
  { name: 'I03: Allow with NotResource covers resources outside the excluded set', identity: [doc({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::secret/*' })], action: 's3:GetObject', resource: 'arn:aws:s3:::public/k', expect: 'Allow' },
  { name: 'I03: Allow with NotResource does not cover the excluded set', identity: [doc({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::secret/*' })], action: 's3:GetObject', resource: 'arn:aws:s3:::secret/k', expect: 'ImplicitDeny' },
  // I04 matching rules
  { name: 'I04: the action is matched case-insensitively', identity: [doc(stmt('Allow', 's3:GetObject'))], action: 'S3:getobject', resource: 'arn:aws:s3:::b/k', expect: 'Allow' },
  { name: 'I04: the resource is matched case-sensitively', identity: [doc(stmt('Allow', 's3:GetObject', 'arn:aws:s3:::Bucket/*'))], action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/k', expect: 'ImplicitDeny' },
  { name: 'I04: ? in Resource matches exactly one character', identity: [doc(stmt('Allow', 's3:GetObject', 'arn:aws:s3:::b/file?.txt'))], action: 's3:GetObject', resource: 'arn:aws:s3:::b/file1.txt', expect: 'Allow' },
  { name: 'I04: ? in Resource does not match two characters', identity: [doc(stmt('Allow', 's3:GetObject', 'arn:aws:s3:::b/file?.txt'))], action: 's3:GetObject', resource: 'arn:aws:s3:::b/file12.txt', expect: 'ImplicitDeny' },
  { name: 'I04: * in Resource crosses /', identity: [doc(stmt('Allow', 's3:GetObject', 'arn:aws:s3:::b/*'))], action: 's3:GetObject', resource: 'arn:aws:s3:::b/x/y/z', expect: 'Allow' },
  { name: 'I04: * in Resource crosses :', identity: [doc(stmt('Allow', 'iam:GetRole', 'arn:aws:iam::*'))], action: 'iam:GetRole', resource: ROLE, expect: 'Allow' },
  { name: 'I04: an action wildcard covers its prefix', identity: [doc(stmt('Allow', 'iam:Get*'))], action: 'iam:GetRole', resource: ROLE, expect: 'Allow' },
  { name: 'I04: an action wildcard does not cover other actions', identity: [doc(stmt('Allow', 'iam:Get*'))], action: 'iam:ListRoles', resource: '*', expect: 'ImplicitDeny' },
  { name: 'I04: a specific Resource does not cover a request on *', identity: [doc(stmt('Allow', 'iam:ListRoles', ROLE))], action: 'iam:ListRoles', resource: '*', expect: 'ImplicitDeny' },
  // I05 missing key (matters for Deny)
  { name: 'I05: a Deny with StringNotEquals on an absent key fires', identity: [doc(stmt('Allow', '*'), stmt('Deny', '*', '*', { Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'red' } } }))], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'ExplicitDeny' },
  { name: 'I05: a Deny with ArnNotLike on an absent key fires', identity: [doc(stmt('Allow', '*'), stmt('Deny', '*', '*', { Condition: { ArnNotLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } } }))], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'ExplicitDeny' },
  { name: 'I05: a Deny with StringEquals on an absent key does not fire', identity: [doc(stmt('Allow', '*'), stmt('Deny', '*', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red' } } }))], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'Allow' },
  // I06 IfExists
  { name: 'I06: an Allow with StringEqualsIfExists on an absent key applies', identity: [doc(stmt('Allow', 's3:*', '*', { Condition: { StringEqualsIfExists: { 's3:x-amz-acl': 'private' } } }))], action: 's3:PutObject', resource: 'arn:aws:s3:::b/k', expect: 'Allow' },
  { name: 'I06: an Allow with StringEqualsIfExists on a present, different key does not apply', identity: [doc(stmt('Allow', 's3:*', '*', { Condition: { StringEqualsIfExists: { 's3:x-amz-acl': 'private' } } }))], action: 's3:PutObject', resource: 'arn:aws:s3:::b/k', context: { 's3:x-amz-acl': 'public-read' }, expect: 'ImplicitDeny' },
  // I07 ForAllValues on an empty set
  { name: 'I07: an Allow with ForAllValues and no tags fails open', identity: [doc(stmt('Allow', 'iam:TagRole', '*', { Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } } }))], action: 'iam:TagRole', resource: ROLE, expect: 'Allow' },
  { name: 'I07: pairing ForAllValues with Null false closes it', identity: [doc(stmt('Allow', 'iam:TagRole', '*', { Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] }, Null: { 'aws:TagKeys': 'false' } } }))], action: 'iam:TagRole', resource: ROLE, expect: 'ImplicitDeny' },
  // I08 ForAnyValue on a missing key
  { name: 'I08: a Deny with ForAnyValue:StringLike on a missing key does not fire', identity: [doc(stmt('Allow', '*'), stmt('Deny', '*', '*', { Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'admin*' } } }))], action: 'iam:TagRole', resource: ROLE, expect: 'Allow' },
  { name: 'I08: a Deny with ForAnyValue:StringLike fires when a value matches', identity: [doc(stmt('Allow', '*'), stmt('Deny', '*', '*', { Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'admin*' } } }))], action: 'iam:TagRole', resource: ROLE, context: { 'aws:TagKeys': ['team', 'admin-x'] }, expect: 'ExplicitDeny' },
  // I09 combination logic
  { name: 'I09: two operators must both hold', identity: [doc(stmt('Allow', 's3:*', '*', { Condition: { StringEquals: { 'aws:username': 'alice' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }))], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:username': 'alice', 'aws:SourceIp': '192.168.0.1' }, expect: 'ImplicitDeny' },
  { name: 'I09: values of one key are ORed', identity: [doc(stmt('Allow', 's3:*', '*', { Condition: { StringEquals: { 'aws:username': ['bob', 'alice'] }, IpAddress: { 'aws:SourceIp': ['192.168.0.0/16', '10.0.0.0/8'] } } }))], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:username': 'alice', 'aws:SourceIp': '192.168.0.1' }, expect: 'Allow' },
  { name: 'I09: a Deny with a negated operator over two values fires only when neither matches (NOR)', identity: [doc(stmt('Allow', '*'), stmt('Deny', '*', '*', { Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } } }))], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:RequestedRegion': 'eu-west-1' }, expect: 'Allow' },
  { name: 'I09: the NOR Deny fires for a third value', identity: [doc(stmt('Allow', '*'), stmt('Deny', '*', '*', { Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } } }))], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:RequestedRegion': 'ap-south-1' }, expect: 'ExplicitDeny' },
  // I10 / I11 are in variables.test.ts; one of each here for the row's sake
  { name: 'I10: ${aws:username} in a role session (no such key) does not match', identity: [doc(stmt('Allow', 's3:*', 'arn:aws:s3:::b/${aws:username}/*'))], action: 's3:GetObject', resource: 'arn:aws:s3:::b/x/k', context: { 'aws:userid': 'AROA:s1' }, expect: 'ImplicitDeny' },
  { name: 'I11: a principal tag containing * does not widen a Resource', identity: [doc(stmt('Allow', 's3:*', 'arn:aws:s3:::b/${aws:PrincipalTag/project}/*'))], action: 's3:GetObject', resource: 'arn:aws:s3:::b/other/k', context: { 'aws:PrincipalTag/project': '*' }, expect: 'ImplicitDeny' },
  // I13 session policies
  { name: 'I13: a session policy allowing * does not widen a role that allows only s3:GetObject', identity: [doc(stmt('Allow', 's3:GetObject'))], session: [doc(stmt('Allow', '*'))], action: 's3:PutObject', resource: 'arn:aws:s3:::b/k', expect: 'ImplicitDeny' },
  { name: 'I13: the intersection still allows s3:GetObject', identity: [doc(stmt('Allow', 's3:GetObject'))], session: [doc(stmt('Allow', '*:*'))], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'Allow' },
  { name: 'I13: a session policy never grants what the role does not', identity: [], session: [doc(stmt('Allow', 's3:GetObject'))], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'ImplicitDeny' },
  { name: 'I13: a narrower session policy limits the role', identity: [doc(stmt('Allow', 's3:*'))], session: [doc(stmt('Allow', 's3:GetObject'))], action: 's3:PutObject', resource: 'arn:aws:s3:::b/k', expect: 'ImplicitDeny' },
  { name: 'I13: any one of several session policies may allow', identity: [doc(stmt('Allow', 's3:*'))], session: [doc(stmt('Allow', 's3:GetObject')), doc(stmt('Allow', 's3:PutObject'))], action: 's3:PutObject', resource: 'arn:aws:s3:::b/k', expect: 'Allow' },
  // Permissions boundary
  { name: 'the permissions boundary limits identity policies', identity: [doc(stmt('Allow', '*'))], boundary: doc(stmt('Allow', 's3:*')), action: 'iam:CreateRole', resource: ROLE, expect: 'ImplicitDeny' },
  { name: 'identity ∩ boundary allows what both allow', identity: [doc(stmt('Allow', '*'))], boundary: doc(stmt('Allow', 's3:*')), action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'Allow' },
  { name: 'a boundary alone grants nothing', identity: [doc(stmt('Allow', 'iam:GetRole'))], boundary: doc(stmt('Allow', 's3:*')), action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'ImplicitDeny' },
  // Resource policies, same account
  { name: 'a resource policy naming the role session grants on its own', identity: [doc(stmt('Allow', 'iam:GetRole'))], resourcePolicy: doc(stmt('Allow', 's3:GetObject', '*', { Principal: { AWS: SESSION } })), principal: caller, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'Allow' },
  { name: 'a resource policy naming the role session is not limited by the boundary or session policy', identity: [doc(stmt('Allow', 'iam:GetRole'))], boundary: doc(stmt('Allow', 'iam:*')), session: [doc(stmt('Allow', 'iam:*'))], resourcePolicy: doc(stmt('Allow', 's3:GetObject', '*', { Principal: { AWS: SESSION } })), principal: caller, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'Allow' },
  { name: 'a resource policy naming the role ARN grants, limited by the boundary', identity: [doc(stmt('Allow', 'iam:GetRole'))], boundary: doc(stmt('Allow', 'iam:*')), resourcePolicy: doc(stmt('Allow', 's3:GetObject', '*', { Principal: { AWS: ROLE } })), principal: caller, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'ImplicitDeny' },
  { name: 'a resource policy naming the role ARN grants when nothing limits it', identity: [doc(stmt('Allow', 'iam:GetRole'))], resourcePolicy: doc(stmt('Allow', 's3:GetObject', '*', { Principal: { AWS: ROLE } })), principal: caller, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'Allow' },
  { name: 'a resource policy naming only the account delegates to identity policies', identity: [doc(stmt('Allow', 'iam:GetRole'))], resourcePolicy: doc(stmt('Allow', 's3:GetObject', '*', { Principal: { AWS: '123456789012' } })), principal: caller, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'ImplicitDeny' },
  { name: 'a resource policy naming the account plus an identity Allow allows', identity: [doc(stmt('Allow', 's3:GetObject'))], resourcePolicy: doc(stmt('Allow', 's3:GetObject', '*', { Principal: { AWS: ROOT } })), principal: caller, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'Allow' },
  { name: 'a resource policy naming someone else does not grant', identity: [doc(stmt('Allow', 'iam:GetRole'))], resourcePolicy: doc(stmt('Allow', 's3:GetObject', '*', { Principal: { AWS: 'arn:aws:iam::123456789012:role/other' } })), principal: caller, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'ImplicitDeny' },
  { name: 'a Deny with NotPrincipal applies to everyone not listed', identity: [doc(stmt('Allow', 's3:*'))], resourcePolicy: doc(stmt('Deny', 's3:*', '*', { NotPrincipal: { AWS: 'arn:aws:iam::123456789012:role/other' } })), principal: caller, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'ExplicitDeny' },
  { name: 'a Deny with NotPrincipal spares the principals listed', identity: [doc(stmt('Allow', 's3:*'))], resourcePolicy: doc(stmt('Deny', 's3:*', '*', { NotPrincipal: { AWS: ROLE } })), principal: caller, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'Allow' },
  // Cross account
  { name: 'cross-account: resource policy and identity policy must both allow', identity: [doc(stmt('Allow', 's3:GetObject'))], resourcePolicy: doc(stmt('Allow', 's3:GetObject', '*', { Principal: { AWS: '123456789012' } })), principal: caller, sameAccount: false, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'Allow' },
  { name: 'cross-account: a resource policy Allow alone is not enough', identity: [doc(stmt('Allow', 'iam:GetRole'))], resourcePolicy: doc(stmt('Allow', 's3:GetObject', '*', { Principal: { AWS: SESSION } })), principal: caller, sameAccount: false, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'ImplicitDeny' },
  { name: 'cross-account: an identity Allow alone is not enough', identity: [doc(stmt('Allow', 's3:GetObject'))], principal: caller, sameAccount: false, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'ImplicitDeny' },
  { name: 'cross-account: session policies still limit', identity: [doc(stmt('Allow', 's3:*'))], session: [doc(stmt('Allow', 's3:PutObject'))], resourcePolicy: doc(stmt('Allow', 's3:GetObject', '*', { Principal: { AWS: ROOT } })), principal: caller, sameAccount: false, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'ImplicitDeny' },
];

for (const row of rows) {
  test(row.name, () => {
    const result = runRow(row);
    assert.equal(result.decision, row.expect, JSON.stringify(result.reason));
  });
}

test('an explicit deny names the deciding statement by Sid', () => {
  const result = runRow({ name: '', identity: [doc(stmt('Allow', 's3:*'), { ...stmt('Deny', 's3:DeleteObject'), Sid: 'NoDelete' })], action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/k', expect: 'ExplicitDeny' });
  assert.equal(result.reason.check, 'policy.explicit-deny');
  assert.match(String(result.reason.detail), /statement "NoDelete" of identity policy identity\[0\] denies s3:DeleteObject on arn:aws:s3:::b\/k/);
  assert.deepEqual(result.matched.map((m) => [m.effect, m.sid ?? null]), [['Deny', 'NoDelete'], ['Allow', null]]);
});

test('an implicit deny says which action on which resource nothing allows, and which policies were consulted', () => {
  const result = runRow({ name: '', identity: [doc(stmt('Allow', 's3:*'))], action: 'iam:ListRoles', resource: 'arn:aws:iam::123456789012:role/', expect: 'ImplicitDeny' });
  assert.equal(result.reason.check, 'policy.implicit-deny');
  assert.equal(result.reason.detail, 'no statement allows iam:ListRoles on arn:aws:iam::123456789012:role/; no statement of identity policy identity[0] matches iam:ListRoles');
  assert.deepEqual(result.matched, []);
});

test('an implicit deny points at the nearest Allow and the condition that failed', () => {
  const result = runRow({ name: '', identity: [doc({ ...stmt('Allow', 's3:*'), Sid: 'OnlyAlice', Condition: { StringEquals: { 'aws:username': 'alice' } } })], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:username': 'bob' }, expect: 'ImplicitDeny' });
  assert.match(String(result.reason.detail), /nearest: statement "OnlyAlice" of identity policy identity\[0\]: condition StringEquals aws:username \["alice"\] is not met \(request has \["bob"\]\)/);
});

test('an implicit deny caused by a session policy says so', () => {
  const result = runRow({ name: '', identity: [doc(stmt('Allow', 's3:*'))], session: [doc(stmt('Allow', 's3:GetObject'))], action: 's3:PutObject', resource: 'arn:aws:s3:::b/k', expect: 'ImplicitDeny' });
  assert.match(String(result.reason.detail), /^no session policy allows s3:PutObject/);
});

test('an implicit deny caused by the permissions boundary says so', () => {
  const result = runRow({ name: '', identity: [doc(stmt('Allow', '*'))], boundary: doc(stmt('Allow', 's3:*')), action: 'iam:CreateRole', resource: ROLE, expect: 'ImplicitDeny' });
  assert.match(String(result.reason.detail), /^the permissions boundary does not allow iam:CreateRole/);
});

test('an Allow names the statement that granted it', () => {
  const result = runRow({ name: '', identity: [doc({ ...stmt('Allow', 's3:GetObject'), Sid: 'Read' })], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'Allow' });
  assert.equal(result.reason.check, 'policy.allow');
  assert.match(String(result.reason.detail), /statement "Read"/);
});
