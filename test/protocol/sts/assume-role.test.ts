/**
 * sts:AssumeRole and sts:GetCallerIdentity through the unmodified @aws-sdk/client-sts:
 * same-account trust semantics (IAM user guide, "Policy evaluation logic": a trust policy naming
 * the caller's ARN suffices, one naming only the account needs an identity policy too),
 * ExternalId, the one-hour cap on chained sessions, transitive session tags, and
 * GetCallerIdentity's "needs no permission and cannot be denied" (aws-surface.md §5.5).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteRolePolicyCommand, GetRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { credsOf, policy, rejectsWith, startSts, type Creds, type StsHarness } from './setup.js';

describe('AssumeRole and GetCallerIdentity', () => {
  let h: StsHarness;
  let root: string;

  before(async () => {
    h = await startSts();
    root = `arn:aws:iam::${h.accountId}:root`;
    const trustsAccount = (actions: string | string[] = 'sts:AssumeRole', condition?: unknown) =>
      policy({ Effect: 'Allow', Principal: { AWS: root }, Action: actions, ...(condition ? { Condition: condition } : {}) });
    const trustsRole = (arn: string, actions: string | string[] = 'sts:AssumeRole') => policy({ Effect: 'Allow', Principal: { AWS: arn }, Action: actions });

    // 'base' is the starting session for chains; it has no identity policy of its own.
    await h.createRole('base', trustsAccount(['sts:AssumeRole', 'sts:TagSession']), { maxSessionDuration: 7200 });
    await h.createRole('names-base', trustsRole(h.roleArn('base')), { maxSessionDuration: 7200 });
    await h.createRole('account-only', trustsAccount(), { maxSessionDuration: 7200 });
    await h.createRole('external', trustsAccount('sts:AssumeRole', { StringEquals: { 'sts:ExternalId': 'ext-4711' } }));
    await h.createRole('tag-target', trustsRole(h.roleArn('base'), ['sts:AssumeRole', 'sts:TagSession']), {
      policy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'iam:GetRole', Resource: `arn:aws:iam::${h.accountId}:role/\${aws:PrincipalTag/Project}` },
          { Effect: 'Allow', Action: 'iam:GetRole', Resource: `arn:aws:iam::${h.accountId}:role/\${aws:PrincipalTag/Team}` },
        ],
      },
    });
    await h.createRole('tag-target-no-tagsession', trustsRole(h.roleArn('base')));
    await h.createRole('denied-everything', trustsAccount(), {
      policy: policy({ Effect: 'Deny', Action: '*', Resource: '*' }, { Effect: 'Allow', Action: '*', Resource: '*' }),
    });
    await h.createRole('blue', trustsAccount());
    await h.createRole('ops', trustsAccount());
  });

  after(async () => {
    await h?.close();
  });

  const asRoot = () => h.sts(h.server.rootCredentials);
  const assume = (client: ReturnType<StsHarness['sts']>, role: string, extra: Partial<AssumeRoleCommandInput> = {}) =>
    client.send(new AssumeRoleCommand({ RoleArn: h.roleArn(role), RoleSessionName: `${role}-session`, ...extra }));
  const session = async (role: string, extra: Partial<AssumeRoleCommandInput> = {}): Promise<Creds> => credsOf(await assume(asRoot(), role, extra));

  describe('GetCallerIdentity', () => {
    it('returns the account root for the root credentials', async () => {
      const me = await asRoot().send(new GetCallerIdentityCommand({}));
      assert.equal(me.Arn, root);
      assert.equal(me.Account, h.accountId);
      assert.equal(me.UserId, h.accountId);
    });

    it('returns the assumed-role ARN and <RoleId>:<session> for a role session', async () => {
      const out = await assume(asRoot(), 'base', { RoleSessionName: 'who-am-i' });
      const me = await h.sts(credsOf(out)).send(new GetCallerIdentityCommand({}));
      assert.equal(me.Arn, `arn:aws:sts::${h.accountId}:assumed-role/base/who-am-i`);
      assert.equal(me.Arn, out.AssumedRoleUser!.Arn);
      assert.equal(me.UserId, out.AssumedRoleUser!.AssumedRoleId);
      const role = await h.iam.send(new GetRoleCommand({ RoleName: 'base' }));
      assert.equal(me.UserId, `${role.Role!.RoleId}:who-am-i`);
      assert.equal(me.Account, h.accountId);
    });

    it('cannot be denied, even by an explicit Deny * on the role', async () => {
      const creds = await session('denied-everything');
      // The Deny is in force for everything else …
      await rejectsWith(h.iamAs(creds).send(new GetRoleCommand({ RoleName: 'blue' })), 'AccessDenied', /explicit deny/, 403);
      await rejectsWith(assume(h.sts(creds), 'blue'), 'AccessDenied', undefined, 403);
      // … but not for GetCallerIdentity.
      const me = await h.sts(creds).send(new GetCallerIdentityCommand({}));
      assert.equal(me.Arn, `arn:aws:sts::${h.accountId}:assumed-role/denied-everything/denied-everything-session`);
    });
  });

  describe('who may assume', () => {
    it('lets root assume a role whose trust policy names the account', async () => {
      const out = await assume(asRoot(), 'account-only');
      assert.match(out.Credentials!.AccessKeyId!, /^ASIA[A-Z0-9]{16}$/);
      assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${h.accountId}:assumed-role/account-only/account-only-session`);
    });

    it('lets a role session assume a role whose trust names its role ARN, with no identity policy', async () => {
      const base = await session('base');
      const out = await assume(h.sts(base), 'names-base');
      assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${h.accountId}:assumed-role/names-base/names-base-session`);
    });

    it('requires an identity policy allowing sts:AssumeRole when the trust names only the account', async () => {
      const base = await session('base');
      await rejectsWith(assume(h.sts(base), 'account-only'), 'AccessDenied', /sts:AssumeRole/, 403);
      await h.iam.send(
        new PutRolePolicyCommand({
          RoleName: 'base',
          PolicyName: 'may-assume',
          PolicyDocument: JSON.stringify(policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: h.roleArn('account-only') })),
        }),
      );
      try {
        const out = await assume(h.sts(base), 'account-only');
        assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${h.accountId}:assumed-role/account-only/account-only-session`);
        // The identity policy names one role; another account-trusting role is still refused.
        await rejectsWith(assume(h.sts(base), 'blue'), 'AccessDenied', undefined, 403);
      } finally {
        await h.iam.send(new DeleteRolePolicyCommand({ RoleName: 'base', PolicyName: 'may-assume' }));
      }
      await rejectsWith(assume(h.sts(base), 'account-only'), 'AccessDenied', undefined, 403);
    });

    it('refuses a role that does not exist with AccessDenied', async () => {
      await rejectsWith(assume(asRoot(), 'no-such-role'), 'AccessDenied', undefined, 403);
    });

    it('enforces an sts:ExternalId condition: absent or wrong is AccessDenied, the right one succeeds', async () => {
      await rejectsWith(assume(asRoot(), 'external'), 'AccessDenied', undefined, 403);
      await rejectsWith(assume(asRoot(), 'external', { ExternalId: 'ext-4712' }), 'AccessDenied', undefined, 403);
      await rejectsWith(assume(asRoot(), 'external', { ExternalId: 'EXT-4711' }), 'AccessDenied', undefined, 403);
      const out = await assume(asRoot(), 'external', { ExternalId: 'ext-4711' });
      assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
    });
  });

  describe('durations', () => {
    it('lets root take the role maximum but caps a chained session at one hour', async () => {
      const out = await assume(asRoot(), 'base', { DurationSeconds: 7200 });
      const ttl = out.Credentials!.Expiration!.getTime() - Date.now();
      assert.ok(ttl > 7190_000 && ttl <= 7200_000, `root session ttl ${ttl}`);
      const chained = h.sts(credsOf(out));
      await rejectsWith(assume(chained, 'names-base', { DurationSeconds: 3601 }), 'ValidationError', /role chaining/, 400);
      const ok = await assume(chained, 'names-base', { DurationSeconds: 3600 });
      const chainedTtl = ok.Credentials!.Expiration!.getTime() - Date.now();
      assert.ok(chainedTtl > 3590_000 && chainedTtl <= 3600_000, `chained ttl ${chainedTtl}`);
    });

    it('refuses DurationSeconds outside 900..43200 and above the role maximum with ValidationError', async () => {
      await rejectsWith(assume(asRoot(), 'blue', { DurationSeconds: 899 }), 'ValidationError', /durationSeconds/, 400);
      await rejectsWith(assume(asRoot(), 'blue', { DurationSeconds: 43201 }), 'ValidationError', /durationSeconds/, 400);
      await rejectsWith(assume(asRoot(), 'blue', { DurationSeconds: 3601 }), 'ValidationError', /MaxSessionDuration/, 400);
    });
  });

  describe('session policies and tags', () => {
    it('refuses a Policy that is not JSON with MalformedPolicyDocument and an oversized one with PackedPolicyTooLarge', async () => {
      await rejectsWith(assume(asRoot(), 'blue', { Policy: '{"Version":' }), 'MalformedPolicyDocument', undefined, 400);
      // AssumeRole's Policy is unrestrictedSessionPolicyDocumentType (no model max): the packed-size check refuses it.
      const long = JSON.stringify(policy({ Sid: 'x'.repeat(2100), Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }));
      await rejectsWith(assume(asRoot(), 'blue', { Policy: long }), 'PackedPolicyTooLarge', undefined, 400);
    });

    it('carries transitive tags into a chained session, and only those', async () => {
      const base = await session('base', {
        Tags: [
          { Key: 'Project', Value: 'blue' },
          { Key: 'Team', Value: 'ops' },
        ],
        TransitiveTagKeys: ['Project'],
      });
      const chained = h.iamAs(credsOf(await assume(h.sts(base), 'tag-target')));
      // Project=blue came along: ${aws:PrincipalTag/Project} resolves to 'blue'.
      const role = await chained.send(new GetRoleCommand({ RoleName: 'blue' }));
      assert.equal(role.Role!.RoleName, 'blue');
      // Team was not transitive: ${aws:PrincipalTag/Team} is unresolved, so that statement never matches.
      await rejectsWith(chained.send(new GetRoleCommand({ RoleName: 'ops' })), 'AccessDenied', /iam:GetRole/, 403);
    });

    it('refuses a chain carrying transitive tags into a role whose trust lacks sts:TagSession', async () => {
      const base = await session('base', { Tags: [{ Key: 'Project', Value: 'blue' }], TransitiveTagKeys: ['Project'] });
      await rejectsWith(assume(h.sts(base), 'tag-target-no-tagsession'), 'AccessDenied', undefined, 403);
      // Without tags the same chain is allowed.
      const plain = await session('base');
      const out = await assume(h.sts(plain), 'tag-target-no-tagsession');
      assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
    });

    it('refuses session tags when the trust policy does not allow sts:TagSession', async () => {
      await rejectsWith(assume(asRoot(), 'blue', { Tags: [{ Key: 'Project', Value: 'x' }] }), 'AccessDenied', undefined, 403);
    });

    it('refuses a request tag that would override a transitive tag of the calling session', async () => {
      const base = await session('base', { Tags: [{ Key: 'Project', Value: 'blue' }], TransitiveTagKeys: ['Project'] });
      await assert.rejects(assume(h.sts(base), 'tag-target', { Tags: [{ Key: 'project', Value: 'red' }] }), (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(e.$metadata?.httpStatusCode, 400);
        return true;
      });
    });
  });
});
