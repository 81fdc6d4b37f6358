/**
 * Federation of a user pool to upstream OpenID Providers (aws-surface.md §9), run by
 * federation.test.ts in a process whose NODE_EXTRA_CA_CERTS trusts the test CA:
 *
 * - a real OP (oidc-provider over HTTPS): authorize with identity_provider → OP → idpresponse
 *   → pool tokens for `<Provider>_<sub>` with the mapped email, status EXTERNAL_PROVIDER;
 * - a scripted IdP for hostile answers: ID tokens signed by another key, with a wrong nonce,
 *   aud or iss, a userInfo sub that differs, a replayed or cookie-less callback (security.md
 *   O01, O09, N07) — each refused before any user is created.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { CognitoIdentityClient, CreateIdentityPoolCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { Browser, parseLinks } from './harness/browser.js';
import { readTls } from './harness/tls.js';
import { startUpstreamOp, type UpstreamOp } from './harness/upstream-op.js';
import { startFakeIdp, type FakeIdp } from './harness/fake-idp.js';
import { APP_CALLBACK, startHostedServer, type AppClient, type HostedServer } from '../../protocol/oauth2/harness.js';
import { authorizeUrl, callbackParams, tokenRequest } from '../../protocol/oauth2/flow.js';

const tlsDir = process.env.TESSERA_OAUTH2_TLS_DIR;
if (!tlsDir) throw new Error('run through federation.test.ts (needs TESSERA_OAUTH2_TLS_DIR and NODE_EXTRA_CA_CERTS)');
const tls = readTls(tlsDir);
const DOMAIN = 'federated';

describe('federated sign-in', () => {
  let server: HostedServer;
  let userPoolId: string;
  let app: AppClient;
  let op: UpstreamOp;
  let fake: FakeIdp;

  before(async () => {
    server = await startHostedServer();
    userPoolId = (await server.createPool()).id;
    await server.createDomain(userPoolId, DOMAIN);
    const idpResponse = `${server.url}/auth/${DOMAIN}/oauth2/idpresponse`;
    op = await startUpstreamOp({ tls, redirectUris: [idpResponse], accounts: { 'user-42': { email: 'dana@example.org', email_verified: true, name: 'Dana' } } });
    fake = await startFakeIdp({ tls, subject: 'fake-7', email: 'eve@example.org' });
    await server.createOidcProvider(userPoolId, { name: 'Corp', issuer: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret, attributeMapping: { username: 'sub', email: 'email', name: 'name' }, identifiers: ['corp.example.org'] });
    await server.createOidcProvider(userPoolId, { name: 'Scripted', issuer: fake.issuer, clientId: fake.clientId, clientSecret: fake.clientSecret, method: 'POST' });
    app = await server.createClient(userPoolId, { GenerateSecret: true, SupportedIdentityProviders: ['COGNITO', 'Corp', 'Scripted'] });
  });
  after(async () => {
    await server?.close();
    await op?.close();
    await fake?.close();
  });

  async function viaFake(browser = new Browser()) {
    return browser.go(authorizeUrl(server.url, DOMAIN, { client_id: app.clientId, scope: 'openid email', identity_provider: 'Scripted', state: 'fs' }), APP_CALLBACK);
  }

  it('signs in through oidc-provider, issues pool tokens for Corp_<sub> with the mapped email, and those buy identity-pool credentials', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const config = await client.discovery(new URL(server.issuer(userPoolId)), app.clientId, app.clientSecret!, client.ClientSecretPost(app.clientSecret!), { execute: [client.allowInsecureRequests] });
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: APP_CALLBACK,
      scope: 'openid email profile',
      identity_provider: 'Corp',
      nonce,
      state: 'fed-1',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const browser = new Browser();
    const hop = await browser.go(url.href, APP_CALLBACK);
    assert.equal(callbackParams(hop).get('state'), 'fed-1');
    const tokens = await client.authorizationCodeGrant(config, new URL(hop.location!), { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: 'fed-1' });
    const claims = tokens.claims()!;
    assert.equal(claims['cognito:username'], 'Corp_user-42');
    assert.equal(claims.email, 'dana@example.org');
    assert.ok((claims['cognito:groups'] as string[]).includes(`${userPoolId}_Corp`));
    const raw = claims.identities;
    const identities = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ providerName: string; userId: string; issuer: string }>;
    assert.deepEqual([identities[0]!.providerName, identities[0]!.userId, identities[0]!.issuer], ['Corp', 'user-42', op.issuer]);
    const user = await server.describeUser(userPoolId, 'Corp_user-42');
    assert.equal(user?.status, 'EXTERNAL_PROVIDER');
    assert.equal(user?.attributes.name, 'Dana');
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(info.email, 'dana@example.org');

    // The federated user's pool ID token buys identity-pool credentials, as apps written for
    // AWS do it: Logins keyed `cognito-idp.<region>.amazonaws.com/<userPoolId>`.
    const t = server.server;
    const providerName = `cognito-idp.${t.region}.amazonaws.com/${userPoolId}`;
    const common = { endpoint: t.url, region: t.region };
    const ci = new CognitoIdentityClient({ ...common, credentials: t.rootCredentials });
    const iam = new IAMClient({ ...common, credentials: t.rootCredentials });
    try {
      const pool = await ci.send(
        new CreateIdentityPoolCommand({
          IdentityPoolName: 'federated',
          AllowUnauthenticatedIdentities: false,
          CognitoIdentityProviders: [{ ProviderName: providerName, ClientId: app.clientId }],
        }),
      );
      const role = await iam.send(
        new CreateRoleCommand({
          RoleName: 'federated-users',
          AssumeRolePolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Federated: 'cognito-identity.amazonaws.com' },
                Action: 'sts:AssumeRoleWithWebIdentity',
                Condition: {
                  StringEquals: { 'cognito-identity.amazonaws.com:aud': pool.IdentityPoolId },
                  'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
                },
              },
            ],
          }),
        }),
      );
      await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: pool.IdentityPoolId, Roles: { authenticated: role.Role!.Arn! } }));
      const provider = fromCognitoIdentityPool({
        identityPoolId: pool.IdentityPoolId!,
        logins: { [providerName]: tokens.id_token! },
        clientConfig: common,
      });
      const creds = await provider();
      assert.match(creds.accessKeyId, /^ASIA/);
      const sts = new STSClient({ ...common, credentials: creds });
      try {
        const me = await sts.send(new GetCallerIdentityCommand({}));
        assert.match(me.Arn!, /:assumed-role\/federated-users\//);
      } finally {
        sts.destroy();
      }
    } finally {
      ci.destroy();
      iam.destroy();
    }
  });

  it('offers each enabled IdP on the managed login page and routes idp_identifier to its IdP', async () => {
    const page = await new Browser().request(authorizeUrl(server.url, DOMAIN, { client_id: app.clientId, scope: 'openid' }));
    const names = parseLinks(page.body, server.url).map((l) => l.text);
    assert.deepEqual(names, ['Sign in with Corp', 'Sign in with Scripted']);
    const hop = await new Browser().go(authorizeUrl(server.url, DOMAIN, { client_id: app.clientId, scope: 'openid', idp_identifier: 'corp.example.org' }), APP_CALLBACK);
    assert.ok(callbackParams(hop).get('code'));
  });

  it('signs in through the scripted IdP with POST userInfo when its answers are correct', async () => {
    fake.plan(undefined);
    fake.userInfo(undefined);
    const hop = await viaFake();
    const code = callbackParams(hop).get('code')!;
    const res = await tokenRequest(server.url, DOMAIN, { grant_type: 'authorization_code', code, redirect_uri: APP_CALLBACK, client_id: app.clientId, client_secret: app.clientSecret! });
    assert.equal(res.status, 200);
    const payload = JSON.parse(Buffer.from((res.body.id_token as string).split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(payload['cognito:username'], 'Scripted_fake-7');
    assert.equal(payload.email, 'eve@example.org');
    // client_secret_post at the upstream token endpoint (aws-surface.md §9.1).
    assert.equal(fake.tokenRequests.at(-1)?.client_secret, fake.clientSecret);
  });

  const hostile: Array<[string, (c: Record<string, unknown>) => { claims: Record<string, unknown>; signer: 'good' | 'attacker' }]> = [
    ['an ID token signed by another key under the published kid', (c) => ({ claims: c, signer: 'attacker' })],
    ['an ID token whose nonce is not the one sent', (c) => ({ claims: { ...c, nonce: 'attacker-nonce' }, signer: 'good' })],
    ['an ID token without the nonce', (c) => ({ claims: { ...c, nonce: undefined }, signer: 'good' })],
    ['an ID token for another audience', (c) => ({ claims: { ...c, aud: 'someone-else' }, signer: 'good' })],
    ['an ID token from another issuer', (c) => ({ claims: { ...c, iss: 'https://evil.example.com' }, signer: 'good' })],
    ['an expired ID token', (c) => ({ claims: { ...c, exp: Math.floor(Date.now() / 1000) - 600, iat: Math.floor(Date.now() / 1000) - 900 }, signer: 'good' })],
  ];
  for (const [label, plan] of hostile) {
    it(`refuses ${label} and creates no user`, async () => {
      fake.plan((c) => {
        const p = plan(c);
        return { ...p, claims: Object.fromEntries(Object.entries(p.claims).filter(([, v]) => v !== undefined)) };
      });
      fake.userInfo((sub) => ({ sub, email: 'forged@example.org' }));
      const before = await server.describeUser(userPoolId, 'Scripted_fake-7');
      const hop = await viaFake();
      const params = callbackParams(hop);
      assert.equal(params.get('error'), 'invalid_request');
      assert.equal(params.get('state'), 'fs');
      assert.equal(params.get('code'), null);
      const afterUser = await server.describeUser(userPoolId, 'Scripted_fake-7');
      assert.equal(afterUser?.attributes.email, before?.attributes.email, 'no attribute was rewritten');
    });
  }

  it('refuses a userInfo answer whose sub differs from the ID token', async () => {
    fake.plan(undefined);
    fake.userInfo(() => ({ sub: 'somebody-else', email: 'forged@example.org' }));
    const params = callbackParams(await viaFake());
    assert.equal(params.get('error'), 'invalid_request');
  });

  it('refuses an idpresponse replayed, or delivered to a browser without the transaction cookie', async () => {
    fake.plan(undefined);
    fake.userInfo(undefined);
    const browser = new Browser();
    const toIdp = await browser.request(authorizeUrl(server.url, DOMAIN, { client_id: app.clientId, scope: 'openid', identity_provider: 'Scripted' }));
    const back = await browser.request(toIdp.location!); // the IdP's redirect to idpresponse
    const callback = back.location!;
    assert.ok(callback.startsWith(`${server.url}/auth/${DOMAIN}/oauth2/idpresponse?`));
    const victim = await new Browser().request(callback);
    assert.equal(victim.status, 400);
    assert.equal(victim.location, undefined);
    const first = await browser.request(callback);
    assert.ok(callbackParams(first).get('code'));
    const replay = await browser.request(callback);
    assert.equal(replay.status, 400);
    assert.equal(replay.location, undefined);
  });
});
