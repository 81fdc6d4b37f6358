/** The SigV4 control plane: pools, tags, roles, principal-tag maps, identities, restart. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DeleteIdentitiesCommand,
  DeleteIdentityPoolCommand,
  DescribeIdentityCommand,
  DescribeIdentityPoolCommand,
  GetIdCommand,
  GetIdentityPoolRolesCommand,
  GetPrincipalTagAttributeMapCommand,
  ListIdentitiesCommand,
  ListIdentityPoolsCommand,
  ListTagsForResourceCommand,
  SetIdentityPoolRolesCommand,
  SetPrincipalTagAttributeMapCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { awsError, fixture, type Fixture } from './setup.js';
import { startCognitoServer } from './server.js';

describe('Cognito Identity control plane', () => {
  let f: Fixture;
  before(async () => {
    f = await fixture();
  });
  after(() => f?.close());
  const roleArn = (name: string) => `arn:aws:iam::${f.server.accountId}:role/${name}`;

  it('creates, describes and updates a pool; AllowClassicFlow absent stays absent; the developer provider cannot change', async () => {
    const created = await f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'app pool', AllowUnauthenticatedIdentities: true, DeveloperProviderName: 'login.app', OpenIdConnectProviderARNs: [f.providerArn], IdentityPoolTags: { env: 'test' } }));
    assert.match(created.IdentityPoolId!, new RegExp(`^${f.server.region}:[0-9a-f-]{36}$`));
    assert.equal(created.AllowClassicFlow, undefined);
    const d = await f.admin.send(new DescribeIdentityPoolCommand({ IdentityPoolId: created.IdentityPoolId }));
    assert.equal(d.IdentityPoolName, 'app pool');
    assert.deepEqual(d.OpenIdConnectProviderARNs, [f.providerArn]);
    assert.deepEqual(d.IdentityPoolTags, { env: 'test' });
    assert.equal(d.AllowClassicFlow, undefined);
    const u = await f.admin.send(new UpdateIdentityPoolCommand({ IdentityPoolId: created.IdentityPoolId, IdentityPoolName: 'renamed', AllowUnauthenticatedIdentities: false, AllowClassicFlow: false, DeveloperProviderName: 'login.app' }));
    assert.equal(u.AllowClassicFlow, false);
    assert.deepEqual(u.OpenIdConnectProviderARNs, [], 'omitted members revert to defaults');
    await assert.rejects(
      f.admin.send(new UpdateIdentityPoolCommand({ IdentityPoolId: created.IdentityPoolId, IdentityPoolName: 'renamed', AllowUnauthenticatedIdentities: false, DeveloperProviderName: 'login.other' })),
      awsError('InvalidParameterException'),
    );
  });

  it('refuses an OIDC provider ARN that IAM does not have', async () => {
    await assert.rejects(
      f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'x', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [`arn:aws:iam::${f.server.accountId}:oidc-provider/nowhere.example`] })),
      awsError('InvalidParameterException'),
    );
  });

  it('pages ListIdentityPools with MaxResults and NextToken and refuses MaxResults 0', async () => {
    for (let i = 0; i < 3; i++) await f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: `page-${i}`, AllowUnauthenticatedIdentities: false }));
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await f.admin.send(new ListIdentityPoolsCommand({ MaxResults: 2, NextToken: token }));
      assert.ok(page.IdentityPools!.length <= 2);
      seen.push(...page.IdentityPools!.map((p) => p.IdentityPoolId!));
      token = page.NextToken;
    } while (token);
    assert.equal(new Set(seen).size, seen.length);
    assert.ok(seen.length >= 3);
    await assert.rejects(f.admin.send(new ListIdentityPoolsCommand({ MaxResults: 0 })), awsError('ValidationException'));
    await assert.rejects(f.admin.send(new ListIdentityPoolsCommand({ MaxResults: 5, NextToken: 'garbage' })), awsError('InvalidParameterException'));
  });

  it('tags, untags and lists tags by pool ARN', async () => {
    const p = await f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'tagged', AllowUnauthenticatedIdentities: false }));
    const arn = `arn:aws:cognito-identity:${f.server.region}:${f.server.accountId}:identitypool/${p.IdentityPoolId}`;
    await f.admin.send(new TagResourceCommand({ ResourceArn: arn, Tags: { a: '1', b: '2' } }));
    await f.admin.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['a'] }));
    assert.deepEqual((await f.admin.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags, { b: '2' });
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    await assert.rejects(f.admin.send(new TagResourceCommand({ ResourceArn: arn, Tags: tooMany })), awsError('InvalidParameterException'));
    await assert.rejects(f.admin.send(new ListTagsForResourceCommand({ ResourceArn: 'arn:aws:iam::123456789012:role/x' })), awsError('InvalidParameterException'));
  });

  it('validates and stores roles and role mappings', async () => {
    const p = await f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'roles', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [f.providerArn] }));
    const id = p.IdentityPoolId!;
    await assert.rejects(f.admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: id, Roles: { authenticated: 'not-an-arn-at-all-really' } })), awsError('InvalidParameterException'));
    await assert.rejects(f.admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: id, Roles: { admin: roleArn('r') } })), awsError('ValidationException'));
    const rule = { Claim: 'g', MatchType: 'Equals' as const, Value: 'v', RoleARN: roleArn('r') };
    await assert.rejects(
      f.admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: id, Roles: {}, RoleMappings: { 'graph.facebook.com': { Type: 'Token', AmbiguousRoleResolution: 'Deny' } } })),
      awsError('InvalidParameterException'),
    );
    await assert.rejects(f.admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: id, Roles: {}, RoleMappings: { [f.providerArn]: { Type: 'Rules', AmbiguousRoleResolution: 'Deny' } } })), awsError('InvalidParameterException'));
    await assert.rejects(
      f.admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: id, Roles: {}, RoleMappings: { [f.providerArn]: { Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: Array(26).fill(rule) } } } })),
      awsError('InvalidParameterException'),
    );
    const mappings = { [f.providerArn]: { Type: 'Rules' as const, AmbiguousRoleResolution: 'Deny' as const, RulesConfiguration: { Rules: [rule] } } };
    await f.admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: id, Roles: { authenticated: roleArn('auth') }, RoleMappings: mappings }));
    const got = await f.admin.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: id }));
    assert.deepEqual(got.Roles, { authenticated: roleArn('auth') });
    assert.deepEqual(got.RoleMappings, mappings);
  });

  it('sets and gets principal-tag attribute maps for providers of the pool only', async () => {
    const p = await f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'tags', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [f.providerArn] }));
    const before = await f.admin.send(new GetPrincipalTagAttributeMapCommand({ IdentityPoolId: p.IdentityPoolId, IdentityProviderName: f.providerArn }));
    assert.equal(before.UseDefaults, false);
    const set = await f.admin.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: p.IdentityPoolId, IdentityProviderName: f.providerArn, UseDefaults: true, PrincipalTags: { dept: 'department' } }));
    assert.deepEqual(set.PrincipalTags, { dept: 'department' });
    const got = await f.admin.send(new GetPrincipalTagAttributeMapCommand({ IdentityPoolId: p.IdentityPoolId, IdentityProviderName: f.providerArn }));
    assert.equal(got.UseDefaults, true);
    assert.deepEqual(got.PrincipalTags, { dept: 'department' });
    await assert.rejects(f.admin.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: p.IdentityPoolId, IdentityProviderName: 'accounts.google.com' })), awsError('InvalidParameterException'));
  });

  it('lists identities page by page, deletes them, and deletes the pool', async () => {
    const p = await f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'ids', AllowUnauthenticatedIdentities: true }));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await f.pub.send(new GetIdCommand({ IdentityPoolId: p.IdentityPoolId }))).IdentityId!);
    const listed: string[] = [];
    let token: string | undefined;
    do {
      const page = await f.admin.send(new ListIdentitiesCommand({ IdentityPoolId: p.IdentityPoolId, MaxResults: 2, NextToken: token }));
      listed.push(...page.Identities!.map((i) => i.IdentityId!));
      token = page.NextToken;
    } while (token);
    assert.deepEqual(listed.sort(), [...ids].sort());
    const del = await f.admin.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: ids.slice(0, 2) }));
    assert.deepEqual(del.UnprocessedIdentityIds, []);
    await assert.rejects(f.admin.send(new DescribeIdentityCommand({ IdentityId: ids[0] })), awsError('ResourceNotFoundException', `Identity '${ids[0]}' not found.`));
    assert.equal((await f.admin.send(new ListIdentitiesCommand({ IdentityPoolId: p.IdentityPoolId, MaxResults: 60 }))).Identities!.length, 3);
    await f.admin.send(new DeleteIdentityPoolCommand({ IdentityPoolId: p.IdentityPoolId }));
    await assert.rejects(f.admin.send(new DescribeIdentityPoolCommand({ IdentityPoolId: p.IdentityPoolId })), awsError('ResourceNotFoundException', `IdentityPool '${p.IdentityPoolId}' not found.`));
    await assert.rejects(f.admin.send(new DescribeIdentityCommand({ IdentityId: ids[4] })), awsError('ResourceNotFoundException'));
  });

  it('refuses admin operations without a signature', async () => {
    const anon = new CognitoIdentityClient({ endpoint: f.server.url, region: f.server.region, credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'nope' } });
    try {
      await assert.rejects(anon.send(new ListIdentityPoolsCommand({ MaxResults: 5 })), awsError('UnrecognizedClientException'));
    } finally {
      anon.destroy();
    }
  });
});

describe('Cognito Identity across a restart', () => {
  it('keeps pools, identities, login links and signing keys: a token issued before the restart still buys credentials', async () => {
    // The issuer is the public URL, so it must stay the same across the restart (as in production).
    const publicUrl = 'http://tessera.restart.test';
    const first = await startCognitoServer({ keepDataDir: true, publicUrl });
    const client = (url: string, credentials: { accessKeyId: string; secretAccessKey: string }) => new CognitoIdentityClient({ endpoint: url, region: first.region, credentials });
    let c = client(first.url, first.rootCredentials);
    const pool = await c.send(
      new CreateIdentityPoolCommand({ IdentityPoolName: 'durable', AllowUnauthenticatedIdentities: true, DeveloperProviderName: 'login.durable.app' }),
    );
    const { IdentityId } = await c.send(new GetIdCommand({ IdentityPoolId: pool.IdentityPoolId }));
    const dev = await c.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: pool.IdentityPoolId, Logins: { 'login.durable.app': 'user-1' }, TokenDuration: 3600 }),
    );
    const iam = new IAMClient({ endpoint: first.url, region: first.region, credentials: first.rootCredentials });
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: 'durable-auth',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: 'cognito-identity.amazonaws.com' },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': pool.IdentityPoolId } },
            },
          ],
        }),
      }),
    );
    iam.destroy();
    await c.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: pool.IdentityPoolId, Roles: { authenticated: role.Role!.Arn! } }));
    const jwksBefore = await (await fetch(`${first.url}/.well-known/jwks.json`)).json();
    c.destroy();
    await first.close();

    const second = await startCognitoServer({ dataDir: first.dataDir, publicUrl });
    c = client(second.url, second.rootCredentials);
    try {
      assert.equal((await c.send(new DescribeIdentityPoolCommand({ IdentityPoolId: pool.IdentityPoolId }))).IdentityPoolName, 'durable');
      assert.equal((await c.send(new DescribeIdentityCommand({ IdentityId }))).IdentityId, IdentityId);
      assert.deepEqual(await (await fetch(`${second.url}/.well-known/jwks.json`)).json(), jwksBefore);
      // The developer token signed before the restart verifies after it.
      const creds = await c.send(
        new GetCredentialsForIdentityCommand({ IdentityId: dev.IdentityId!, Logins: { 'cognito-identity.amazonaws.com': dev.Token! } }),
      );
      assert.match(creds.Credentials!.AccessKeyId!, /^ASIA/);
    } finally {
      c.destroy();
      await second.close();
      const { rmSync } = await import('node:fs');
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});
