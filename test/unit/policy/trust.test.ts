import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRow, V, type EvalRow } from './helpers.js';

/** Trust-policy evaluation as STS does it: identityPolicies empty, the trust policy decides. */
const POOL = 'us-east-1:11111111-2222-3333-4444-555555555555';
const cognitoTrust = {
  Version: V,
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'cognito-identity.amazonaws.com' },
      Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
      Condition: {
        StringEquals: { 'cognito-identity.amazonaws.com:aud': [POOL, 'us-east-1:other-pool'] },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
      },
    },
    {
      Sid: 'BlockOne',
      Effect: 'Deny',
      Principal: { Federated: 'cognito-identity.amazonaws.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'cognito-identity.amazonaws.com:sub': 'us-east-1:banned' } },
    },
  ],
};
const cognito = { type: 'Federated' as const, ids: ['cognito-identity.amazonaws.com'] };
const ROLE = 'arn:aws:iam::123456789012:role/auth';
const authed = { 'cognito-identity.amazonaws.com:aud': POOL, 'cognito-identity.amazonaws.com:sub': 'us-east-1:abc', 'cognito-identity.amazonaws.com:amr': ['authenticated', 'accounts.google.com', 'accounts.google.com:1234'] };
const OIDC_ARN = 'arn:aws:iam::123456789012:oidc-provider/idp.example.com/tenant';
const oidcTrust = { Version: V, Statement: { Effect: 'Allow', Principal: { Federated: OIDC_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'idp.example.com/tenant:aud': 'client-1' }, StringLike: { 'idp.example.com/tenant:sub': 'user-*' } } } };
const SESSION = 'arn:aws:sts::123456789012:assumed-role/caller/s';
const CALLER_ROLE = 'arn:aws:iam::123456789012:role/caller';
const ROOT = 'arn:aws:iam::123456789012:root';

const base = { resourceKind: 'trust' as const, identity: [], resource: ROLE };
const rows: EvalRow[] = [
  { ...base, name: 'allows the Cognito provider with a matching aud and an authenticated amr', resourcePolicy: cognitoTrust, principal: cognito, action: 'sts:AssumeRoleWithWebIdentity', context: authed, expect: 'Allow' },
  { ...base, name: 'allows sts:TagSession under the same statement', resourcePolicy: cognitoTrust, principal: cognito, action: 'sts:TagSession', context: authed, expect: 'Allow' },
  { ...base, name: 'allows the second pool listed under aud', resourcePolicy: cognitoTrust, principal: cognito, action: 'sts:AssumeRoleWithWebIdentity', context: { ...authed, 'cognito-identity.amazonaws.com:aud': 'us-east-1:other-pool' }, expect: 'Allow' },
  { ...base, name: 'refuses a token from another identity pool', resourcePolicy: cognitoTrust, principal: cognito, action: 'sts:AssumeRoleWithWebIdentity', context: { ...authed, 'cognito-identity.amazonaws.com:aud': 'us-east-1:evil' }, expect: 'ImplicitDeny' },
  { ...base, name: 'refuses an unauthenticated identity', resourcePolicy: cognitoTrust, principal: cognito, action: 'sts:AssumeRoleWithWebIdentity', context: { ...authed, 'cognito-identity.amazonaws.com:amr': ['unauthenticated'] }, expect: 'ImplicitDeny' },
  { ...base, name: 'refuses a token without amr (ForAnyValue on a missing key is false)', resourcePolicy: cognitoTrust, principal: cognito, action: 'sts:AssumeRoleWithWebIdentity', context: { 'cognito-identity.amazonaws.com:aud': POOL }, expect: 'ImplicitDeny' },
  { ...base, name: 'matches condition keys whatever their case in the request', resourcePolicy: cognitoTrust, principal: cognito, action: 'sts:AssumeRoleWithWebIdentity', context: { 'Cognito-Identity.amazonaws.com:AUD': POOL, 'cognito-identity.amazonaws.com:AMR': 'authenticated' }, expect: 'Allow' },
  { ...base, name: 'refuses another federated provider', resourcePolicy: cognitoTrust, principal: { type: 'Federated', ids: ['accounts.google.com'] }, action: 'sts:AssumeRoleWithWebIdentity', context: authed, expect: 'ImplicitDeny' },
  { ...base, name: 'refuses an AWS principal spelled like the provider', resourcePolicy: cognitoTrust, principal: { type: 'AWS', ids: ['cognito-identity.amazonaws.com'] }, action: 'sts:AssumeRoleWithWebIdentity', context: authed, expect: 'ImplicitDeny' },
  { ...base, name: 'refuses an action the trust policy does not list', resourcePolicy: cognitoTrust, principal: cognito, action: 'sts:AssumeRole', context: authed, expect: 'ImplicitDeny' },
  { ...base, name: 'an explicit Deny for one identity wins', resourcePolicy: cognitoTrust, principal: cognito, action: 'sts:AssumeRoleWithWebIdentity', context: { ...authed, 'cognito-identity.amazonaws.com:sub': 'us-east-1:banned' }, expect: 'ExplicitDeny' },
  { ...base, name: 'allows an IAM OIDC provider by ARN with aud and sub conditions', resourcePolicy: oidcTrust, principal: { type: 'Federated', id: OIDC_ARN }, action: 'sts:AssumeRoleWithWebIdentity', context: { 'idp.example.com/tenant:aud': 'client-1', 'idp.example.com/tenant:sub': 'user-42' }, expect: 'Allow' },
  { ...base, name: 'refuses an OIDC token for another client', resourcePolicy: oidcTrust, principal: { type: 'Federated', id: OIDC_ARN }, action: 'sts:AssumeRoleWithWebIdentity', context: { 'idp.example.com/tenant:aud': 'client-2', 'idp.example.com/tenant:sub': 'user-42' }, expect: 'ImplicitDeny' },
  { ...base, name: 'refuses an OIDC provider ARN from another account', resourcePolicy: oidcTrust, principal: { type: 'Federated', id: 'arn:aws:iam::999999999999:oidc-provider/idp.example.com/tenant' }, action: 'sts:AssumeRoleWithWebIdentity', context: { 'idp.example.com/tenant:aud': 'client-1', 'idp.example.com/tenant:sub': 'user-42' }, expect: 'ImplicitDeny' },
  { ...base, name: 'AssumeRole: a trust policy naming the caller role allows its sessions', resourcePolicy: { Version: V, Statement: { Effect: 'Allow', Principal: { AWS: CALLER_ROLE }, Action: 'sts:AssumeRole' } }, principal: { type: 'AWS', ids: [SESSION, CALLER_ROLE] }, action: 'sts:AssumeRole', expect: 'Allow' },
  { ...base, name: 'AssumeRole: a trust policy naming only the account delegates to identity policies and does not grant alone', resourcePolicy: { Version: V, Statement: { Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' } }, principal: { type: 'AWS', ids: [SESSION, CALLER_ROLE, ROOT] }, action: 'sts:AssumeRole', expect: 'ImplicitDeny' },
  { ...base, name: 'AssumeRole: a trust policy naming the account allows with an identity Allow when the root ARN is among the ids', trustOnly: false, identity: [{ Version: V, Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE } }], resourcePolicy: { Version: V, Statement: { Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' } }, principal: { type: 'AWS', ids: [SESSION, CALLER_ROLE, ROOT] }, action: 'sts:AssumeRole', expect: 'Allow' },
  { ...base, name: 'AssumeRole: a trust policy naming the account does not match the role by name alone', resourcePolicy: { Version: V, Statement: { Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' } }, principal: { type: 'AWS', ids: [SESSION, CALLER_ROLE] }, action: 'sts:AssumeRole', expect: 'ImplicitDeny' },
  { ...base, name: 'AssumeRole: an account id among the caller ids is treated as the root ARN', trustOnly: false, identity: [{ Version: V, Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE } }], resourcePolicy: { Version: V, Statement: { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'sts:AssumeRole' } }, principal: { type: 'AWS', ids: ['123456789012'] }, action: 'sts:AssumeRole', expect: 'Allow' },
  { ...base, name: 'AssumeRole: sts:ExternalId is checked when the trust policy asks for it', resourcePolicy: { Version: V, Statement: { Effect: 'Allow', Principal: { AWS: CALLER_ROLE }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'xyz' } } } }, principal: { type: 'AWS', ids: [CALLER_ROLE] }, action: 'sts:AssumeRole', context: { 'sts:ExternalId': 'nope' }, expect: 'ImplicitDeny' },
  { ...base, name: 'Principal * with a condition lets any caller that meets it in', resourcePolicy: { Version: V, Statement: { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'accounts.google.com:aud': 'app' } } } }, principal: { type: 'Federated', ids: ['accounts.google.com'] }, action: 'sts:AssumeRoleWithWebIdentity', context: { 'accounts.google.com:aud': 'app' }, expect: 'Allow' },
  { ...base, name: '{"AWS": "*"} does not cover a Federated caller', resourcePolicy: { Version: V, Statement: { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRoleWithWebIdentity' } }, principal: { type: 'Federated', ids: ['accounts.google.com'] }, action: 'sts:AssumeRoleWithWebIdentity', expect: 'ImplicitDeny' },
];

for (const row of rows) {
  test(row.name, () => {
    const result = runRow(row);
    assert.equal(result.decision, row.expect, JSON.stringify(result.reason));
  });
}

test('a refused trust names the audience condition that failed', () => {
  const result = runRow(rows[3] as EvalRow);
  assert.equal(result.reason.check, 'policy.implicit-deny');
  assert.match(String(result.reason.detail), /condition StringEquals cognito-identity\.amazonaws\.com:aud .* is not met \(request has \["us-east-1:evil"\]\)/);
});

test('a refused trust names the principal mismatch when the provider differs', () => {
  const result = runRow(rows[7] as EvalRow);
  assert.match(String(result.reason.detail), /Principal \["Federated:cognito-identity\.amazonaws\.com"\] does not name the caller/);
});
