/**
 * The backbone, end to end, with the official AWS SDK for JavaScript v3 against a real Tessera
 * and a real HTTPS OpenID issuer whose self-signed certificate is pinned by thumbprint.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  PutRolePolicyCommand,
  GetRoleCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startIssuer, type TestIssuer } from '../helpers/issuer.js';

describe('web identity federation with the AWS SDK v3', () => {
  let server: TestServer;
  let issuer: TestIssuer;
  let iam: IAMClient;
  let providerArn: string;
  const roleName = 'app-user';

  before(async () => {
    issuer = await startIssuer();
    server = await startTestServer();
    const common = { endpoint: server.url, region: server.region, credentials: server.rootCredentials };
    iam = new IAMClient(common);
    const created = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ['my-app'], ThumbprintList: [issuer.thumbprint] }),
    );
    providerArn = created.OpenIDConnectProviderArn!;
    const host = issuer.url.slice('https://'.length);
    assert.equal(providerArn, `arn:aws:iam::${server.accountId}:oidc-provider/${host}`);
    await iam.send(
      new CreateRoleCommand({
        RoleName: roleName,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: providerArn },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: { StringEquals: { [`${host}:aud`]: 'my-app', [`${host}:sub`]: 'alice' } },
            },
          ],
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: 'read-roles',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }] }),
      }),
    );
  });

  after(async () => {
    iam?.destroy();
    await server?.close();
    await issuer?.close();
  });

  const sts = () => new STSClient({ endpoint: server.url, region: server.region, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });

  async function assume(sub: string, extra: Partial<{ Policy: string; DurationSeconds: number }> = {}) {
    const token = await issuer.sign(issuer.claims({ sub, aud: 'my-app' }));
    const client = sts();
    try {
      return await client.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: `arn:aws:iam::${server.accountId}:role/${roleName}`,
          RoleSessionName: 'alice-session',
          WebIdentityToken: token,
          ...extra,
        }),
      );
    } finally {
      client.destroy();
    }
  }

  it('vends ASIA credentials for a token whose aud and sub satisfy the trust policy', async () => {
    const out = await assume('alice');
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA[A-Z0-9]{16}$/);
    assert.ok(out.Credentials!.SecretAccessKey!.length >= 40);
    assert.ok(out.Credentials!.SessionToken);
    const ttl = out.Credentials!.Expiration!.getTime() - Date.now();
    assert.ok(ttl > 3590_000 && ttl <= 3600_000, `expires in ${ttl} ms`);
    assert.equal(out.SubjectFromWebIdentityToken, 'alice');
    assert.equal(out.Audience, 'my-app');
    assert.equal(out.Provider, providerArn);
    assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${server.accountId}:assumed-role/${roleName}/alice-session`);
    assert.match(out.AssumedRoleUser!.AssumedRoleId!, /^AROA[A-Z0-9]+:alice-session$/);
  });

  it('refuses a token whose sub the trust policy does not allow with AccessDenied', async () => {
    await assert.rejects(assume('mallory'), (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(e.name, 'AccessDenied');
      assert.equal(e.$metadata?.httpStatusCode, 403);
      assert.equal(e.message, 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
      return true;
    });
  });

  it('lets the vended credentials call what the role allows and denies the rest', async () => {
    const out = await assume('alice');
    const credentials = {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    };
    const asRole = new IAMClient({ endpoint: server.url, region: server.region, credentials });
    const stsAsRole = new STSClient({ endpoint: server.url, region: server.region, credentials });
    try {
      const me = await stsAsRole.send(new GetCallerIdentityCommand({}));
      assert.equal(me.Arn, `arn:aws:sts::${server.accountId}:assumed-role/${roleName}/alice-session`);
      assert.equal(me.Account, server.accountId);
      assert.match(me.UserId!, /^AROA[A-Z0-9]+:alice-session$/);

      const role = await asRole.send(new GetRoleCommand({ RoleName: roleName }));
      assert.equal(role.Role!.RoleName, roleName);

      await assert.rejects(asRole.send(new ListRolesCommand({})), (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(e.name, 'AccessDenied');
        assert.equal(e.$metadata?.httpStatusCode, 403);
        assert.match(e.message, /is not authorized to perform: iam:ListRoles/);
        return true;
      });
    } finally {
      asRole.destroy();
      stsAsRole.destroy();
    }
  });

  it('narrows the role with a session policy: an action the role allows is denied when the session policy omits it', async () => {
    const out = await assume('alice', {
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }] }),
    });
    assert.ok(typeof out.PackedPolicySize === 'number');
    const asRole = new IAMClient({
      endpoint: server.url,
      region: server.region,
      credentials: { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! },
    });
    try {
      // The role allows GetRole but the session policy does not: the intersection denies it.
      await assert.rejects(asRole.send(new GetRoleCommand({ RoleName: roleName })), { name: 'AccessDenied' });
      // The session policy allows ListRoles but the role does not: still denied.
      await assert.rejects(asRole.send(new ListRolesCommand({})), { name: 'AccessDenied' });
    } finally {
      asRole.destroy();
    }
  });

  it('refuses a session whose credentials were signed with the wrong secret with SignatureDoesNotMatch', async () => {
    const out = await assume('alice');
    const secret = out.Credentials!.SecretAccessKey!;
    // Another first character, always: 'x' alone would leave a secret that starts with 'x' intact.
    const wrong = (secret[0] === 'x' ? 'y' : 'x') + secret.slice(1);
    assert.notEqual(wrong, secret);
    const client = new STSClient({
      endpoint: server.url,
      region: server.region,
      credentials: { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: wrong, sessionToken: out.Credentials!.SessionToken! },
    });
    try {
      await assert.rejects(client.send(new GetCallerIdentityCommand({})), { name: 'SignatureDoesNotMatch' });
    } finally {
      client.destroy();
    }
  });

  it('refuses a tampered session token and an unknown access key with InvalidClientTokenId', async () => {
    const out = await assume('alice');
    const token = out.Credentials!.SessionToken!;
    const flipped = token.slice(0, -6) + (token.at(-6) === 'A' ? 'B' : 'A') + token.slice(-5);
    for (const credentials of [
      { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: flipped },
      { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'whatever-secret-000000000000000000000000' },
    ]) {
      const client = new STSClient({ endpoint: server.url, region: server.region, credentials });
      try {
        await assert.rejects(client.send(new GetCallerIdentityCommand({})), { name: 'InvalidClientTokenId' });
      } finally {
        client.destroy();
      }
    }
  });

  it('lets root assume a role that trusts the account, and caps a chained session at one hour', async () => {
    const chainRole = 'chain-target';
    await iam.send(
      new CreateRoleCommand({
        RoleName: chainRole,
        MaxSessionDuration: 7200,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${server.accountId}:root` }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    const rootSts = new STSClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials });
    try {
      const out = await rootSts.send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${server.accountId}:role/${chainRole}`, RoleSessionName: 'ops', DurationSeconds: 7200 }),
      );
      assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${server.accountId}:assumed-role/${chainRole}/ops`);
      const chained = new STSClient({
        endpoint: server.url,
        region: server.region,
        credentials: { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! },
      });
      try {
        await assert.rejects(
          chained.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${server.accountId}:role/${chainRole}`, RoleSessionName: 'again', DurationSeconds: 7200 })),
          { name: 'ValidationError' },
        );
        // The chain-target role's own policies do not allow sts:AssumeRole: the trust policy names only the account.
        await assert.rejects(
          chained.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${server.accountId}:role/${chainRole}`, RoleSessionName: 'again' })),
          { name: 'AccessDenied' },
        );
      } finally {
        chained.destroy();
      }
    } finally {
      rootSts.destroy();
    }
  });
});
