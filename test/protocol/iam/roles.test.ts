import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  GetRoleCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  UpdateRoleDescriptionCommand,
} from '@aws-sdk/client-iam';
import { decodeDocument, rejectsWith, startIam, trustPolicy, type IamHarness } from './setup.js';

let h: IamHarness;
before(async () => {
  h = await startIam();
});
after(async () => {
  await h?.close();
});

test('CreateRole returns the role with an AROA id, its ARN, default MaxSessionDuration and URL-encoded trust policy', async () => {
  const doc = trustPolicy();
  const before = Date.now();
  const out = await h.iam.send(new CreateRoleCommand({ RoleName: 'Reader', AssumeRolePolicyDocument: doc, Description: 'reads', Tags: [{ Key: 'team', Value: 'a' }] }));
  const role = out.Role!;
  assert.equal(role.RoleName, 'Reader');
  assert.equal(role.Path, '/');
  assert.equal(role.Arn, `arn:aws:iam::${h.accountId}:role/Reader`);
  assert.match(role.RoleId!, /^AROA[A-Z0-9]{17}$/);
  assert.equal(role.MaxSessionDuration, 3600);
  assert.equal(role.Description, 'reads');
  assert.deepEqual(role.Tags, [{ Key: 'team', Value: 'a' }]);
  assert.ok(role.CreateDate instanceof Date && Math.abs(role.CreateDate.getTime() - before) < 60_000);
  assert.notEqual(role.AssumeRolePolicyDocument, doc, 'the document is URL-encoded on the wire');
  assert.deepEqual(decodeDocument(role.AssumeRolePolicyDocument), JSON.parse(doc));
});

test('CreateRole with a path puts the path in the ARN', async () => {
  const out = await h.iam.send(new CreateRoleCommand({ RoleName: 'PathRole', Path: '/team/x/', AssumeRolePolicyDocument: trustPolicy(), MaxSessionDuration: 7200 }));
  assert.equal(out.Role!.Arn, `arn:aws:iam::${h.accountId}:role/team/x/PathRole`);
  assert.equal(out.Role!.MaxSessionDuration, 7200);
});

test('role names are unique case-insensitively: EntityAlreadyExists (409)', async () => {
  await rejectsWith(
    h.iam.send(new CreateRoleCommand({ RoleName: 'READER', AssumeRolePolicyDocument: trustPolicy() })),
    'EntityAlreadyExists',
    'Role with name READER already exists.',
    409,
  );
});

test('CreateRole refuses a malformed trust policy with MalformedPolicyDocument', async () => {
  await rejectsWith(h.iam.send(new CreateRoleCommand({ RoleName: 'Bad', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":' })), 'MalformedPolicyDocument', undefined, 400);
  await rejectsWith(h.iam.send(new GetRoleCommand({ RoleName: 'Bad' })), 'NoSuchEntity');
});

test('GetRole finds a role by any case of its name and returns the stored name', async () => {
  const out = await h.iam.send(new GetRoleCommand({ RoleName: 'reader' }));
  assert.equal(out.Role!.RoleName, 'Reader');
  assert.deepEqual(decodeDocument(out.Role!.AssumeRolePolicyDocument), JSON.parse(trustPolicy()));
});

test('GetRole of an unknown role is NoSuchEntity (404) with IAM\'s message', async () => {
  await rejectsWith(h.iam.send(new GetRoleCommand({ RoleName: 'Nope' })), 'NoSuchEntity', 'The role with name Nope cannot be found.', 404);
});

test('ListRoles pages with MaxItems and Marker, and filters by PathPrefix', async () => {
  for (const n of ['Page1', 'Page2', 'Page3']) await h.iam.send(new CreateRoleCommand({ RoleName: n, Path: '/paged/', AssumeRolePolicyDocument: trustPolicy() }));
  const first = await h.iam.send(new ListRolesCommand({ PathPrefix: '/paged/', MaxItems: 2 }));
  assert.deepEqual(first.Roles!.map((r) => r.RoleName), ['Page1', 'Page2']);
  assert.equal(first.IsTruncated, true);
  assert.ok(first.Marker);
  const second = await h.iam.send(new ListRolesCommand({ PathPrefix: '/paged/', MaxItems: 2, Marker: first.Marker }));
  assert.deepEqual(second.Roles!.map((r) => r.RoleName), ['Page3']);
  assert.equal(second.IsTruncated, false);
  assert.equal(second.Marker, undefined);
  const all = await h.iam.send(new ListRolesCommand({}));
  assert.ok(all.Roles!.length >= 5);
  assert.ok(all.Roles!.every((r) => r.Tags === undefined), 'ListRoles omits tags as IAM does');
});

test('ListRoles refuses a forged Marker', async () => {
  await rejectsWith(h.iam.send(new ListRolesCommand({ Marker: 'not-a-marker' })), 'InvalidInput');
});

test('UpdateRole changes MaxSessionDuration and Description; UpdateRoleDescription returns the role', async () => {
  await h.iam.send(new UpdateRoleCommand({ RoleName: 'Reader', MaxSessionDuration: 43200 }));
  let role = (await h.iam.send(new GetRoleCommand({ RoleName: 'Reader' }))).Role!;
  assert.equal(role.MaxSessionDuration, 43200);
  assert.equal(role.Description, 'reads', 'members not given are left as they were');
  const out = await h.iam.send(new UpdateRoleDescriptionCommand({ RoleName: 'Reader', Description: 'reads more' }));
  assert.equal(out.Role!.Description, 'reads more');
  role = (await h.iam.send(new GetRoleCommand({ RoleName: 'Reader' }))).Role!;
  assert.equal(role.Description, 'reads more');
  await rejectsWith(h.iam.send(new UpdateRoleCommand({ RoleName: 'Ghost', Description: 'x' })), 'NoSuchEntity');
});

test('UpdateRole refuses MaxSessionDuration outside 3600..43200 before the handler', async () => {
  await assert.rejects(h.iam.send(new UpdateRoleCommand({ RoleName: 'Reader', MaxSessionDuration: 60 })));
});

test('UpdateAssumeRolePolicy replaces the trust policy and refuses a malformed one', async () => {
  const next = trustPolicy(`arn:aws:iam::${h.accountId}:oidc-provider/idp.example.com`);
  await h.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Reader', PolicyDocument: next }));
  const role = (await h.iam.send(new GetRoleCommand({ RoleName: 'Reader' }))).Role!;
  assert.deepEqual(decodeDocument(role.AssumeRolePolicyDocument), JSON.parse(next));
  await rejectsWith(h.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Reader', PolicyDocument: '[]' })), 'MalformedPolicyDocument');
  await rejectsWith(h.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Ghost', PolicyDocument: next })), 'NoSuchEntity');
});

test('TagRole, ListRoleTags (paginated) and UntagRole manage role tags', async () => {
  await h.iam.send(new TagRoleCommand({ RoleName: 'Reader', Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'TEAM', Value: 'b' }] }));
  const page1 = await h.iam.send(new ListRoleTagsCommand({ RoleName: 'Reader', MaxItems: 1 }));
  assert.deepEqual(page1.Tags, [{ Key: 'TEAM', Value: 'b' }], 'TEAM replaced team in place');
  assert.equal(page1.IsTruncated, true);
  const page2 = await h.iam.send(new ListRoleTagsCommand({ RoleName: 'Reader', Marker: page1.Marker }));
  assert.deepEqual(page2.Tags, [{ Key: 'env', Value: 'prod' }]);
  await h.iam.send(new UntagRoleCommand({ RoleName: 'Reader', TagKeys: ['ENV', 'absent'] }));
  const after = await h.iam.send(new ListRoleTagsCommand({ RoleName: 'Reader' }));
  assert.deepEqual(after.Tags, [{ Key: 'TEAM', Value: 'b' }]);
  assert.equal(after.IsTruncated, false);
  await rejectsWith(h.iam.send(new ListRoleTagsCommand({ RoleName: 'Ghost' })), 'NoSuchEntity');
});

test('TagRole beyond 50 tags is LimitExceeded', async () => {
  const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  await h.iam.send(new CreateRoleCommand({ RoleName: 'Tagged', AssumeRolePolicyDocument: trustPolicy(), Tags: tags }));
  await rejectsWith(h.iam.send(new TagRoleCommand({ RoleName: 'Tagged', Tags: [{ Key: 'one-more', Value: 'v' }] })), 'LimitExceeded', undefined, 409);
});

test('DeleteRole removes the role; deleting it again is NoSuchEntity', async () => {
  await h.iam.send(new DeleteRoleCommand({ RoleName: 'Tagged' }));
  await rejectsWith(h.iam.send(new GetRoleCommand({ RoleName: 'Tagged' })), 'NoSuchEntity');
  await rejectsWith(h.iam.send(new DeleteRoleCommand({ RoleName: 'Tagged' })), 'NoSuchEntity', 'The role with name Tagged cannot be found.');
});
