/** Authenticated identities with a real OIDC issuer: linking, upgrade, merge, conflicts, rules, unlink. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateIdentityPoolCommand,
  DescribeIdentityCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenCommand,
  ListIdentitiesCommand,
  SetIdentityPoolRolesCommand,
  SetPrincipalTagAttributeMapCommand,
  UnlinkIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import { CreateOpenIDConnectProviderCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { startIssuer, type TestIssuer } from '../../helpers/issuer.js';
import { awsError, cognitoRole, fixture, type Fixture } from './setup.js';

describe('Cognito Identity authenticated flow', () => {
  let f: Fixture;
  let second: TestIssuer;
  let secondKey: string;
  let poolId: string;
  const logins = (sub: string) => ({ [f.providerKey]: f.token(sub) });

  before(async () => {
    f = await fixture();
    second = await startIssuer({ path: '/second' });
    const p2 = await f.iam.send(new CreateOpenIDConnectProviderCommand({ Url: second.url, ClientIDList: ['my-app'], ThumbprintList: [second.thumbprint] }));
    secondKey = second.url.slice('https://'.length);
    const pool = await f.admin.send(
      new CreateIdentityPoolCommand({ IdentityPoolName: 'members', AllowUnauthenticatedIdentities: true, OpenIdConnectProviderARNs: [f.providerArn, p2.OpenIDConnectProviderArn!] }),
    );
    poolId = pool.IdentityPoolId!;
    const authRole = await cognitoRole(f, 'member-role', poolId, 'authenticated', ['s3:GetObject'], ['sts:TagSession']);
    const guestRole = await cognitoRole(f, 'visitor-role', poolId, 'unauthenticated', []);
    const adminRole = await cognitoRole(f, 'admin-role', poolId, 'authenticated', ['iam:GetRole'], ['sts:TagSession']);
    await f.admin.send(
      new SetIdentityPoolRolesCommand({
        IdentityPoolId: poolId,
        Roles: { authenticated: authRole, unauthenticated: guestRole },
        RoleMappings: {
          [f.providerArn]: {
            Type: 'Rules',
            AmbiguousRoleResolution: 'AuthenticatedRole',
            RulesConfiguration: { Rules: [{ Claim: 'group', MatchType: 'Equals', Value: 'admins', RoleARN: adminRole }] },
          },
        },
      }),
    );
  });
  after(async () => {
    await f?.close();
    await second?.close();
  });

  it('returns the same identity for the same login and links it (DescribeIdentity lists the provider)', async () => {
    const a = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins('alice') }));
    const b = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins('alice') }));
    assert.equal(a.IdentityId, b.IdentityId);
    const d = await f.admin.send(new DescribeIdentityCommand({ IdentityId: a.IdentityId }));
    assert.deepEqual(d.Logins, [f.providerKey]);
    assert.ok(d.CreationDate instanceof Date && d.LastModifiedDate instanceof Date);
  });

  it('picks the rule-mapped role, whose credentials may call what it allows, and the default role otherwise', async () => {
    const asAdmin = fromCognitoIdentityPool({ identityPoolId: poolId, logins: logins('root-user') as Record<string, string>, clientConfig: { endpoint: f.server.url, region: f.server.region } });
    // group claim drives the rule: sign a token carrying it.
    const adminLogins = { [f.providerKey]: f.token('ada', { group: 'admins' }) };
    const adminCreds = fromCognitoIdentityPool({ identityPoolId: poolId, logins: adminLogins, clientConfig: { endpoint: f.server.url, region: f.server.region } });
    const iamAdmin = new IAMClient({ endpoint: f.server.url, region: f.server.region, credentials: adminCreds });
    const iamMember = new IAMClient({ endpoint: f.server.url, region: f.server.region, credentials: asAdmin });
    const sts = new STSClient({ endpoint: f.server.url, region: f.server.region, credentials: adminCreds });
    try {
      const role = await iamAdmin.send(new GetRoleCommand({ RoleName: 'member-role' }));
      assert.equal(role.Role!.RoleName, 'member-role');
      const me = await sts.send(new GetCallerIdentityCommand({}));
      assert.match(me.Arn!, /assumed-role\/admin-role\/CognitoIdentityCredentials$/);
      await assert.rejects(iamMember.send(new GetRoleCommand({ RoleName: 'member-role' })), (e: Error) => e.name === 'AccessDenied');
    } finally {
      iamAdmin.destroy();
      iamMember.destroy();
      sts.destroy();
    }
  });

  it('refuses an authenticated identity without Logins (A02)', async () => {
    const { IdentityId } = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins('bob') }));
    const msg = "Logins don't match. Please include at least one valid login for this identity or identity pool.";
    await assert.rejects(f.pub.send(new GetCredentialsForIdentityCommand({ IdentityId })), awsError('NotAuthorizedException', msg));
    await assert.rejects(f.pub.send(new GetOpenIdTokenCommand({ IdentityId })), awsError('InvalidParameterException', /RoleMappings/));
  });

  it('never links a new login to an authenticated identity known only by its id', async () => {
    const { IdentityId } = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins('carol') }));
    await assert.rejects(
      f.pub.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins('mallory') })),
      awsError('NotAuthorizedException', "Logins don't match. Please include at least one valid login for this identity or identity pool."),
    );
  });

  it('upgrades a guest identity in place when it presents a new login', async () => {
    const { IdentityId } = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId }));
    const out = await f.pub.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins('dave') }));
    assert.equal(out.IdentityId, IdentityId);
    const again = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins('dave') }));
    assert.equal(again.IdentityId, IdentityId);
  });

  it('merges a guest into the older identity that owns the login and disables the guest', async () => {
    const owner = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins('erin') }));
    const guest = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId }));
    const out = await f.pub.send(new GetCredentialsForIdentityCommand({ IdentityId: guest.IdentityId, Logins: logins('erin') }));
    assert.equal(out.IdentityId, owner.IdentityId);
    const all = await f.admin.send(new ListIdentitiesCommand({ IdentityPoolId: poolId, MaxResults: 60 }));
    const visible = await f.admin.send(new ListIdentitiesCommand({ IdentityPoolId: poolId, MaxResults: 60, HideDisabled: true }));
    assert.ok(all.Identities!.some((i) => i.IdentityId === guest.IdentityId));
    assert.ok(!visible.Identities!.some((i) => i.IdentityId === guest.IdentityId));
    assert.ok(visible.Identities!.some((i) => i.IdentityId === owner.IdentityId));
  });

  it('links two providers supplied together to one identity and merges identities they already had', async () => {
    const a = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins('frank') }));
    const b = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [secondKey]: second.sign(second.claims({ sub: 'frank-2', aud: 'my-app' })) } }));
    assert.notEqual(a.IdentityId, b.IdentityId);
    const both = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { ...logins('frank'), [secondKey]: second.sign(second.claims({ sub: 'frank-2', aud: 'my-app' })) } }));
    assert.equal(both.IdentityId, a.IdentityId);
    const d = await f.admin.send(new DescribeIdentityCommand({ IdentityId: a.IdentityId }));
    assert.deepEqual([...d.Logins!].sort(), [f.providerKey, secondKey].sort());
  });

  it('refuses to merge identities holding different logins of one public provider (A03)', async () => {
    const x = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins('gina') }));
    const y = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins('hank') }));
    const yOther = { [secondKey]: second.sign(second.claims({ sub: 'hank-2', aud: 'my-app' })) };
    await f.pub.send(new GetCredentialsForIdentityCommand({ IdentityId: y.IdentityId, Logins: { ...logins('hank'), ...yOther } }));
    await assert.rejects(
      f.pub.send(new GetCredentialsForIdentityCommand({ IdentityId: x.IdentityId, Logins: { ...logins('gina'), ...yOther } })),
      awsError('ResourceConflictException'),
    );
    // Nothing moved: each login still resolves to its own identity.
    assert.equal((await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins('gina') }))).IdentityId, x.IdentityId);
    assert.equal((await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: yOther }))).IdentityId, y.IdentityId);
  });

  it('refuses a token for another audience with NotAuthorizedException', async () => {
    await assert.rejects(
      f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [f.providerKey]: f.issuer.sign(f.issuer.claims({ sub: 'ivan', aud: 'other-app' })) } })),
      awsError('NotAuthorizedException'),
    );
  });

  it('maps claims to principal tags that the credentials carry (aws:PrincipalTag)', async () => {
    await f.admin.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: f.providerArn, UseDefaults: false, PrincipalTags: { team: 'team' } }));
    const creds = await fromCognitoIdentityPool({ identityPoolId: poolId, logins: { [f.providerKey]: f.token('judy', { team: 'blue' }) }, clientConfig: { endpoint: f.server.url, region: f.server.region } })();
    // The sealed session carries the tag; opening it through GetCallerIdentity proves it is valid.
    const sts = new STSClient({ endpoint: f.server.url, region: f.server.region, credentials: creds });
    try {
      assert.match((await sts.send(new GetCallerIdentityCommand({}))).Arn!, /member-role/);
    } finally {
      sts.destroy();
      await f.admin.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: f.providerArn, UseDefaults: false, PrincipalTags: {} }));
    }
  });

  it('unlinks a login so that it is a new identity next time it is seen', async () => {
    const { IdentityId } = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins('kate') }));
    await assert.rejects(
      f.pub.send(new UnlinkIdentityCommand({ IdentityId, Logins: logins('someone-else'), LoginsToRemove: [f.providerKey] })),
      awsError('NotAuthorizedException'),
    );
    await f.pub.send(new UnlinkIdentityCommand({ IdentityId, Logins: logins('kate'), LoginsToRemove: [f.providerKey] }));
    const d = await f.admin.send(new DescribeIdentityCommand({ IdentityId }));
    assert.deepEqual(d.Logins ?? [], []);
    const next = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins('kate') }));
    assert.notEqual(next.IdentityId, IdentityId);
  });
});
