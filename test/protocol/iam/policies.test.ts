import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeletePolicyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { allowPolicy, decodeDocument, rejectsWith, startIam, trustPolicy, type IamHarness } from './setup.js';

let h: IamHarness;
const arn = (path: string, name: string) => `arn:aws:iam::${h.accountId}:policy${path}${name}`;

before(async () => {
  h = await startIam();
  await h.iam.send(new CreateRoleCommand({ RoleName: 'App', AssumeRolePolicyDocument: trustPolicy() }));
});
after(async () => {
  await h?.close();
});

test('PutRolePolicy stores an inline policy that GetRolePolicy returns URL-encoded', async () => {
  const doc = allowPolicy("s3:GetObject", "arn:aws:s3:::bucket/it's (here)*");
  await h.iam.send(new PutRolePolicyCommand({ RoleName: 'App', PolicyName: 'read', PolicyDocument: doc }));
  const out = await h.iam.send(new GetRolePolicyCommand({ RoleName: 'app', PolicyName: 'read' }));
  assert.equal(out.RoleName, 'App');
  assert.equal(out.PolicyName, 'read');
  assert.doesNotMatch(out.PolicyDocument!, /[{}"'()*]/, 'sub-delimiters are percent-encoded');
  assert.deepEqual(decodeDocument(out.PolicyDocument), JSON.parse(doc));
});

test('PutRolePolicy with an existing name replaces the document', async () => {
  const doc = allowPolicy('s3:PutObject');
  await h.iam.send(new PutRolePolicyCommand({ RoleName: 'App', PolicyName: 'read', PolicyDocument: doc }));
  const out = await h.iam.send(new GetRolePolicyCommand({ RoleName: 'App', PolicyName: 'read' }));
  assert.deepEqual(decodeDocument(out.PolicyDocument), JSON.parse(doc));
});

test('PutRolePolicy refuses a malformed document and an unknown role', async () => {
  await rejectsWith(h.iam.send(new PutRolePolicyCommand({ RoleName: 'App', PolicyName: 'bad', PolicyDocument: '{"Statement":[{"Effect":"Maybe"}]}' })), 'MalformedPolicyDocument');
  await rejectsWith(h.iam.send(new PutRolePolicyCommand({ RoleName: 'Ghost', PolicyName: 'p', PolicyDocument: allowPolicy() })), 'NoSuchEntity', 'The role with name Ghost cannot be found.');
});

test('ListRolePolicies pages inline policy names', async () => {
  await h.iam.send(new PutRolePolicyCommand({ RoleName: 'App', PolicyName: 'write', PolicyDocument: allowPolicy('s3:PutObject') }));
  const p1 = await h.iam.send(new ListRolePoliciesCommand({ RoleName: 'App', MaxItems: 1 }));
  assert.deepEqual(p1.PolicyNames, ['read']);
  assert.equal(p1.IsTruncated, true);
  const p2 = await h.iam.send(new ListRolePoliciesCommand({ RoleName: 'App', MaxItems: 1, Marker: p1.Marker }));
  assert.deepEqual(p2.PolicyNames, ['write']);
  assert.equal(p2.IsTruncated, false);
});

test('GetRolePolicy of an unknown policy is NoSuchEntity', async () => {
  await rejectsWith(h.iam.send(new GetRolePolicyCommand({ RoleName: 'App', PolicyName: 'none' })), 'NoSuchEntity', 'The role policy with name none cannot be found.', 404);
});

test('CreatePolicy returns an ANPA id, v1, AttachmentCount 0; GetPolicyVersion returns the URL-encoded document', async () => {
  const doc = allowPolicy('sts:AssumeRole', '*');
  const out = await h.iam.send(new CreatePolicyCommand({ PolicyName: 'Managed', Path: '/m/', PolicyDocument: doc, Description: 'd' }));
  const p = out.Policy!;
  assert.equal(p.Arn, arn('/m/', 'Managed'));
  assert.match(p.PolicyId!, /^ANPA[A-Z0-9]{17}$/);
  assert.equal(p.DefaultVersionId, 'v1');
  assert.equal(p.AttachmentCount, 0);
  assert.equal(p.IsAttachable, true);
  const got = await h.iam.send(new GetPolicyCommand({ PolicyArn: p.Arn }));
  assert.equal(got.Policy!.PolicyName, 'Managed');
  assert.equal(got.Policy!.Description, 'd');
  const v = await h.iam.send(new GetPolicyVersionCommand({ PolicyArn: p.Arn, VersionId: 'v1' }));
  assert.equal(v.PolicyVersion!.IsDefaultVersion, true);
  assert.deepEqual(decodeDocument(v.PolicyVersion!.Document), JSON.parse(doc));
  await rejectsWith(h.iam.send(new GetPolicyVersionCommand({ PolicyArn: p.Arn, VersionId: 'v2' })), 'NoSuchEntity');
});

test('CreatePolicy refuses a duplicate name (any path, any case) and a malformed document', async () => {
  await rejectsWith(
    h.iam.send(new CreatePolicyCommand({ PolicyName: 'managed', PolicyDocument: allowPolicy() })),
    'EntityAlreadyExists',
    'A policy called managed already exists. Duplicate names are not allowed.',
    409,
  );
  await rejectsWith(h.iam.send(new CreatePolicyCommand({ PolicyName: 'Broken', PolicyDocument: 'not json' })), 'MalformedPolicyDocument');
});

test('GetPolicy: NoSuchEntity for an unknown policy, InvalidInput for a non-policy ARN', async () => {
  await rejectsWith(h.iam.send(new GetPolicyCommand({ PolicyArn: arn('/', 'Missing') })), 'NoSuchEntity', `Policy ${arn('/', 'Missing')} was not found.`);
  await rejectsWith(h.iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${h.accountId}:role/App` })), 'InvalidInput', undefined, 400);
  await rejectsWith(h.iam.send(new GetPolicyCommand({ PolicyArn: arn('/other/', 'Managed') })), 'NoSuchEntity', undefined, 404);
});

test('AttachRolePolicy attaches, counts and lists; attaching twice is a no-op', async () => {
  const policyArn = arn('/m/', 'Managed');
  await h.iam.send(new AttachRolePolicyCommand({ RoleName: 'App', PolicyArn: policyArn }));
  await h.iam.send(new AttachRolePolicyCommand({ RoleName: 'App', PolicyArn: policyArn }));
  assert.equal((await h.iam.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy!.AttachmentCount, 1);
  const listed = await h.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'App' }));
  assert.deepEqual(listed.AttachedPolicies, [{ PolicyName: 'Managed', PolicyArn: policyArn }]);
  const filtered = await h.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'App', PathPrefix: '/other/' }));
  assert.deepEqual(filtered.AttachedPolicies, []);
});

test('AttachRolePolicy of an unknown or AWS-managed policy is NoSuchEntity "does not exist or is not attachable"', async () => {
  await rejectsWith(
    h.iam.send(new AttachRolePolicyCommand({ RoleName: 'App', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })),
    'NoSuchEntity',
    'Policy arn:aws:iam::aws:policy/ReadOnlyAccess does not exist or is not attachable.',
  );
  await rejectsWith(h.iam.send(new AttachRolePolicyCommand({ RoleName: 'App', PolicyArn: 'not-an-arn-at-all-xxxx' })), 'InvalidInput');
});

test('ListPolicies honours Scope, OnlyAttached, PathPrefix and MaxItems', async () => {
  await h.iam.send(new CreatePolicyCommand({ PolicyName: 'Loose1', PolicyDocument: allowPolicy() }));
  await h.iam.send(new CreatePolicyCommand({ PolicyName: 'Loose2', PolicyDocument: allowPolicy() }));
  const all = await h.iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
  assert.deepEqual(all.Policies!.map((p) => p.PolicyName), ['Loose1', 'Loose2', 'Managed']);
  const attached = await h.iam.send(new ListPoliciesCommand({ OnlyAttached: true }));
  assert.deepEqual(attached.Policies!.map((p) => p.PolicyName), ['Managed']);
  const byPath = await h.iam.send(new ListPoliciesCommand({ PathPrefix: '/m/' }));
  assert.deepEqual(byPath.Policies!.map((p) => p.PolicyName), ['Managed']);
  const aws = await h.iam.send(new ListPoliciesCommand({ Scope: 'AWS' }));
  assert.deepEqual(aws.Policies, []);
  const p1 = await h.iam.send(new ListPoliciesCommand({ MaxItems: 2 }));
  assert.equal(p1.IsTruncated, true);
  const p2 = await h.iam.send(new ListPoliciesCommand({ MaxItems: 2, Marker: p1.Marker }));
  assert.deepEqual([...p1.Policies!, ...p2.Policies!].map((p) => p.PolicyName), ['Loose1', 'Loose2', 'Managed']);
  assert.equal(p2.IsTruncated, false);
});

test('DeletePolicy of an attached policy is DeleteConflict; DeleteRole with policies is DeleteConflict', async () => {
  const policyArn = arn('/m/', 'Managed');
  await rejectsWith(h.iam.send(new DeletePolicyCommand({ PolicyArn: policyArn })), 'DeleteConflict', 'Cannot delete a policy attached to entities.', 409);
  await rejectsWith(h.iam.send(new DeleteRoleCommand({ RoleName: 'App' })), 'DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
  await h.iam.send(new DeleteRolePolicyCommand({ RoleName: 'App', PolicyName: 'read' }));
  await h.iam.send(new DeleteRolePolicyCommand({ RoleName: 'App', PolicyName: 'write' }));
  await rejectsWith(h.iam.send(new DeleteRolePolicyCommand({ RoleName: 'App', PolicyName: 'write' })), 'NoSuchEntity');
  await rejectsWith(h.iam.send(new DeleteRoleCommand({ RoleName: 'App' })), 'DeleteConflict', 'Cannot delete entity, must detach all policies first.');
});

test('DetachRolePolicy detaches and decrements AttachmentCount; then both deletes succeed', async () => {
  const policyArn = arn('/m/', 'Managed');
  await h.iam.send(new DetachRolePolicyCommand({ RoleName: 'App', PolicyArn: policyArn }));
  assert.equal((await h.iam.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy!.AttachmentCount, 0);
  await rejectsWith(h.iam.send(new DetachRolePolicyCommand({ RoleName: 'App', PolicyArn: policyArn })), 'NoSuchEntity', `Policy ${policyArn} was not found.`);
  await h.iam.send(new DeletePolicyCommand({ PolicyArn: policyArn }));
  await rejectsWith(h.iam.send(new GetPolicyCommand({ PolicyArn: policyArn })), 'NoSuchEntity');
  await h.iam.send(new DeleteRoleCommand({ RoleName: 'App' }));
});

test('a role accepts at most 10 attached managed policies: LimitExceeded', async () => {
  await h.iam.send(new CreateRoleCommand({ RoleName: 'Crowded', AssumeRolePolicyDocument: trustPolicy() }));
  for (let i = 0; i < 11; i++) await h.iam.send(new CreatePolicyCommand({ PolicyName: `Many${i}`, PolicyDocument: allowPolicy() }));
  for (let i = 0; i < 10; i++) await h.iam.send(new AttachRolePolicyCommand({ RoleName: 'Crowded', PolicyArn: arn('/', `Many${i}`) }));
  await rejectsWith(h.iam.send(new AttachRolePolicyCommand({ RoleName: 'Crowded', PolicyArn: arn('/', 'Many10') })), 'LimitExceeded', undefined, 409);
  const listed = await h.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'Crowded', MaxItems: 4 }));
  assert.equal(listed.AttachedPolicies!.length, 4);
  assert.equal(listed.IsTruncated, true);
});
