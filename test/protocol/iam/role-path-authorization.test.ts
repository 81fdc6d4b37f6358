/**
 * Operations that name a role only by RoleName are authorised against the role's real ARN,
 * path included, as IAM does: a policy scoped to `role/team/*` covers a role created under
 * `/team/` and nothing else.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateRoleCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { startIam, rejectsWith, type IamHarness } from './setup.js';

describe('role paths in authorisation', () => {
  let h: IamHarness;
  let asCaller: IAMClient;

  before(async () => {
    h = await startIam();
    const trustAccount = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${h.accountId}:root` }, Action: 'sts:AssumeRole' }],
    });
    await h.iam.send(new CreateRoleCommand({ RoleName: 'team-member', Path: '/team/', AssumeRolePolicyDocument: trustAccount }));
    await h.iam.send(new CreateRoleCommand({ RoleName: 'outsider', AssumeRolePolicyDocument: trustAccount }));
    await h.iam.send(new CreateRoleCommand({ RoleName: 'caller', AssumeRolePolicyDocument: trustAccount }));
    await h.iam.send(
      new PutRolePolicyCommand({
        RoleName: 'caller',
        PolicyName: 'team-roles-only',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: `arn:aws:iam::${h.accountId}:role/team/*` }],
        }),
      }),
    );
    const sts = new STSClient({ endpoint: h.server.url, region: h.server.region, credentials: h.server.rootCredentials });
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${h.accountId}:role/caller`, RoleSessionName: 'paths' }));
    sts.destroy();
    asCaller = new IAMClient({
      endpoint: h.server.url,
      region: h.server.region,
      maxAttempts: 1,
      credentials: { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! },
    });
  });

  after(async () => {
    asCaller?.destroy();
    await h?.close();
  });

  it('allows GetRole on a role under /team/ to a policy scoped to role/team/*', async () => {
    const got = await asCaller.send(new GetRoleCommand({ RoleName: 'team-member' }));
    assert.equal(got.Role!.Arn, `arn:aws:iam::${h.accountId}:role/team/team-member`);
  });

  it('denies GetRole on a role outside /team/ to the same policy', async () => {
    await rejectsWith(asCaller.send(new GetRoleCommand({ RoleName: 'outsider' })), 'AccessDenied', /role\/outsider/, 403);
  });
});
