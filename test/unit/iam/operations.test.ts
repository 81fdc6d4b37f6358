import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { iamModel } from '../../../src/models/iam.js';
import { repoRoot } from '../../helpers/paths.js';
import { ACCOUNT, openHarness, type Harness } from './harness.js';

const EXPECTED = [
  'CreateOpenIDConnectProvider', 'GetOpenIDConnectProvider', 'ListOpenIDConnectProviders', 'DeleteOpenIDConnectProvider',
  'AddClientIDToOpenIDConnectProvider', 'RemoveClientIDFromOpenIDConnectProvider', 'UpdateOpenIDConnectProviderThumbprint',
  'TagOpenIDConnectProvider', 'UntagOpenIDConnectProvider', 'ListOpenIDConnectProviderTags',
  'CreateSAMLProvider', 'GetSAMLProvider', 'ListSAMLProviders', 'UpdateSAMLProvider', 'DeleteSAMLProvider',
  'CreateRole', 'GetRole', 'ListRoles', 'UpdateRole', 'UpdateRoleDescription', 'DeleteRole', 'UpdateAssumeRolePolicy',
  'TagRole', 'UntagRole', 'ListRoleTags', 'PutRolePolicy', 'GetRolePolicy', 'ListRolePolicies', 'DeleteRolePolicy',
  'CreatePolicy', 'GetPolicy', 'GetPolicyVersion', 'ListPolicies', 'DeletePolicy', 'AttachRolePolicy', 'DetachRolePolicy',
  'CreatePolicyVersion', 'ListPolicyVersions', 'SetDefaultPolicyVersion', 'DeletePolicyVersion',
  'ListAttachedRolePolicies',
  'CreateUser', 'GetUser', 'ListUsers', 'UpdateUser', 'DeleteUser', 'TagUser', 'UntagUser', 'ListUserTags',
  'CreateAccessKey', 'ListAccessKeys', 'UpdateAccessKey', 'DeleteAccessKey', 'GetAccessKeyLastUsed',
  'PutUserPolicy', 'GetUserPolicy', 'ListUserPolicies', 'DeleteUserPolicy', 'AttachUserPolicy', 'DetachUserPolicy', 'ListAttachedUserPolicies',
  'CreateGroup', 'GetGroup', 'ListGroups', 'DeleteGroup', 'AddUserToGroup', 'RemoveUserFromGroup', 'ListGroupsForUser',
  'PutGroupPolicy', 'GetGroupPolicy', 'ListGroupPolicies', 'DeleteGroupPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy', 'ListAttachedGroupPolicies',
];

const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2').toLowerCase();

let h: Harness;
before(async () => {
  h = await openHarness();
});
after(async () => {
  await h?.close();
});

test('serves exactly the IAM operations in scope, each named as in the 2010-05-08 model and signed', () => {
  const names = h.operations.map((op) => op.name);
  assert.deepEqual([...names].sort(), [...EXPECTED].sort());
  for (const op of h.operations) {
    assert.equal(op.service, 'iam');
    assert.equal(op.auth, 'sigv4');
    assert.ok(iamModel.operations[op.name], `${op.name} is in the model`);
    assert.ok(existsSync(join(repoRoot, 'src/services/iam/operations', `${kebab(op.name)}.ts`)), `${op.name} lives in ${kebab(op.name)}.ts`);
  }
});

test('authorises role operations against the role ARN, provider operations against the provider ARN, listings against *', async () => {
  const resource = async (name: string, input: Record<string, unknown>) => {
    const op = h.operations.find((o) => o.name === name)!;
    assert.ok(op.authorize && op.authorize.resource);
    return await op.authorize.resource(input, {} as never);
  };
  assert.equal(await resource('CreateRole', { RoleName: 'R', Path: '/p/' }), `arn:aws:iam::${ACCOUNT}:role/p/R`);
  assert.equal(await resource('AttachRolePolicy', { RoleName: 'R', PolicyArn: 'x' }), `arn:aws:iam::${ACCOUNT}:role/R`);
  assert.equal(await resource('CreateOpenIDConnectProvider', { Url: 'https://h:1/p' }), `arn:aws:iam::${ACCOUNT}:oidc-provider/h:1/p`);
  assert.equal(await resource('CreateSAMLProvider', { Name: 'S' }), `arn:aws:iam::${ACCOUNT}:saml-provider/S`);
  assert.equal(await resource('CreatePolicy', { PolicyName: 'P' }), `arn:aws:iam::${ACCOUNT}:policy/P`);
  assert.equal(await resource('GetPolicy', { PolicyArn: 'arn:aws:iam::1:policy/P' }), 'arn:aws:iam::1:policy/P');
  for (const name of ['ListRoles', 'ListPolicies', 'ListOpenIDConnectProviders', 'ListSAMLProviders']) assert.equal(await resource(name, {}), '*');
});
