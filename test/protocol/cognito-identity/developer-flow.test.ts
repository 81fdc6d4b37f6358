/** Developer-authenticated identities (A05) and their enhanced flow with the Tessera token. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  LookupDeveloperIdentityCommand,
  MergeDeveloperIdentitiesCommand,
  SetIdentityPoolRolesCommand,
  UnlinkDeveloperIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsError, cognitoRole, fixture, type Fixture } from './setup.js';

const DEV = 'login.example.app';

describe('Cognito Identity developer-authenticated identities', () => {
  let f: Fixture;
  let poolId: string;
  const devToken = (userId: string, extra: Record<string, unknown> = {}) =>
    f.admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, Logins: { [DEV]: userId }, ...extra }));

  before(async () => {
    f = await fixture();
    // Classic flow off: the developer token must still be served (§4.4).
    const pool = await f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'devs', AllowUnauthenticatedIdentities: false, AllowClassicFlow: false, DeveloperProviderName: DEV }));
    poolId = pool.IdentityPoolId!;
    const role = await cognitoRole(f, 'dev-role', poolId, 'authenticated', [], ['sts:TagSession']);
    await f.admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: role } }));
  });
  after(() => f?.close());

  it('issues a token for a developer user, the same identity every time, with amr, tags and TokenDuration', async () => {
    const a = await devToken('user-1', { PrincipalTags: { tenant: 'acme' }, TokenDuration: 120 });
    const b = await devToken('user-1');
    assert.equal(a.IdentityId, b.IdentityId);
    const p = JSON.parse(Buffer.from(a.Token!.split('.')[1]!, 'base64url').toString('utf8'));
    assert.equal(p.sub, a.IdentityId);
    assert.equal(p.aud, poolId);
    assert.equal(p.exp - p.iat, 120);
    assert.deepEqual(p.amr.slice(0, 2), ['authenticated', DEV]);
    assert.equal(p.amr[2], `${DEV}:${poolId.split(':')[0]}:${poolId.split(':')[1]}:user-1`);
    assert.deepEqual(p['https://aws.amazon.com/tags'], { principal_tags: { tenant: ['acme'] } });
    const q = JSON.parse(Buffer.from(b.Token!.split('.')[1]!, 'base64url').toString('utf8'));
    assert.equal(q.exp - q.iat, 900);
  });

  it('vends default-authenticated-role credentials for the developer token', async () => {
    const { IdentityId, Token } = await devToken('user-2', { PrincipalTags: { tenant: 'acme' } });
    const out = await f.pub.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { 'cognito-identity.amazonaws.com': Token! } }));
    assert.equal(out.IdentityId, IdentityId);
    const sts = new STSClient({ endpoint: f.server.url, region: f.server.region, credentials: { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretKey!, sessionToken: out.Credentials!.SessionToken! } });
    try {
      assert.match((await sts.send(new GetCallerIdentityCommand({}))).Arn!, /assumed-role\/dev-role\/CognitoIdentityCredentials$/);
    } finally {
      sts.destroy();
    }
  });

  it('refuses a developer token presented for a different identity', async () => {
    const one = await devToken('user-3');
    const two = await devToken('user-4');
    await assert.rejects(f.pub.send(new GetCredentialsForIdentityCommand({ IdentityId: two.IdentityId, Logins: { 'cognito-identity.amazonaws.com': one.Token! } })), awsError('NotAuthorizedException'));
  });

  it('refuses to register a developer user already linked to another identity', async () => {
    const one = await devToken('user-5');
    const two = await devToken('user-6');
    await assert.rejects(
      f.admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, IdentityId: two.IdentityId, Logins: { [DEV]: 'user-5' } })),
      awsError('DeveloperUserAlreadyRegisteredException'),
    );
    assert.ok(one.IdentityId);
  });

  it('links a second developer user to a given identity; Lookup lists both, by id and by user', async () => {
    const one = await devToken('user-7');
    await f.admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, IdentityId: one.IdentityId, Logins: { [DEV]: 'user-8' } }));
    const byId = await f.admin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: poolId, IdentityId: one.IdentityId, MaxResults: 10 }));
    assert.deepEqual(byId.DeveloperUserIdentifierList, ['user-7', 'user-8']);
    const byUser = await f.admin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: poolId, DeveloperUserIdentifier: 'user-8', MaxResults: 1 }));
    assert.equal(byUser.IdentityId, one.IdentityId);
    assert.deepEqual(byUser.DeveloperUserIdentifierList, ['user-7']);
    assert.ok(byUser.NextToken);
    const page2 = await f.admin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: poolId, DeveloperUserIdentifier: 'user-8', MaxResults: 1, NextToken: byUser.NextToken }));
    assert.deepEqual(page2.DeveloperUserIdentifierList, ['user-8']);
    const other = await devToken('user-9');
    await assert.rejects(
      f.admin.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: poolId, IdentityId: other.IdentityId, DeveloperUserIdentifier: 'user-8' })),
      awsError('ResourceConflictException'),
    );
  });

  it('merges a source developer user into the destination identity', async () => {
    const src = await devToken('user-10');
    const dst = await devToken('user-11');
    const out = await f.admin.send(new MergeDeveloperIdentitiesCommand({ IdentityPoolId: poolId, DeveloperProviderName: DEV, SourceUserIdentifier: 'user-10', DestinationUserIdentifier: 'user-11' }));
    assert.equal(out.IdentityId, dst.IdentityId);
    const again = await devToken('user-10');
    assert.equal(again.IdentityId, dst.IdentityId);
    assert.notEqual(src.IdentityId, dst.IdentityId);
  });

  it('unlinks a developer user, which becomes a new identity next time', async () => {
    const one = await devToken('user-12');
    await assert.rejects(
      f.admin.send(new UnlinkDeveloperIdentityCommand({ IdentityPoolId: poolId, IdentityId: one.IdentityId, DeveloperProviderName: DEV, DeveloperUserIdentifier: 'user-13' })),
      awsError('ResourceConflictException'),
    );
    await f.admin.send(new UnlinkDeveloperIdentityCommand({ IdentityPoolId: poolId, IdentityId: one.IdentityId, DeveloperProviderName: DEV, DeveloperUserIdentifier: 'user-12' }));
    const next = await devToken('user-12');
    assert.notEqual(next.IdentityId, one.IdentityId);
  });

  it('refuses a wrong developer provider name or a second developer provider with InvalidParameterException (A05)', async () => {
    await assert.rejects(f.admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, Logins: { 'login.other.app': 'u' } })), awsError('InvalidParameterException'));
    await assert.rejects(
      f.admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, Logins: { [DEV]: 'u', 'login.other.app': 'u' } })),
      (e: Error) => e.name === 'InvalidParameterException' || e.name === 'NotAuthorizedException',
    );
  });

  it('refuses an unsigned GetOpenIdTokenForDeveloperIdentity (A05)', async () => {
    const anon = new CognitoIdentityClient({
      endpoint: f.server.url,
      region: f.server.region,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      // Strip the signature so the request is sent unsigned.
    });
    anon.middlewareStack.add((next) => async (args) => {
      const req = args.request as { headers: Record<string, string> };
      for (const h of Object.keys(req.headers)) if (/^(authorization|x-amz-date|x-amz-security-token|x-amz-content-sha256)$/i.test(h)) delete req.headers[h];
      return next(args);
    }, { step: 'finalizeRequest', priority: 'low', name: 'unsign' });
    try {
      await assert.rejects(anon.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, Logins: { [DEV]: 'u' } })), awsError('MissingAuthenticationTokenException'));
    } finally {
      anon.destroy();
    }
  });
});
