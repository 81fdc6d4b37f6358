/**
 * openid-client, a certified relying party, against a user pool's issuer: discovery, the
 * authorization code flow with PKCE and nonce through the managed login page (driven with plain
 * HTTP requests), ID-token validation, userInfo, the hosted session, refresh, revocation and
 * logout (aws-surface.md §8; CG:authorization-endpoint, token-endpoint, userinfo-endpoint).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { Browser } from '../../e2e/oauth2/harness/browser.js';
import { APP_CALLBACK, APP_LOGOUT, startHostedServer, type AppClient, type HostedServer } from './harness.js';
import { callbackParams, signInWithPassword } from './flow.js';

describe('authorization code flow through the managed login page', () => {
  let server: HostedServer;
  let userPoolId: string;
  let app: AppClient;
  let config: client.Configuration;

  before(async () => {
    server = await startHostedServer();
    userPoolId = (await server.createPool()).id;
    await server.createDomain(userPoolId, 'acme-login');
    app = await server.createClient(userPoolId, { GenerateSecret: true });
    await server.createUser(userPoolId, 'alice', 'Correct-Horse-1', { attributes: { email: 'alice@example.com', email_verified: 'true', name: 'Alice' } });
    config = await client.discovery(new URL(server.issuer(userPoolId)), app.clientId, app.clientSecret!, client.ClientSecretBasic(app.clientSecret!), {
      execute: [client.allowInsecureRequests],
    });
  });
  after(() => server.close());

  it('publishes a discovery document naming the domain endpoints and a JWKS', async () => {
    const meta = config.serverMetadata();
    assert.equal(meta.issuer, `${server.url}/${userPoolId}`);
    assert.equal(meta.authorization_endpoint, `${server.url}/auth/acme-login/oauth2/authorize`);
    assert.equal(meta.token_endpoint, `${server.url}/auth/acme-login/oauth2/token`);
    assert.equal(meta.userinfo_endpoint, `${server.url}/auth/acme-login/oauth2/userInfo`);
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    const jwks = (await (await fetch(meta.jwks_uri!)).json()) as { keys: Array<{ kid: string; kty: string }> };
    assert.ok(jwks.keys.length > 0 && jwks.keys.every((k) => k.kty === 'RSA' && k.kid));
  });

  it('signs in with PKCE and nonce, and the tokens verify with openid-client', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: APP_CALLBACK,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      state,
    });
    const browser = new Browser();
    const hop = await signInWithPassword(browser, url.href, 'alice', 'Correct-Horse-1');
    const params = callbackParams(hop);
    assert.equal(params.get('state'), state);
    assert.match(params.get('code') ?? '', /^\d{13}\.[A-Za-z0-9_-]{43}$/);

    const tokens = await client.authorizationCodeGrant(config, new URL(hop.location!), { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    const claims = tokens.claims()!;
    assert.equal(claims.iss, `${server.url}/${userPoolId}`);
    assert.equal(claims.aud, app.clientId);
    assert.equal(claims.nonce, nonce);
    assert.equal(claims['cognito:username'], 'alice');
    assert.equal(claims.email, 'alice@example.com');
    assert.equal(claims.token_use, 'id');
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    assert.ok(tokens.refresh_token);

    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(info.email, 'alice@example.com');
    assert.equal(info.username, 'alice');

    // Refresh: new access and ID tokens, no new refresh token (CG:token-endpoint).
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    assert.ok(refreshed.access_token);
    assert.equal(refreshed.refresh_token, undefined);
    assert.equal(refreshed.claims()?.sub, claims.sub);

    // Revocation kills the refresh token.
    await client.tokenRevocation(config, tokens.refresh_token!);
    await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token!), (err: client.ResponseBodyError) => err.error === 'invalid_grant');

    // The hosted session (cookie) skips the form on the next authorize.
    const again = await browser.request(client.buildAuthorizationUrl(config, { redirect_uri: APP_CALLBACK, scope: 'openid', state: 's2' }).href);
    assert.equal(callbackParams(again).get('state'), 's2');
    assert.ok(callbackParams(again).get('code'));

    // Logout clears it, then redirects only to a registered LogoutURL.
    const out = await browser.request(`${server.url}/auth/acme-login/logout?${new URLSearchParams({ client_id: app.clientId, logout_uri: APP_LOGOUT })}`);
    assert.equal(out.status, 302);
    assert.equal(out.location, APP_LOGOUT);
    const afterLogout = await browser.request(client.buildAuthorizationUrl(config, { redirect_uri: APP_CALLBACK, scope: 'openid' }).href);
    assert.equal(afterLogout.status, 200, 'the login form is shown again after logout');
  });

  it('returns tokens in the fragment for response_type=token, without a refresh token', async () => {
    const browser = new Browser();
    const url = `${server.url}/auth/acme-login/oauth2/authorize?${new URLSearchParams({ response_type: 'token', client_id: app.clientId, redirect_uri: APP_CALLBACK, scope: 'openid email', state: 'imp', nonce: 'n-1' })}`;
    const hop = await signInWithPassword(browser, url, 'alice', 'Correct-Horse-1');
    assert.ok(new URL(hop.location!).hash, 'tokens travel in the fragment');
    const params = callbackParams(hop);
    assert.equal(params.get('state'), 'imp');
    assert.ok(params.get('access_token') && params.get('id_token'));
    assert.equal(params.get('refresh_token'), null);
    assert.equal(params.get('token_type'), 'Bearer');
  });

  it('shows a new-password form to a FORCE_CHANGE_PASSWORD user and signs them in after it', async () => {
    await server.createUser(userPoolId, 'bob', 'Temporary-Pass-1', { status: 'FORCE_CHANGE_PASSWORD' });
    const browser = new Browser();
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: APP_CALLBACK, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const page = await signInWithPassword(browser, url.href, 'bob', 'Temporary-Pass-1');
    assert.equal(page.status, 200);
    assert.match(page.body, /Change your password/);
    const { parseForm } = await import('../../e2e/oauth2/harness/browser.js');
    const form = parseForm(page.body, url.href);
    const mismatch = await browser.request(form.action, { form: { ...form.fields, new_password: 'Brand-New-Pass-2', confirm_password: 'other' } });
    assert.equal(mismatch.status, 400);
    const done = await browser.request(form.action, { form: { ...form.fields, new_password: 'Brand-New-Pass-2', confirm_password: 'Brand-New-Pass-2' } });
    const tokens = await client.authorizationCodeGrant(config, new URL(done.location!), { pkceCodeVerifier: verifier });
    assert.equal(tokens.claims()?.['cognito:username'], 'bob');
    assert.equal((await server.describeUser(userPoolId, 'bob'))?.status, 'CONFIRMED');
  });

  it('refuses a wrong password and an unknown user with the same message', async () => {
    const browser = new Browser();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: APP_CALLBACK, scope: 'openid' }).href;
    const wrong = await signInWithPassword(browser, url, 'alice', 'not-the-password');
    const unknown = await signInWithPassword(new Browser(), url, 'nobody', 'not-the-password');
    assert.equal(wrong.status, 400);
    assert.equal(unknown.status, 400);
    assert.match(wrong.body, /Incorrect username or password\./);
    assert.match(unknown.body, /Incorrect username or password\./);
  });
});
