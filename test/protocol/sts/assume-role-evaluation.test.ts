/**
 * Rule 1 of issue 22 through the official @aws-sdk/client-sts against a real server: AssumeRole
 * applies the calling session's identity policies and session policy even when the target's
 * trust policy names the caller's role (IAM User Guide, "Determining whether a request is
 * allowed or denied within an account": an explicit deny in any policy wins; "Session policies":
 * permissions a resource-based policy grants to the role ARN are limited by the session policy).
 * Rule 2 where the server reaches it: a trust policy naming only the account delegates to the
 * caller's identity policies and grants nothing alone (IAM User Guide, "Cross-account policy
 * evaluation logic"). The log's reason names the policy and statement that decided.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { credsOf, policy, rejectsWith, type Creds } from './setup.js';

describe('AssumeRole applies the caller identity policies and session policy even when the trust policy names the caller', () => {
  let server: TestServer;
  let iam: IAMClient;
  const clients: Array<{ destroy(): void }> = [];
  const sts = (credentials: Creds) => {
    const c = new STSClient({ endpoint: server.url, region: server.region, credentials, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  const roleArn = (name: string) => `arn:aws:iam::${server.accountId}:role/${name}`;
  const root = () => `arn:aws:iam::${server.accountId}:root`;
  const createRole = async (name: string, trust: unknown, inline?: unknown) => {
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    if (inline) await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: `${name}-inline`, PolicyDocument: JSON.stringify(inline) }));
  };
  const sessionOf = async (role: string, extra: { Policy?: string } = {}) =>
    credsOf(await sts(server.rootCredentials).send(new AssumeRoleCommand({ RoleArn: roleArn(role), RoleSessionName: `${role}-s`, ...extra })));
  const assumeTarget = (creds: Creds, target = 'target') => sts(creds).send(new AssumeRoleCommand({ RoleArn: roleArn(target), RoleSessionName: 'next' }));
  const lastReason = () => {
    const line = [...server.logs].reverse().find((l) => l.outcome === 'AccessDenied');
    return JSON.stringify(line?.reason ?? line);
  };

  before(async () => {
    server = await startTestServer({ captureLogs: true });
    iam = new IAMClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials, maxAttempts: 1 });
    const trustsAccount = policy({ Effect: 'Allow', Principal: { AWS: root() }, Action: 'sts:AssumeRole' });
    // `caller` allows sts:AssumeRole on * and denies it on `target`; `allowed` only allows it.
    await createRole('caller', trustsAccount, policy(
      { Sid: 'AssumeAnything', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
      { Sid: 'NeverTarget', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: roleArn('target') },
    ));
    await createRole('allowed', trustsAccount, policy({ Sid: 'AssumeAnything', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }));
    await createRole('bare', trustsAccount);
    // `target` trusts both calling roles by their role ARN.
    await createRole('target', policy({ Sid: 'TrustCallers', Effect: 'Allow', Principal: { AWS: [roleArn('caller'), roleArn('allowed')] }, Action: 'sts:AssumeRole' }));
    await createRole('account-trust', trustsAccount);
  });

  after(async () => {
    for (const c of clients) c.destroy();
    iam?.destroy();
    await server?.close();
  });

  it('refuses a session whose role policy denies AssumeRole on the target, although the trust policy names that role (Determining whether a request is allowed or denied within an account)', async () => {
    const creds = await sessionOf('caller');
    await rejectsWith(
      assumeTarget(creds),
      'AccessDenied',
      `User: arn:aws:sts::${server.accountId}:assumed-role/caller/caller-s is not authorized to perform: sts:AssumeRole on resource: ${roleArn('target')}`,
      403,
    );
    assert.match(lastReason(), /statement \\"NeverTarget\\" of identity policy caller-inline denies sts:AssumeRole/);
  });

  it('refuses a session created with a session policy allowing only s3:GetObject, although the trust policy names its role (Session policies)', async () => {
    const creds = await sessionOf('allowed', { Policy: JSON.stringify(policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })) });
    await rejectsWith(assumeTarget(creds), 'AccessDenied', /is not authorized to perform: sts:AssumeRole on resource: .*role\/target$/, 403);
    assert.match(lastReason(), /no session policy allows sts:AssumeRole.*session policy inline session policy/);
  });

  it('lets a session assume the target when its identity policy allows, nothing denies and no session policy limits it (control)', async () => {
    const creds = await sessionOf('allowed');
    const out = await assumeTarget(creds);
    assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${server.accountId}:assumed-role/target/next`);
  });

  it('lets a session with no identity policy assume a role whose trust policy names its role ARN (the trust policy grants to the role)', async () => {
    await createRole('trusts-bare', policy({ Effect: 'Allow', Principal: { AWS: roleArn('bare') }, Action: 'sts:AssumeRole' }));
    const out = await assumeTarget(await sessionOf('bare'), 'trusts-bare');
    assert.ok(out.Credentials?.AccessKeyId?.startsWith('ASIA'));
  });

  it('refuses a session without an identity policy a role whose trust policy names only the account (Cross-account policy evaluation logic: naming the account delegates)', async () => {
    await rejectsWith(assumeTarget(await sessionOf('bare'), 'account-trust'), 'AccessDenied', undefined, 403);
    assert.match(lastReason(), /delegates to the account \(statement #0 of resource policy trust policy of .*role\/account-trust names only the account\), and no identity policy allows sts:AssumeRole/);
  });

  it('refuses an IAM user without an identity policy a role whose trust policy names only the account, and allows it once a managed policy allows', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'backend' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'backend' }))).AccessKey!;
    const creds = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    await rejectsWith(assumeTarget(creds, 'account-trust'), 'AccessDenied', `User: arn:aws:iam::${server.accountId}:user/backend is not authorized to perform: sts:AssumeRole on resource: ${roleArn('account-trust')}`, 403);
    const managed = await iam.send(new CreatePolicyCommand({ PolicyName: 'assume-account-trust', PolicyDocument: JSON.stringify(policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn('account-trust') })) }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'backend', PolicyArn: managed.Policy!.Arn! }));
    const out = await assumeTarget(creds, 'account-trust');
    assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${server.accountId}:assumed-role/account-trust/next`);
    // An explicit Deny in an inline user policy wins over the trust policy and the managed Allow.
    await iam.send(new PutUserPolicyCommand({ UserName: 'backend', PolicyName: 'no-roles', PolicyDocument: JSON.stringify(policy({ Sid: 'NoRoles', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' })) }));
    await rejectsWith(assumeTarget(creds, 'account-trust'), 'AccessDenied', undefined, 403);
    assert.match(lastReason(), /statement \\"NoRoles\\" of identity policy no-roles denies/);
  });
});
