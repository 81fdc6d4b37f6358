/**
 * The basic (classic) flow: GetId → GetOpenIdToken → STS AssumeRoleWithWebIdentity. STS knows
 * Tessera's own OpenID tokens as `cognito-identity.amazonaws.com`, so trust policies written for
 * AWS (aud = pool id, amr) work unchanged.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateIdentityPoolCommand,
  GetIdCommand,
  GetOpenIdTokenCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsError, cognitoRole, fixture, type Fixture } from './setup.js';

describe('basic flow through STS', () => {
  let f: Fixture;
  let poolId: string;
  let otherPoolId: string;
  let guestRole: string;
  let authRole: string;
  let sts: STSClient;

  before(async () => {
    f = await fixture();
    const pool = await f.admin.send(
      new CreateIdentityPoolCommand({ IdentityPoolName: 'classic', AllowUnauthenticatedIdentities: true, AllowClassicFlow: true, DeveloperProviderName: 'login.example.app' }),
    );
    poolId = pool.IdentityPoolId!;
    const other = await f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'other', AllowUnauthenticatedIdentities: true, AllowClassicFlow: true }));
    otherPoolId = other.IdentityPoolId!;
    guestRole = await cognitoRole(f, 'classic-guest', poolId, 'unauthenticated', []);
    authRole = await cognitoRole(f, 'classic-auth', poolId, 'authenticated', []);
    sts = new STSClient({ endpoint: f.server.url, region: f.server.region, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  });
  after(async () => {
    sts?.destroy();
    await f?.close();
  });

  async function guestToken(pool: string): Promise<{ identityId: string; token: string }> {
    const { IdentityId } = await f.pub.send(new GetIdCommand({ IdentityPoolId: pool }));
    const { Token } = await f.pub.send(new GetOpenIdTokenCommand({ IdentityId: IdentityId! }));
    return { identityId: IdentityId!, token: Token! };
  }

  it('assumes a role trusting cognito-identity.amazonaws.com with a guest OpenID token', async () => {
    const { identityId, token } = await guestToken(poolId);
    const out = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: guestRole, RoleSessionName: 'guest', WebIdentityToken: token }));
    assert.equal(out.Provider, 'cognito-identity.amazonaws.com');
    assert.equal(out.Audience, poolId);
    assert.equal(out.SubjectFromWebIdentityToken, identityId);
    const asGuest = new STSClient({
      endpoint: f.server.url,
      region: f.server.region,
      credentials: { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! },
    });
    try {
      const me = await asGuest.send(new GetCallerIdentityCommand({}));
      assert.match(me.Arn!, /:assumed-role\/classic-guest\/guest$/);
    } finally {
      asGuest.destroy();
    }
  });

  it('refuses a guest token for a role whose trust policy requires amr authenticated', async () => {
    const { token } = await guestToken(poolId);
    await assert.rejects(
      sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: authRole, RoleSessionName: 'guest', WebIdentityToken: token })),
      awsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity'),
    );
  });

  it('refuses a token of another pool: the trust policy pins cognito-identity.amazonaws.com:aud', async () => {
    const { token } = await guestToken(otherPoolId);
    await assert.rejects(
      sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: guestRole, RoleSessionName: 'other', WebIdentityToken: token })),
      awsError('AccessDenied'),
    );
  });

  it('assumes the authenticated role with a developer-identity token', async () => {
    const dev = await f.admin.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, Logins: { 'login.example.app': 'user-42' } }),
    );
    const out = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: authRole, RoleSessionName: 'dev', WebIdentityToken: dev.Token! }));
    assert.equal(out.SubjectFromWebIdentityToken, dev.IdentityId);
  });

  it('refuses a Tessera token whose signature was tampered with as InvalidIdentityToken', async () => {
    const { token } = await guestToken(poolId);
    const [h, p, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8'));
    claims.aud = otherPoolId;
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
    await assert.rejects(
      sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: guestRole, RoleSessionName: 'forged', WebIdentityToken: forged })),
      // The SDK names modeled errors by their shape (InvalidIdentityTokenException); the wire code is InvalidIdentityToken.
      (e: Error & { Code?: string }) => e.name === 'InvalidIdentityTokenException' && e.Code === 'InvalidIdentityToken',
    );
  });
});
