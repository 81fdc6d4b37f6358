import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintPolicy } from '../../../src/policy/index.js';
import { policy, runRow, V } from './helpers.js';

const rows: Array<{ name: string; kind?: 'identity' | 'trust'; doc: unknown; codes: string[] }> = [
  { name: 'flags Allow + ForAllValues without a Null check (I07)', doc: { Version: V, Statement: { Effect: 'Allow', Action: 'iam:TagRole', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'a' } } } }, codes: ['for-all-values-without-null'] },
  { name: 'accepts ForAllValues paired with Null false (I07)', doc: { Version: V, Statement: { Effect: 'Allow', Action: 'iam:TagRole', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'a' }, Null: { 'aws:tagkeys': 'false' } } } }, codes: [] },
  { name: 'flags Deny + ForAnyValue without a Null check (I08)', doc: { Version: V, Statement: { Effect: 'Deny', Action: '*', Resource: '*', Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'x*' } } } }, codes: ['for-any-value-deny-without-null'] },
  { name: 'flags Allow + NotAction (I02)', doc: { Version: V, Statement: { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' } }, codes: ['allow-not-action'] },
  { name: 'flags variables in a policy without Version 2012-10-17 (I10)', doc: { Statement: { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/${aws:username}/*' } }, codes: ['variables-need-version'] },
  { name: 'flags a web-identity trust policy without an aud condition (I15)', kind: 'trust', doc: { Version: V, Statement: { Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' } }, codes: ['web-identity-trust-without-audience'] },
  { name: 'flags an OIDC-provider trust policy conditioned only on sub (I15)', kind: 'trust', doc: { Version: V, Statement: { Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:*' } } } }, codes: ['web-identity-trust-without-audience'] },
  { name: 'accepts a web-identity trust policy that constrains aud', kind: 'trust', doc: { Version: V, Statement: { Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } } } }, codes: [] },
  { name: 'accepts a Facebook trust policy that constrains app_id', kind: 'trust', doc: { Version: V, Statement: { Effect: 'Allow', Principal: { Federated: 'graph.facebook.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'graph.facebook.com:app_id': '1234' } } } }, codes: [] },
];

for (const row of rows) {
  test(row.name, () => {
    assert.deepEqual(lintPolicy(policy(row.doc, row.kind ?? 'identity')).map((a) => a.code), row.codes);
  });
}

test('I15: a trust policy without aud is still accepted and evaluated for parity', () => {
  const result = runRow({
    name: '', identity: [], resourceKind: 'trust', resource: 'arn:aws:iam::123456789012:role/r',
    resourcePolicy: rows[5]?.doc, principal: { type: 'Federated', ids: ['cognito-identity.amazonaws.com'] },
    action: 'sts:AssumeRoleWithWebIdentity', expect: 'Allow',
  });
  assert.equal(result.decision, 'Allow');
});
