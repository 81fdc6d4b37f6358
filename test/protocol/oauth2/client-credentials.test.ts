/**
 * The client_credentials grant at `/oauth2/token` (CG:token-endpoint; aws-surface.md §8.2; RFC
 * 6749 §4.4): raw HTTP with client_secret_basic and client_secret_post, openid-client's
 * clientCredentialsGrant, the access token's claims checked against the pool's JWKS, and the
 * refusals (security.md O07 client authentication): public client, wrong secret, flow not
 * allowed, unknown scope, a scope of another resource server.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { CreateResourceServerCommand, GetUserCommand, UpdateResourceServerCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startHostedServer, type AppClient, type HostedServer } from './harness.js';
import { tokenRequest } from './flow.js';

const DOMAIN = 'machines';
const ORDERS = 'https://orders.example.com';
const BILLING = 'billing';

describe('client_credentials grant', () => {
  let server: HostedServer;
  let userPoolId: string;
  let m2m: AppClient;
  let codeClient: AppClient;
  let publicClient: AppClient;
  let billingOnly: AppClient;

  const basic = (c: AppClient) => ({ id: c.clientId, secret: c.clientSecret! });
  const verify = async (token: string) =>
    jwtVerify(token, createRemoteJWKSet(new URL(`${server.issuer(userPoolId)}/.well-known/jwks.json`)), { issuer: server.issuer(userPoolId) });

  before(async () => {
    server = await startHostedServer();
    userPoolId = (await server.createPool()).id;
    await server.createDomain(userPoolId, DOMAIN);
    await server.idp.send(
      new CreateResourceServerCommand({
        UserPoolId: userPoolId,
        Identifier: ORDERS,
        Name: 'Orders',
        Scopes: [
          { ScopeName: 'read', ScopeDescription: 'Read orders' },
          { ScopeName: 'write', ScopeDescription: 'Write orders' },
          { ScopeName: 'admin', ScopeDescription: 'Administer orders' },
        ],
      }),
    );
    await server.idp.send(new CreateResourceServerCommand({ UserPoolId: userPoolId, Identifier: BILLING, Name: 'Billing', Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read bills' }] }));
    const machine = { AllowedOAuthFlows: ['client_credentials' as const], CallbackURLs: undefined, LogoutURLs: undefined, GenerateSecret: true };
    m2m = await server.createClient(userPoolId, { ...machine, ClientName: 'm2m', AllowedOAuthScopes: [`${ORDERS}/read`, `${ORDERS}/write`], AccessTokenValidity: 15, TokenValidityUnits: { AccessToken: 'minutes' } });
    billingOnly = await server.createClient(userPoolId, { ...machine, ClientName: 'billing', AllowedOAuthScopes: [`${BILLING}/read`] });
    codeClient = await server.createClient(userPoolId, { GenerateSecret: true, AllowedOAuthScopes: ['openid', `${ORDERS}/read`] });
    publicClient = await server.createClient(userPoolId, {});
  });
  after(() => server.close());

  it('issues a Bearer access token for all the client\'s custom scopes with client_secret_basic', async () => {
    const res = await tokenRequest(server.url, DOMAIN, { grant_type: 'client_credentials' }, basic(m2m));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'token_type']);
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.expires_in, 900);

    const token = res.body.access_token as string;
    assert.equal(decodeProtectedHeader(token).alg, 'RS256');
    const { payload } = await verify(token);
    assert.equal(payload.sub, m2m.clientId);
    assert.equal(payload.client_id, m2m.clientId);
    assert.equal(payload.token_use, 'access');
    assert.equal(payload.scope, `${ORDERS}/read ${ORDERS}/write`);
    assert.equal(payload.version, 2);
    assert.equal(payload.exp! - payload.iat!, 900);
    assert.equal(payload.auth_time, payload.iat);
    assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
    assert.equal(payload.username, undefined);
    assert.equal(payload.aud, undefined);
    assert.equal(payload.origin_jti, undefined);
  });

  it('narrows the token to the requested scopes with client_secret_post', async () => {
    const res = await tokenRequest(server.url, DOMAIN, { grant_type: 'client_credentials', client_id: m2m.clientId, client_secret: m2m.clientSecret!, scope: `${ORDERS}/write` });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const { payload } = await verify(res.body.access_token as string);
    assert.equal(payload.scope, `${ORDERS}/write`);
  });

  it('works with openid-client\'s clientCredentialsGrant', async () => {
    const config = await client.discovery(new URL(server.issuer(userPoolId)), m2m.clientId, m2m.clientSecret!, client.ClientSecretBasic(m2m.clientSecret!), {
      execute: [client.allowInsecureRequests],
    });
    const tokens = await client.clientCredentialsGrant(config, { scope: `${ORDERS}/read` });
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.expires_in, 900);
    assert.equal(tokens.id_token, undefined);
    assert.equal(tokens.refresh_token, undefined);
    const { payload } = await verify(tokens.access_token);
    assert.equal(payload.scope, `${ORDERS}/read`);

    await assert.rejects(client.clientCredentialsGrant(config, { scope: `${ORDERS}/admin` }), (err: unknown) => {
      assert.ok(err instanceof client.ResponseBodyError);
      assert.equal(err.error, 'invalid_scope');
      assert.equal(err.status, 400);
      return true;
    });
  });

  it('refuses a public client, a wrong secret and a client without the flow', async () => {
    const pub = await tokenRequest(server.url, DOMAIN, { grant_type: 'client_credentials', client_id: publicClient.clientId });
    assert.equal(pub.status, 401);
    assert.deepEqual(pub.body.error, 'invalid_client');

    const wrong = await tokenRequest(server.url, DOMAIN, { grant_type: 'client_credentials' }, { id: m2m.clientId, secret: `${m2m.clientSecret}x` });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    assert.equal(wrong.body.access_token, undefined);

    const swapped = await tokenRequest(server.url, DOMAIN, { grant_type: 'client_credentials' }, { id: m2m.clientId, secret: billingOnly.clientSecret! });
    assert.equal(swapped.status, 401);
    assert.equal(swapped.body.error, 'invalid_client');

    const noFlow = await tokenRequest(server.url, DOMAIN, { grant_type: 'client_credentials', scope: `${ORDERS}/read` }, basic(codeClient));
    assert.equal(noFlow.status, 400);
    assert.equal(noFlow.body.error, 'unauthorized_client');
  });

  it('refuses scopes the client is not allowed, reserved scopes and scopes of another resource server', async () => {
    for (const scope of [`${ORDERS}/admin`, `${ORDERS}/nope`, `${BILLING}/read`, 'openid', `${ORDERS}/read ${BILLING}/read`, 'https://orders.example.com']) {
      const res = await tokenRequest(server.url, DOMAIN, { grant_type: 'client_credentials', scope }, basic(m2m));
      assert.equal(res.status, 400, scope);
      assert.equal(res.body.error, 'invalid_scope', scope);
      assert.equal(res.body.access_token, undefined);
    }
    const other = await tokenRequest(server.url, DOMAIN, { grant_type: 'client_credentials', scope: `${ORDERS}/read` }, basic(billingOnly));
    assert.equal(other.body.error, 'invalid_scope');
  });

  it('stops granting a scope its resource server no longer defines', async () => {
    await server.idp.send(new UpdateResourceServerCommand({ UserPoolId: userPoolId, Identifier: BILLING, Name: 'Billing' }));
    const asked = await tokenRequest(server.url, DOMAIN, { grant_type: 'client_credentials', scope: `${BILLING}/read` }, basic(billingOnly));
    assert.equal(asked.body.error, 'invalid_scope');
    const all = await tokenRequest(server.url, DOMAIN, { grant_type: 'client_credentials' }, basic(billingOnly));
    assert.equal(all.body.error, 'invalid_scope', 'no custom scope is left to grant');
  });

  it('is refused by userInfo and by the user-pool API, since it names no user', async () => {
    const res = await tokenRequest(server.url, DOMAIN, { grant_type: 'client_credentials' }, basic(m2m));
    const token = res.body.access_token as string;
    const info = await fetch(`${server.url}/auth/${DOMAIN}/oauth2/userInfo`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(info.status, 401);
    assert.match(info.headers.get('www-authenticate') ?? '', /invalid_token/);
    await assert.rejects(server.idp.send(new GetUserCommand({ AccessToken: token })), (err: Error) => err.name === 'NotAuthorizedException');
  });
});
