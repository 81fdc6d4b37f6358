/**
 * The managed login page with TOTP MFA (the code asked after the password, a wrong code refused
 * and counted toward the lockout), and refresh-token rotation on the token endpoint's
 * refresh_token grant (CG:token-endpoint).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AssociateSoftwareTokenCommand,
  InitiateAuthCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Browser, parseForm } from '../../e2e/oauth2/harness/browser.js';
import { authenticatorCode, wrongCode } from '../../helpers/totp.js';
import { testClock } from '../cognito-idp/harness.js';
import { APP_CALLBACK, startHostedServer, type AppClient, type HostedServer } from './harness.js';
import { authorizeUrl, callbackParams, signInWithPassword, tokenRequest } from './flow.js';

const DOMAIN = 'mfa-login';
const PASSWORD = 'Correct-Horse-1';

describe('managed login with TOTP MFA, and refresh-token rotation on the token endpoint', () => {
  const time = testClock();
  let server: HostedServer;
  let userPoolId: string;
  let web: AppClient;
  let rotating: AppClient;
  let secret: string;

  before(async () => {
    time.freeze();
    server = await startHostedServer({ clock: time.now });
    userPoolId = (await server.createPool()).id;
    await server.createDomain(userPoolId, DOMAIN);
    web = await server.createClient(userPoolId, { GenerateSecret: true });
    rotating = await server.createClient(userPoolId, { GenerateSecret: true, RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 5 } });
    const api = await server.createClient(userPoolId, { AllowedOAuthFlowsUserPoolClient: false, AllowedOAuthFlows: [], AllowedOAuthScopes: [], CallbackURLs: [], ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
    await server.createUser(userPoolId, 'uma', PASSWORD);
    await server.createUser(userPoolId, 'val', PASSWORD);
    // uma sets up an authenticator through the API and activates it.
    await server.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: userPoolId, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'OPTIONAL' }));
    const access = (await server.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: api.clientId, AuthParameters: { USERNAME: 'uma', PASSWORD } }))).AuthenticationResult!.AccessToken!;
    secret = (await server.idp.send(new AssociateSoftwareTokenCommand({ AccessToken: access }))).SecretCode!;
    await server.idp.send(new VerifySoftwareTokenCommand({ AccessToken: access, UserCode: authenticatorCode(secret, time.now().getTime()) }));
    await server.idp.send(new SetUserMFAPreferenceCommand({ AccessToken: access, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
    time.advance(30);
  });
  after(() => server.close());

  const codeFor = (app: AppClient) => authorizeUrl(server.url, DOMAIN, { client_id: app.clientId, scope: 'openid', state: 's' });

  it('asks a user with MFA for the code after the password; a wrong code shows the form again, the right one completes the sign-in', async () => {
    const browser = new Browser();
    const url = codeFor(web);
    const asked = await signInWithPassword(browser, url, 'uma', PASSWORD);
    assert.equal(asked.status, 200);
    assert.match(asked.body, /authenticator app/);
    const form = parseForm(asked.body, url);
    assert.match(form.action, /\/login\/mfa$/);
    const wrong = await browser.request(form.action, { form: { ...form.fields, code: wrongCode(secret, time.now().getTime()) } });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /Invalid code/);
    const retry = parseForm(wrong.body, url);
    const done = await browser.request(retry.action, { form: { ...retry.fields, code: authenticatorCode(secret, time.now().getTime()) } });
    const code = callbackParams(done).get('code')!;
    const tokens = await tokenRequest(server.url, DOMAIN, { grant_type: 'authorization_code', code, redirect_uri: APP_CALLBACK }, { id: web.clientId, secret: web.clientSecret! });
    assert.equal(tokens.status, 200);
    assert.ok(tokens.body.id_token);
  });

  it('signs a user without MFA in with the password alone', async () => {
    const hop = await signInWithPassword(new Browser(), codeFor(web), 'val', PASSWORD);
    assert.ok(callbackParams(hop).get('code'));
  });

  it('counts wrong codes on the page toward the lockout', async () => {
    time.advance(30);
    const browser = new Browser();
    const url = codeFor(web);
    let page = await signInWithPassword(browser, url, 'uma', PASSWORD);
    for (let i = 0; i < 5; i++) {
      const form = parseForm(page.body, url);
      page = await browser.request(form.action, { form: { ...form.fields, code: wrongCode(secret, time.now().getTime()) } });
      assert.equal(page.status, 400);
    }
    const locked = parseForm(page.body, url);
    const refused = await browser.request(locked.action, { form: { ...locked.fields, code: authenticatorCode(secret, time.now().getTime()) } });
    assert.equal(refused.status, 400);
    assert.match(refused.body, /Password attempts exceeded/);
    time.advance(2);
  });

  it('returns a new refresh token from the refresh_token grant when the client rotates them; the old one is refused after the grace period', async () => {
    const hop = await signInWithPassword(new Browser(), codeFor(rotating), 'val', PASSWORD);
    const basic = { id: rotating.clientId, secret: rotating.clientSecret! };
    const first = await tokenRequest(server.url, DOMAIN, { grant_type: 'authorization_code', code: callbackParams(hop).get('code')!, redirect_uri: APP_CALLBACK }, basic);
    const original = first.body.refresh_token as string;
    assert.ok(original);
    const refreshed = await tokenRequest(server.url, DOMAIN, { grant_type: 'refresh_token', refresh_token: original }, basic);
    assert.equal(refreshed.status, 200);
    const next = refreshed.body.refresh_token as string;
    assert.ok(next);
    assert.notEqual(next, original);
    time.advance(6);
    const reused = await tokenRequest(server.url, DOMAIN, { grant_type: 'refresh_token', refresh_token: original }, basic);
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error, 'invalid_grant');
    assert.equal((await tokenRequest(server.url, DOMAIN, { grant_type: 'refresh_token', refresh_token: next }, basic)).status, 200);

    // Without rotation the grant returns no refresh token.
    const plainHop = await signInWithPassword(new Browser(), codeFor(web), 'val', PASSWORD);
    const webBasic = { id: web.clientId, secret: web.clientSecret! };
    const plain = await tokenRequest(server.url, DOMAIN, { grant_type: 'authorization_code', code: callbackParams(plainHop).get('code')!, redirect_uri: APP_CALLBACK }, webBasic);
    const again = await tokenRequest(server.url, DOMAIN, { grant_type: 'refresh_token', refresh_token: plain.body.refresh_token as string }, webBasic);
    assert.equal(again.status, 200);
    assert.equal(again.body.refresh_token, undefined);
  });
});
