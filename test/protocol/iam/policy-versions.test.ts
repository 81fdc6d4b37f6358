/**
 * Managed policy versions through the official @aws-sdk/client-iam against a real server:
 * CreatePolicyVersion (as the default or not), ListPolicyVersions, GetPolicyVersion of any
 * version, SetDefaultPolicyVersion (which changes what an attached role may do), DeletePolicyVersion
 * (never the default), the 5-version quota, ids never reused, and DeletePolicy refused while
 * versions besides the default remain.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachRolePolicyCommand, CreatePolicyCommand, CreatePolicyVersionCommand, CreateRoleCommand, DeletePolicyCommand, DeletePolicyVersionCommand,
  DetachRolePolicyCommand, GetPolicyCommand, GetPolicyVersionCommand, IAMClient, ListPolicyVersionsCommand, ListRolesCommand, ListUsersCommand,
  SetDefaultPolicyVersionCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { allowPolicy, decodeDocument, rejectsWith, startIam, type IamHarness } from './setup.js';

let h: IamHarness;
let arn = '';
const versions = async () => ((await h.iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions ?? []).map((v) => `${v.VersionId}${v.IsDefaultVersion ? '*' : ''}`);

before(async () => {
  h = await startIam();
  arn = (await h.iam.send(new CreatePolicyCommand({ PolicyName: 'Versioned', PolicyDocument: allowPolicy('iam:ListRoles', '*') }))).Policy!.Arn!;
});
after(async () => {
  await h?.close();
});

test('CreatePolicyVersion adds v2 beside the default v1 unless SetAsDefault; GetPolicyVersion returns either', async () => {
  assert.deepEqual(await versions(), ['v1*']);
  const made = await h.iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: allowPolicy('iam:ListUsers', '*') }));
  assert.equal(made.PolicyVersion?.VersionId, 'v2');
  assert.equal(made.PolicyVersion?.IsDefaultVersion, false);
  assert.deepEqual(await versions(), ['v2', 'v1*']);
  assert.equal((await h.iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId, 'v1');
  const v2 = (await h.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }))).PolicyVersion!;
  assert.deepEqual([v2.IsDefaultVersion, decodeDocument(v2.Document)], [false, JSON.parse(allowPolicy('iam:ListUsers', '*'))]);
  await rejectsWith(h.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v9' })), 'NoSuchEntity');
});

test('SetDefaultPolicyVersion changes what a role with the policy attached may do', async () => {
  await h.iam.send(new CreateRoleCommand({ RoleName: 'Holder', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${h.accountId}:root` }, Action: 'sts:AssumeRole' }] }) }));
  await h.iam.send(new AttachRolePolicyCommand({ RoleName: 'Holder', PolicyArn: arn }));
  const sts = new STSClient({ endpoint: h.server.url, region: h.server.region, credentials: h.server.rootCredentials, maxAttempts: 1 });
  const c = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${h.accountId}:role/Holder`, RoleSessionName: 'versions' }))).Credentials!;
  const asRole = new IAMClient({ endpoint: h.server.url, region: h.server.region, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }, maxAttempts: 1 });
  try {
    await asRole.send(new ListRolesCommand({}));
    await rejectsWith(asRole.send(new ListUsersCommand({})), 'AccessDenied');
    await h.iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
    assert.deepEqual(await versions(), ['v2*', 'v1']);
    await asRole.send(new ListUsersCommand({}));
    await rejectsWith(asRole.send(new ListRolesCommand({})), 'AccessDenied');
  } finally {
    asRole.destroy();
    sts.destroy();
    await h.iam.send(new DetachRolePolicyCommand({ RoleName: 'Holder', PolicyArn: arn }));
  }
  await rejectsWith(h.iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v7' })), 'NoSuchEntity');
});

test('DeletePolicyVersion refuses the default version; at most 5 versions; ids are never reused', async () => {
  await rejectsWith(h.iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' })), 'DeleteConflict', 'Cannot delete the default version of a policy.');
  for (const action of ['s3:GetObject', 's3:PutObject', 's3:ListBucket']) await h.iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: allowPolicy(action, '*') }));
  assert.deepEqual(await versions(), ['v5', 'v4', 'v3', 'v2*', 'v1']);
  await rejectsWith(h.iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: allowPolicy() })), 'LimitExceeded');
  await h.iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v5' }));
  await rejectsWith(h.iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v5' })), 'NoSuchEntity');
  const made = await h.iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: allowPolicy('sqs:SendMessage', '*'), SetAsDefault: true }));
  assert.deepEqual([made.PolicyVersion?.VersionId, made.PolicyVersion?.IsDefaultVersion], ['v6', true]);
  assert.equal((await h.iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId, 'v6');
  await rejectsWith(h.iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: '{"Statement":[{"Effect":"Maybe"}]}' })), 'MalformedPolicyDocument');
});

test('DeletePolicy is refused while versions besides the default remain, and succeeds once they are deleted', async () => {
  await rejectsWith(h.iam.send(new DeletePolicyCommand({ PolicyArn: arn })), 'DeleteConflict');
  for (const v of ['v1', 'v2', 'v3', 'v4']) await h.iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v }));
  assert.deepEqual(await versions(), ['v6*']);
  await h.iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
  await rejectsWith(h.iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn })), 'NoSuchEntity');
});
