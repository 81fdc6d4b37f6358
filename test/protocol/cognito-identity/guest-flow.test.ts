/** Guest (unauthenticated) identities: GetId, GetCredentialsForIdentity, the scope-down policy. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenCommand,
  SetIdentityPoolRolesCommand,
  UpdateIdentityPoolCommand,
} from '@aws-sdk/client-cognito-identity';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { awsError, cognitoRole, fixture, type Fixture } from './setup.js';

describe('Cognito Identity guest flow', () => {
  let f: Fixture;
  let poolId: string;
  let guestRole: string;

  before(async () => {
    f = await fixture();
    const pool = await f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'guests', AllowUnauthenticatedIdentities: true }));
    poolId = pool.IdentityPoolId!;
    // The guest role itself allows iam:GetRole: only the scope-down session policy stops it.
    guestRole = await cognitoRole(f, 'guest-role', poolId, 'unauthenticated', ['iam:GetRole', 's3:GetObject']);
    await f.admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { unauthenticated: guestRole } }));
  });
  after(() => f?.close());

  it('returns a new guest identity on every GetId call', async () => {
    const a = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId }));
    const b = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId }));
    assert.match(a.IdentityId!, new RegExp(`^${f.server.region}:[0-9a-f-]{36}$`));
    assert.notEqual(a.IdentityId, b.IdentityId);
  });

  it('vends guest-role credentials with SecretKey and an expiration one hour ahead', async () => {
    const { IdentityId } = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId }));
    const out = await f.pub.send(new GetCredentialsForIdentityCommand({ IdentityId }));
    assert.equal(out.IdentityId, IdentityId);
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
    assert.ok(out.Credentials!.SecretKey!.length >= 40);
    const ttl = out.Credentials!.Expiration!.getTime() - Date.now();
    assert.ok(ttl > 3500_000 && ttl <= 3601_000, `ttl ${ttl}`);
    const sts = new STSClient({ endpoint: f.server.url, region: f.server.region, credentials: { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretKey!, sessionToken: out.Credentials!.SessionToken! } });
    try {
      const me = await sts.send(new GetCallerIdentityCommand({}));
      assert.equal(me.Arn, `arn:aws:sts::${f.server.accountId}:assumed-role/guest-role/CognitoIdentityCredentials`);
    } finally {
      sts.destroy();
    }
  });

  it('narrows guest credentials with the scope-down policy: IAM is denied although the role allows it', async () => {
    const credentials = fromCognitoIdentityPool({ identityPoolId: poolId, clientConfig: { endpoint: f.server.url, region: f.server.region } });
    const iam = new IAMClient({ endpoint: f.server.url, region: f.server.region, credentials });
    try {
      await assert.rejects(iam.send(new GetRoleCommand({ RoleName: 'guest-role' })), (e: Error) => e.name === 'AccessDenied');
    } finally {
      iam.destroy();
    }
  });

  it('refuses GetId without Logins once guests are disabled', async () => {
    const pool = await f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'no-guests', AllowUnauthenticatedIdentities: false }));
    await assert.rejects(
      f.pub.send(new GetIdCommand({ IdentityPoolId: pool.IdentityPoolId })),
      awsError('NotAuthorizedException', 'Unauthenticated access is not supported for this identity pool.'),
    );
  });

  it('refuses credentials for an existing guest after guests are switched off', async () => {
    const pool = await f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'switch', AllowUnauthenticatedIdentities: true }));
    const { IdentityId } = await f.pub.send(new GetIdCommand({ IdentityPoolId: pool.IdentityPoolId }));
    await f.admin.send(new UpdateIdentityPoolCommand({ IdentityPoolId: pool.IdentityPoolId, IdentityPoolName: 'switch', AllowUnauthenticatedIdentities: false }));
    await assert.rejects(f.pub.send(new GetCredentialsForIdentityCommand({ IdentityId })), awsError('NotAuthorizedException', 'Unauthenticated access is not supported for this identity pool.'));
  });

  it('answers InvalidIdentityPoolConfigurationException when the pool has no guest role', async () => {
    const pool = await f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'roleless', AllowUnauthenticatedIdentities: true }));
    const { IdentityId } = await f.pub.send(new GetIdCommand({ IdentityPoolId: pool.IdentityPoolId }));
    await assert.rejects(
      f.pub.send(new GetCredentialsForIdentityCommand({ IdentityId })),
      awsError('InvalidIdentityPoolConfigurationException', 'Invalid identity pool configuration. Check assigned IAM roles for this pool.'),
    );
  });

  it('refuses credentials when the role trust policy does not admit the pool', async () => {
    const pool = await f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'wrong-trust', AllowUnauthenticatedIdentities: true }));
    // guestRole trusts only `poolId`'s aud.
    await f.admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: pool.IdentityPoolId, Roles: { unauthenticated: guestRole } }));
    const { IdentityId } = await f.pub.send(new GetIdCommand({ IdentityPoolId: pool.IdentityPoolId }));
    await assert.rejects(
      f.pub.send(new GetCredentialsForIdentityCommand({ IdentityId })),
      awsError('InvalidIdentityPoolConfigurationException', 'Your role trust policy must grant AssumeRoleWithWebIdentity permissions to cognito-identity.amazonaws.com'),
    );
  });

  it('answers ResourceNotFoundException for an unknown identity and ValidationException for a malformed id', async () => {
    const unknown = `${f.server.region}:00000000-0000-0000-0000-000000000000`;
    await assert.rejects(f.pub.send(new GetCredentialsForIdentityCommand({ IdentityId: unknown })), awsError('ResourceNotFoundException', `Identity '${unknown}' not found.`));
    await assert.rejects(f.pub.send(new GetCredentialsForIdentityCommand({ IdentityId: 'not an id' })), awsError('ValidationException'));
    await assert.rejects(f.pub.send(new GetIdCommand({ IdentityPoolId: `${f.server.region}:11111111-1111-1111-1111-111111111111` })), awsError('ResourceNotFoundException', `IdentityPool '${f.server.region}:11111111-1111-1111-1111-111111111111' not found.`));
  });

  it('serves a 10-minute unauthenticated OpenID token in the basic flow when AllowClassicFlow is absent', async () => {
    const { IdentityId } = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId }));
    const out = await f.pub.send(new GetOpenIdTokenCommand({ IdentityId }));
    const [h, p] = out.Token!.split('.').slice(0, 2).map((s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
    assert.equal(h.alg, 'RS512');
    assert.equal(p.aud, poolId);
    assert.equal(p.sub, IdentityId);
    assert.deepEqual(p.amr, ['unauthenticated']);
    assert.equal(p.exp - p.iat, 600);
    assert.equal(p['https://cognito-identity.amazonaws.com/identity-pool-arn'], `arn:aws:cognito-identity:${f.server.region}:${f.server.accountId}:identitypool/${poolId}`);
    assert.equal(p.iss, f.server.tessera.config.publicUrl);
  });

  it('refuses the basic flow when AllowClassicFlow is false', async () => {
    const pool = await f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'enhanced-only', AllowUnauthenticatedIdentities: true, AllowClassicFlow: false }));
    const { IdentityId } = await f.pub.send(new GetIdCommand({ IdentityPoolId: pool.IdentityPoolId }));
    await assert.rejects(f.pub.send(new GetOpenIdTokenCommand({ IdentityId })), awsError('InvalidParameterException', 'Basic (classic) flow is not enabled, please use enhanced flow.'));
  });
});
