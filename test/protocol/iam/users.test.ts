/**
 * IAM users, groups and access keys through the unmodified @aws-sdk/client-iam against a real
 * server: the operations, IAM's codes for bad input (which changes nothing), DeleteConflict,
 * two keys per user, secrets sealed at rest, and requests signed with a user's key authorised by
 * the user's inline, attached and group policies (explicit deny wins; aws:username, aws:userid,
 * aws:PrincipalTag/… and ${aws:username} available), Inactive and deleted keys refused at once.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeleteGroupPolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachUserPolicyCommand,
  GetAccessKeyLastUsedCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetRoleCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  UpdateUserCommand,
  CreateRoleCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { CognitoIdentityClient, ListIdentityPoolsCommand } from '@aws-sdk/client-cognito-identity';
import { decodeDocument, rejectsWith, startIam, trustPolicy, type IamHarness } from './setup.js';

const doc = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('IAM users, groups and access keys', () => {
  let h: IamHarness;
  const clients: Array<{ destroy(): void }> = [];
  type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  const iamAs = (credentials: Creds) => {
    const c = new IAMClient({ endpoint: h.server.url, region: h.server.region, credentials, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  const stsAs = (credentials: Creds) => {
    const c = new STSClient({ endpoint: h.server.url, region: h.server.region, credentials, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  const cognitoAs = (credentials: Creds) => {
    const c = new CognitoIdentityClient({ endpoint: h.server.url, region: h.server.region, credentials, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  const userArn = (name: string, path = '/') => `arn:aws:iam::${h.accountId}:user${path}${name}`;
  const newKey = async (userName: string): Promise<Creds> => {
    const key = (await h.iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!;
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  };

  before(async () => {
    h = await startIam();
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await h?.close();
  });

  describe('users', () => {
    it('CreateUser returns the user with an AIDA id and its ARN; GetUser and ListUsers return it', async () => {
      const out = await h.iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/apps/', Tags: [{ Key: 'team', Value: 'web' }] }));
      assert.equal(out.User!.UserName, 'alice');
      assert.equal(out.User!.Path, '/apps/');
      assert.equal(out.User!.Arn, userArn('alice', '/apps/'));
      assert.match(out.User!.UserId!, /^AIDA[A-Z0-9]{17}$/);
      assert.deepEqual(out.User!.Tags, [{ Key: 'team', Value: 'web' }]);
      const got = await h.iam.send(new GetUserCommand({ UserName: 'ALICE' }));
      assert.equal(got.User!.UserId, out.User!.UserId);
      const listed = await h.iam.send(new ListUsersCommand({ PathPrefix: '/apps/' }));
      assert.deepEqual(listed.Users!.map((u) => u.UserName), ['alice']);
      assert.equal(listed.Users![0]!.Tags, undefined, 'ListUsers omits tags, as IAM does');
    });

    it('user names are unique case-insensitively: EntityAlreadyExists (409)', async () => {
      await rejectsWith(h.iam.send(new CreateUserCommand({ UserName: 'Alice' })), 'EntityAlreadyExists', 'User with name Alice already exists.', 409);
    });

    it('refuses names outside IAM pattern or length with ValidationError and creates nothing', async () => {
      await rejectsWith(h.iam.send(new CreateUserCommand({ UserName: 'bad name!' })), 'ValidationError', undefined, 400);
      await rejectsWith(h.iam.send(new CreateUserCommand({ UserName: 'x'.repeat(65) })), 'ValidationError', undefined, 400);
      await rejectsWith(h.iam.send(new CreateGroupCommand({ GroupName: 'a/b' })), 'ValidationError', undefined, 400);
      const all = await h.iam.send(new ListUsersCommand({}));
      assert.deepEqual(all.Users!.map((u) => u.UserName), ['alice']);
    });

    it('refuses more than 50 tags with ValidationError, duplicate tag keys with InvalidInput, and creates nothing', async () => {
      const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
      await rejectsWith(h.iam.send(new CreateUserCommand({ UserName: 'tagged', Tags: tags })), 'ValidationError', undefined, 400);
      await rejectsWith(h.iam.send(new CreateUserCommand({ UserName: 'tagged', Tags: [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }] })), 'InvalidInput', undefined, 400);
      await rejectsWith(h.iam.send(new GetUserCommand({ UserName: 'tagged' })), 'NoSuchEntity', 'The user with name tagged cannot be found.', 404);
    });

    it('TagUser, UntagUser and ListUserTags keep the user tags', async () => {
      await h.iam.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'stage', Value: 'prod' }, { Key: 'TEAM', Value: 'api' }] }));
      await h.iam.send(new UntagUserCommand({ UserName: 'alice', TagKeys: ['stage'] }));
      const tags = await h.iam.send(new ListUserTagsCommand({ UserName: 'alice' }));
      assert.deepEqual(tags.Tags, [{ Key: 'TEAM', Value: 'api' }]);
    });

    it('UpdateUser moves the user to a new path and renames it, keeping its AIDA id', async () => {
      await h.iam.send(new CreateUserCommand({ UserName: 'temp' }));
      const before = (await h.iam.send(new GetUserCommand({ UserName: 'temp' }))).User!;
      await h.iam.send(new UpdateUserCommand({ UserName: 'temp', NewPath: '/moved/', NewUserName: 'renamed' }));
      const after = (await h.iam.send(new GetUserCommand({ UserName: 'renamed' }))).User!;
      assert.equal(after.Arn, userArn('renamed', '/moved/'));
      assert.equal(after.UserId, before.UserId);
      await rejectsWith(h.iam.send(new GetUserCommand({ UserName: 'temp' })), 'NoSuchEntity');
      await h.iam.send(new DeleteUserCommand({ UserName: 'renamed' }));
    });
  });

  describe('access keys', () => {
    it('CreateAccessKey returns an AKIA id and a 40-character secret once; ListAccessKeys never shows it', async () => {
      const key = (await h.iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey!;
      assert.match(key.AccessKeyId!, /^AKIA[A-Z2-7]{16}$/);
      assert.equal(key.SecretAccessKey!.length, 40);
      assert.equal(key.Status, 'Active');
      assert.equal(key.UserName, 'alice');
      const listed = await h.iam.send(new ListAccessKeysCommand({ UserName: 'alice' }));
      assert.deepEqual(listed.AccessKeyMetadata!.map((k) => [k.AccessKeyId, k.Status]), [[key.AccessKeyId, 'Active']]);
      assert.equal((listed.AccessKeyMetadata![0] as Record<string, unknown>).SecretAccessKey, undefined);
    });

    it('a user has at most two access keys: the third is LimitExceeded and creates nothing', async () => {
      await h.iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
      await rejectsWith(h.iam.send(new CreateAccessKeyCommand({ UserName: 'alice' })), 'LimitExceeded', 'Cannot exceed quota for AccessKeysPerUser: 2', 409);
      const listed = await h.iam.send(new ListAccessKeysCommand({ UserName: 'alice' }));
      assert.equal(listed.AccessKeyMetadata!.length, 2);
      for (const k of listed.AccessKeyMetadata!) await h.iam.send(new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: k.AccessKeyId! }));
      assert.equal((await h.iam.send(new ListAccessKeysCommand({ UserName: 'alice' }))).AccessKeyMetadata!.length, 0);
    });

    it('stores secrets sealed: the database files do not contain a secret in clear', async () => {
      await h.iam.send(new CreateUserCommand({ UserName: 'sealed' }));
      const creds = await newKey('sealed');
      await h.server.tessera.storage.ping();
      const files = readdirSync(h.server.dataDir).filter((f) => f.startsWith('tessera.db'));
      assert.ok(files.length > 0);
      const bytes = Buffer.concat(files.map((f) => readFileSync(join(h.server.dataDir, f))));
      assert.equal(bytes.includes(Buffer.from(creds.secretAccessKey)), false, 'the database holds the secret in clear');
      assert.equal(bytes.includes(Buffer.from(creds.accessKeyId)), true, 'the database holds the key id (the scan sees the key record)');
    });

    it('UpdateAccessKey Inactive refuses the next request at once (InvalidClientTokenId on IAM/STS, UnrecognizedClientException on Cognito), Active lets it in again', async () => {
      const creds = await newKey('sealed');
      const me = await stsAs(creds).send(new GetCallerIdentityCommand({}));
      assert.equal(me.Arn, userArn('sealed'));
      await h.iam.send(new UpdateAccessKeyCommand({ UserName: 'sealed', AccessKeyId: creds.accessKeyId, Status: 'Inactive' }));
      await rejectsWith(stsAs(creds).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
      await rejectsWith(iamAs(creds).send(new GetUserCommand({})), 'InvalidClientTokenId', undefined, 403);
      await assert.rejects(cognitoAs(creds).send(new ListIdentityPoolsCommand({ MaxResults: 1 })), (e: Error) => e.name === 'UnrecognizedClientException');
      await h.iam.send(new UpdateAccessKeyCommand({ UserName: 'sealed', AccessKeyId: creds.accessKeyId, Status: 'Active' }));
      assert.equal((await stsAs(creds).send(new GetCallerIdentityCommand({}))).Arn, userArn('sealed'));
    });

    it('DeleteAccessKey refuses the next request at once; an unknown key id is NoSuchEntity', async () => {
      const keys = await h.iam.send(new ListAccessKeysCommand({ UserName: 'sealed' }));
      const creds = await newKey('sealed').catch(() => undefined);
      assert.equal(creds, undefined, 'sealed holds two keys already');
      const first = keys.AccessKeyMetadata![0]!.AccessKeyId!;
      await h.iam.send(new DeleteAccessKeyCommand({ UserName: 'sealed', AccessKeyId: first }));
      await rejectsWith(h.iam.send(new DeleteAccessKeyCommand({ UserName: 'sealed', AccessKeyId: first })), 'NoSuchEntity', `The Access Key with id ${first} cannot be found.`, 404);
      await rejectsWith(h.iam.send(new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: keys.AccessKeyMetadata![1]!.AccessKeyId!, Status: 'Inactive' })), 'NoSuchEntity');
    });

    it('GetAccessKeyLastUsed answers N/A for a key never used, then the service and region of its last request', async () => {
      await h.iam.send(new CreateUserCommand({ UserName: 'counted' }));
      const creds = await newKey('counted');
      const never = await h.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: creds.accessKeyId }));
      assert.equal(never.UserName, 'counted');
      assert.deepEqual({ ...never.AccessKeyLastUsed }, { ServiceName: 'N/A', Region: 'N/A' });
      await stsAs(creds).send(new GetCallerIdentityCommand({}));
      const used = await h.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: creds.accessKeyId }));
      assert.equal(used.AccessKeyLastUsed!.ServiceName, 'sts');
      assert.equal(used.AccessKeyLastUsed!.Region, h.server.region);
      assert.ok(used.AccessKeyLastUsed!.LastUsedDate instanceof Date);
    });

    it('GetCallerIdentity for a user key returns the user ARN and AIDA user id', async () => {
      const creds = await newKey('alice');
      const me = await stsAs(creds).send(new GetCallerIdentityCommand({}));
      const user = (await h.iam.send(new GetUserCommand({ UserName: 'alice' }))).User!;
      assert.equal(me.Arn, user.Arn);
      assert.equal(me.UserId, user.UserId);
      assert.match(me.UserId!, /^AIDA/);
      assert.equal(me.Account, h.accountId);
    });
  });

  describe('policies and groups', () => {
    it('PutUserPolicy refuses a malformed document with MalformedPolicyDocument and stores nothing', async () => {
      await rejectsWith(h.iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'bad', PolicyDocument: '{"Version":"2012-10-17","Statement":' })), 'MalformedPolicyDocument', undefined, 400);
      await rejectsWith(h.iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'bad' })), 'NoSuchEntity', 'The user policy with name bad cannot be found.', 404);
    });

    it('Put/Get/List/DeleteUserPolicy and Attach/Detach/ListAttachedUserPolicies keep a user policies', async () => {
      const text = doc({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' });
      await h.iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'read-self', PolicyDocument: text }));
      const got = await h.iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'read-self' }));
      assert.deepEqual(decodeDocument(got.PolicyDocument), JSON.parse(text));
      assert.deepEqual((await h.iam.send(new ListUserPoliciesCommand({ UserName: 'alice' }))).PolicyNames, ['read-self']);
      const managed = await h.iam.send(new CreatePolicyCommand({ PolicyName: 'list-users', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }) }));
      await h.iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: managed.Policy!.Arn! }));
      const attached = await h.iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'alice' }));
      assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: 'list-users', PolicyArn: managed.Policy!.Arn! }]);
      await rejectsWith(h.iam.send(new DeleteUserCommand({ UserName: 'alice' })), 'DeleteConflict', 'Cannot delete entity, must delete access keys first.', 409);
      await h.iam.send(new DetachUserPolicyCommand({ UserName: 'alice', PolicyArn: managed.Policy!.Arn! }));
      await h.iam.send(new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'read-self' }));
      assert.deepEqual((await h.iam.send(new ListUserPoliciesCommand({ UserName: 'alice' }))).PolicyNames, []);
    });

    it('groups: CreateGroup, AddUserToGroup, GetGroup, ListGroupsForUser, group inline and attached policies, RemoveUserFromGroup, DeleteGroup with DeleteConflict', async () => {
      const group = (await h.iam.send(new CreateGroupCommand({ GroupName: 'readers', Path: '/apps/' }))).Group!;
      assert.match(group.GroupId!, /^AGPA[A-Z0-9]{17}$/);
      assert.equal(group.Arn, `arn:aws:iam::${h.accountId}:group/apps/readers`);
      await rejectsWith(h.iam.send(new CreateGroupCommand({ GroupName: 'Readers' })), 'EntityAlreadyExists', 'Group with name Readers already exists.', 409);
      await h.iam.send(new AddUserToGroupCommand({ GroupName: 'readers', UserName: 'alice' }));
      await h.iam.send(new AddUserToGroupCommand({ GroupName: 'readers', UserName: 'alice' }));
      const got = await h.iam.send(new GetGroupCommand({ GroupName: 'readers' }));
      assert.deepEqual(got.Users!.map((u) => u.UserName), ['alice']);
      assert.deepEqual((await h.iam.send(new ListGroupsForUserCommand({ UserName: 'alice' }))).Groups!.map((g) => g.GroupName), ['readers']);
      assert.deepEqual((await h.iam.send(new ListGroupsCommand({}))).Groups!.map((g) => g.GroupName), ['readers']);
      await h.iam.send(new PutGroupPolicyCommand({ GroupName: 'readers', PolicyName: 'g', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:ListGroups', Resource: '*' }) }));
      assert.deepEqual((await h.iam.send(new ListGroupPoliciesCommand({ GroupName: 'readers' }))).PolicyNames, ['g']);
      assert.equal((await h.iam.send(new GetGroupPolicyCommand({ GroupName: 'readers', PolicyName: 'g' }))).GroupName, 'readers');
      const managed = await h.iam.send(new CreatePolicyCommand({ PolicyName: 'group-managed', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:GetGroup', Resource: '*' }) }));
      await h.iam.send(new AttachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: managed.Policy!.Arn! }));
      assert.equal((await h.iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'readers' }))).AttachedPolicies!.length, 1);
      await rejectsWith(h.iam.send(new DeleteGroupCommand({ GroupName: 'readers' })), 'DeleteConflict', 'Cannot delete entity, must remove users from group first.', 409);
      await h.iam.send(new RemoveUserFromGroupCommand({ GroupName: 'readers', UserName: 'alice' }));
      await rejectsWith(h.iam.send(new DeleteGroupCommand({ GroupName: 'readers' })), 'DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
      await h.iam.send(new DeleteGroupPolicyCommand({ GroupName: 'readers', PolicyName: 'g' }));
      await rejectsWith(h.iam.send(new DeleteGroupCommand({ GroupName: 'readers' })), 'DeleteConflict', 'Cannot delete entity, must detach all policies first.', 409);
      await h.iam.send(new DetachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: managed.Policy!.Arn! }));
      await h.iam.send(new DeleteGroupCommand({ GroupName: 'readers' }));
      await rejectsWith(h.iam.send(new GetGroupCommand({ GroupName: 'readers' })), 'NoSuchEntity', 'The group with name readers cannot be found.', 404);
    });

    it('DeleteUser is refused while the user has keys, policies or groups, and succeeds once they are gone', async () => {
      await h.iam.send(new CreateUserCommand({ UserName: 'leaving' }));
      await h.iam.send(new CreateGroupCommand({ GroupName: 'crew' }));
      await h.iam.send(new AddUserToGroupCommand({ GroupName: 'crew', UserName: 'leaving' }));
      await h.iam.send(new PutUserPolicyCommand({ UserName: 'leaving', PolicyName: 'p', PolicyDocument: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }) }));
      const creds = await newKey('leaving');
      await rejectsWith(h.iam.send(new DeleteUserCommand({ UserName: 'leaving' })), 'DeleteConflict', 'Cannot delete entity, must delete access keys first.', 409);
      await h.iam.send(new DeleteAccessKeyCommand({ UserName: 'leaving', AccessKeyId: creds.accessKeyId }));
      await rejectsWith(h.iam.send(new DeleteUserCommand({ UserName: 'leaving' })), 'DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
      await h.iam.send(new DeleteUserPolicyCommand({ UserName: 'leaving', PolicyName: 'p' }));
      await rejectsWith(h.iam.send(new DeleteUserCommand({ UserName: 'leaving' })), 'DeleteConflict', 'Cannot delete entity, must remove users from group first.', 409);
      await h.iam.send(new RemoveUserFromGroupCommand({ GroupName: 'crew', UserName: 'leaving' }));
      await h.iam.send(new DeleteUserCommand({ UserName: 'leaving' }));
      await rejectsWith(h.iam.send(new GetUserCommand({ UserName: 'leaving' })), 'NoSuchEntity');
    });
  });

  describe('renaming a user', () => {
    it('UpdateUser NewUserName moves keys, inline and attached policies and group memberships; the key keeps working under the new name', async () => {
      await h.iam.send(new CreateUserCommand({ UserName: 'old-name' }));
      const creds = await newKey('old-name');
      await h.iam.send(new PutUserPolicyCommand({ UserName: 'old-name', PolicyName: 'self', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam::*:user/${aws:username}' }) }));
      const managed = await h.iam.send(new CreatePolicyCommand({ PolicyName: 'rename-managed', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:ListGroupsForUser', Resource: '*' }) }));
      await h.iam.send(new AttachUserPolicyCommand({ UserName: 'old-name', PolicyArn: managed.Policy!.Arn! }));
      await h.iam.send(new CreateGroupCommand({ GroupName: 'rename-crew' }));
      await h.iam.send(new AddUserToGroupCommand({ GroupName: 'rename-crew', UserName: 'old-name' }));
      const before = (await h.iam.send(new GetUserCommand({ UserName: 'old-name' }))).User!;
      await rejectsWith(h.iam.send(new UpdateUserCommand({ UserName: 'old-name', NewUserName: 'ALICE' })), 'EntityAlreadyExists', 'User with name ALICE already exists.', 409);

      await h.iam.send(new UpdateUserCommand({ UserName: 'old-name', NewUserName: 'new-name' }));
      await rejectsWith(h.iam.send(new GetUserCommand({ UserName: 'old-name' })), 'NoSuchEntity');
      const after = (await h.iam.send(new GetUserCommand({ UserName: 'new-name' }))).User!;
      assert.equal(after.UserId, before.UserId);
      assert.equal(after.Arn, userArn('new-name'));
      assert.deepEqual((await h.iam.send(new ListUserPoliciesCommand({ UserName: 'new-name' }))).PolicyNames, ['self']);
      assert.deepEqual((await h.iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'new-name' }))).AttachedPolicies!.map((p) => p.PolicyName), ['rename-managed']);
      assert.deepEqual((await h.iam.send(new ListGroupsForUserCommand({ UserName: 'new-name' }))).Groups!.map((g) => g.GroupName), ['rename-crew']);
      assert.deepEqual((await h.iam.send(new GetGroupCommand({ GroupName: 'rename-crew' }))).Users!.map((u) => u.UserName), ['new-name']);
      assert.deepEqual((await h.iam.send(new ListAccessKeysCommand({ UserName: 'new-name' }))).AccessKeyMetadata!.map((k) => [k.AccessKeyId, k.UserName]), [[creds.accessKeyId, 'new-name']]);
      // ${aws:username} is the new name now: the user may read itself under it.
      assert.equal((await iamAs(creds).send(new GetUserCommand({}))).User!.UserName, 'new-name');
      assert.equal((await stsAs(creds).send(new GetCallerIdentityCommand({}))).Arn, userArn('new-name'));
      // The attachment moved without counting twice.
      assert.equal((await h.iam.send(new GetPolicyCommand({ PolicyArn: managed.Policy!.Arn! }))).Policy!.AttachmentCount, 1);
      // A new user of the old name inherits nothing.
      await h.iam.send(new CreateUserCommand({ UserName: 'old-name' }));
      assert.deepEqual((await h.iam.send(new ListUserPoliciesCommand({ UserName: 'old-name' }))).PolicyNames, []);
      assert.deepEqual((await h.iam.send(new ListAccessKeysCommand({ UserName: 'old-name' }))).AccessKeyMetadata, []);
      assert.deepEqual((await h.iam.send(new ListGroupsForUserCommand({ UserName: 'old-name' }))).Groups, []);
    });
  });

  describe('requests signed with a user key', () => {
    let creds: Creds;
    before(async () => {
      await h.iam.send(new CreateUserCommand({ UserName: 'app' }));
      await h.iam.send(new CreateRoleCommand({ RoleName: 'app-data', AssumeRolePolicyDocument: trustPolicy() }));
      await h.iam.send(new CreateRoleCommand({ RoleName: 'other-data', AssumeRolePolicyDocument: trustPolicy() }));
      await h.iam.send(new CreateRoleCommand({ RoleName: 'web-data', AssumeRolePolicyDocument: trustPolicy() }));
      creds = await newKey('app');
    });

    it('refuses an action no policy allows with AccessDenied and AWS message', async () => {
      await rejectsWith(
        iamAs(creds).send(new GetRoleCommand({ RoleName: 'app-data' })),
        'AccessDenied',
        `User: ${userArn('app')} is not authorized to perform: iam:GetRole on resource: arn:aws:iam::${h.accountId}:role/app-data because no identity-based policy allows the iam:GetRole action`,
        403,
      );
    });

    it('allows what an inline policy allows, with ${aws:username} resolved to the user name', async () => {
      await h.iam.send(new PutUserPolicyCommand({ UserName: 'app', PolicyName: 'own-role', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:GetRole', Resource: `arn:aws:iam::${h.accountId}:role/\${aws:username}-data` }) }));
      assert.equal((await iamAs(creds).send(new GetRoleCommand({ RoleName: 'app-data' }))).Role!.RoleName, 'app-data');
      await rejectsWith(iamAs(creds).send(new GetRoleCommand({ RoleName: 'other-data' })), 'AccessDenied', undefined, 403);
    });

    it('conditions see aws:username, aws:userid and aws:PrincipalTag/… of the user', async () => {
      const user = (await h.iam.send(new GetUserCommand({ UserName: 'app' }))).User!;
      await h.iam.send(new PutUserPolicyCommand({
        UserName: 'app',
        PolicyName: 'by-tag',
        PolicyDocument: doc({
          Effect: 'Allow',
          Action: 'iam:GetRole',
          Resource: `arn:aws:iam::${h.accountId}:role/\${aws:PrincipalTag/team}-data`,
          Condition: { StringEquals: { 'aws:username': 'app', 'aws:userid': user.UserId } },
        }),
      }));
      await rejectsWith(iamAs(creds).send(new GetRoleCommand({ RoleName: 'web-data' })), 'AccessDenied', undefined, 403);
      await h.iam.send(new TagUserCommand({ UserName: 'app', Tags: [{ Key: 'team', Value: 'web' }] }));
      assert.equal((await iamAs(creds).send(new GetRoleCommand({ RoleName: 'web-data' }))).Role!.RoleName, 'web-data');
    });

    it('allows what a group policy allows, and an explicit Deny in a group policy wins over the user Allow', async () => {
      await h.iam.send(new CreateGroupCommand({ GroupName: 'listers' }));
      await h.iam.send(new AddUserToGroupCommand({ GroupName: 'listers', UserName: 'app' }));
      await rejectsWith(iamAs(creds).send(new ListUsersCommand({})), 'AccessDenied', undefined, 403);
      const managed = await h.iam.send(new CreatePolicyCommand({ PolicyName: 'list-all-users', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }) }));
      await h.iam.send(new AttachGroupPolicyCommand({ GroupName: 'listers', PolicyArn: managed.Policy!.Arn! }));
      assert.ok((await iamAs(creds).send(new ListUsersCommand({}))).Users!.length > 0);
      await h.iam.send(new PutGroupPolicyCommand({ GroupName: 'listers', PolicyName: 'no-app-role', PolicyDocument: doc({ Effect: 'Deny', Action: 'iam:GetRole', Resource: `arn:aws:iam::${h.accountId}:role/app-data` }) }));
      await rejectsWith(
        iamAs(creds).send(new GetRoleCommand({ RoleName: 'app-data' })),
        'AccessDenied',
        /is not authorized to perform: iam:GetRole on resource: .*role\/app-data with an explicit deny in an identity-based policy$/,
        403,
      );
      await h.iam.send(new RemoveUserFromGroupCommand({ GroupName: 'listers', UserName: 'app' }));
      assert.equal((await iamAs(creds).send(new GetRoleCommand({ RoleName: 'app-data' }))).Role!.RoleName, 'app-data');
      await rejectsWith(iamAs(creds).send(new ListUsersCommand({})), 'AccessDenied', undefined, 403);
    });

    it('ForAllValues on a principal tag whose value is an empty string is true, as on an empty set, unless a Null check refuses it (IAM User Guide, Single-valued vs. multivalued context keys)', async () => {
      await h.iam.send(new CreateUserCommand({ UserName: 'untagged', Tags: [{ Key: 'team', Value: '' }] }));
      const own = await newKey('untagged');
      const forAll = { 'ForAllValues:StringEquals': { 'aws:PrincipalTag/team': ['web'] } };
      const put = (condition: unknown) =>
        h.iam.send(new PutUserPolicyCommand({ UserName: 'untagged', PolicyName: 'team-only', PolicyDocument: doc({ Sid: 'TeamOnly', Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: condition }) }));
      await put(forAll);
      assert.equal((await iamAs(own).send(new GetRoleCommand({ RoleName: 'web-data' }))).Role!.RoleName, 'web-data');
      await put({ ...forAll, Null: { 'aws:PrincipalTag/team': 'false' } });
      await rejectsWith(iamAs(own).send(new GetRoleCommand({ RoleName: 'web-data' })), 'AccessDenied', undefined, 403);
    });

    it('refuses an access key status outside Active/Inactive with ValidationError and changes nothing', async () => {
      await rejectsWith(h.iam.send(new UpdateAccessKeyCommand({ UserName: 'app', AccessKeyId: creds.accessKeyId, Status: 'Paused' as never })), 'ValidationError', undefined, 400);
      assert.deepEqual((await h.iam.send(new ListAccessKeysCommand({ UserName: 'app' }))).AccessKeyMetadata!.map((k) => k.Status), ['Active']);
    });

    it('GetUser and ListAccessKeys without UserName act on the calling user', async () => {
      await h.iam.send(new PutUserPolicyCommand({ UserName: 'app', PolicyName: 'self', PolicyDocument: doc({ Effect: 'Allow', Action: ['iam:GetUser', 'iam:ListAccessKeys'], Resource: 'arn:aws:iam::*:user/${aws:username}' }) }));
      assert.equal((await iamAs(creds).send(new GetUserCommand({}))).User!.UserName, 'app');
      assert.deepEqual((await iamAs(creds).send(new ListAccessKeysCommand({}))).AccessKeyMetadata!.map((k) => k.AccessKeyId), [creds.accessKeyId]);
      await rejectsWith(h.iam.send(new GetUserCommand({})), 'ValidationError', 'Must specify userName when calling with non-User credentials', 400);
    });

    it('GetSessionToken gives temporary credentials with the user permissions that cannot call IAM', async () => {
      const out = await stsAs(creds).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
      const temp = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
      assert.match(temp.accessKeyId, /^ASIA/);
      const me = await stsAs(temp).send(new GetCallerIdentityCommand({}));
      assert.equal(me.Arn, userArn('app'));
      assert.match(me.UserId!, /^AIDA/);
      await rejectsWith(iamAs(temp).send(new GetRoleCommand({ RoleName: 'app-data' })), 'AccessDenied', undefined, 403);
      await rejectsWith(stsAs(temp).send(new GetSessionTokenCommand({})), 'AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
      await rejectsWith(stsAs(h.server.rootCredentials).send(new GetSessionTokenCommand({})), 'AccessDenied', undefined, 403);
    });

    it('a deleted key is refused at once', async () => {
      await h.iam.send(new DeleteAccessKeyCommand({ UserName: 'app', AccessKeyId: creds.accessKeyId }));
      await rejectsWith(stsAs(creds).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    });
  });
});
