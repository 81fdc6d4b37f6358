/**
 * Hostile and mistaken requests to the hosted endpoints are refused with the errors a client
 * expects (security.md O03 PKCE, O04 code reuse, O05 code binding, O06 redirect URIs, O07 client
 * authentication, O08 request shape; CSRF on the login form; aws-surface.md §8.2 error shape).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Browser, parseForm } from '../../e2e/oauth2/harness/browser.js';
import { APP_CALLBACK, APP_LOGOUT, startHostedServer, type AppClient, type HostedServer } from './harness.js';
import { authorizeUrl, callbackParams, signInWithPassword, tokenRequest } from './flow.js';

const DOMAIN = 'refusals';

describe('hosted endpoint refusals', () => {
  let server: HostedServer;
  let userPoolId: string;
  let confidential: AppClient;
  let other: AppClient;
  let publicClient: AppClient;

  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  async function code(clientId: string, extra: Record<string, string> = {}): Promise<string> {
    const hop = await signInWithPassword(new Browser(), authorizeUrl(server.url, DOMAIN, { client_id: clientId, scope: 'openid', ...extra }), 'carol', 'Correct-Horse-1');
    return callbackParams(hop).get('code')!;
  }

  before(async () => {
    server = await startHostedServer();
    userPoolId = (await server.createPool()).id;
    await server.createDomain(userPoolId, DOMAIN);
    confidential = await server.createClient(userPoolId, { GenerateSecret: true });
    other = await server.createClient(userPoolId, { GenerateSecret: true });
    publicClient = await server.createClient(userPoolId, { CallbackURLs: [APP_CALLBACK, 'https://app.example.com/cb?x=1'] });
    await server.createUser(userPoolId, 'carol', 'Correct-Horse-1');
  });
  after(() => server.close());

  it('shows an error page, never a redirect, for redirect URIs that are not registered exactly', async () => {
    const tricks = [
      'https://evil.example.com/callback',
      `${APP_CALLBACK}/`,
      `${APP_CALLBACK}?extra=1`,
      'https://APP.example.com/callback',
      'https://app.example.com@evil.example.com/callback',
      'https://app.example.com/callback/../callback',
      `${APP_CALLBACK}#frag`,
      'https://app.example.com:443/callback',
    ];
    for (const redirect_uri of tricks) {
      const res = await new Browser().request(authorizeUrl(server.url, DOMAIN, { client_id: confidential.clientId, redirect_uri }));
      assert.equal(res.status, 400, redirect_uri);
      assert.equal(res.location, undefined, `no redirect for ${redirect_uri}`);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    }
    const unknownClient = await new Browser().request(authorizeUrl(server.url, DOMAIN, { client_id: 'nope' }));
    assert.equal(unknownClient.status, 400);
    assert.equal(unknownClient.location, undefined);
    const badLogout = await new Browser().request(`${server.url}/auth/${DOMAIN}/logout?${new URLSearchParams({ client_id: confidential.clientId, logout_uri: `${APP_LOGOUT}/x` })}`);
    assert.equal(badLogout.status, 400);
    assert.equal(badLogout.location, undefined);
  });

  it('reports request errors at a registered redirect URI with state', async () => {
    const check = async (params: Record<string, string>, error: string) => {
      const res = await new Browser().request(authorizeUrl(server.url, DOMAIN, { client_id: confidential.clientId, state: 'st', ...params }));
      const p = callbackParams(res);
      assert.equal(p.get('error'), error, JSON.stringify(params));
      assert.equal(p.get('state'), 'st');
    };
    await check({ response_type: 'id_token' }, 'unsupported_response_type');
    await check({ code_challenge: challenge, code_challenge_method: 'plain' }, 'invalid_request');
    await check({ code_challenge: challenge }, 'invalid_request');
    await check({ code_challenge: 'short', code_challenge_method: 'S256' }, 'invalid_request');
    await check({ scope: 'phone aws.cognito.signin.user.admin' }, 'invalid_scope');
    await check({ prompt: 'none' }, 'login_required');
    await check({ identity_provider: 'NotConfigured' }, 'invalid_request');
    const missing = await new Browser().request(`${server.url}/auth/${DOMAIN}/oauth2/authorize?${new URLSearchParams({ client_id: confidential.clientId, redirect_uri: APP_CALLBACK })}`);
    assert.equal(callbackParams(missing).get('error'), 'invalid_request');
  });

  it('redeems a code once: a second redemption and three concurrent ones get invalid_grant', async () => {
    const c = await code(confidential.clientId);
    const basic = { id: confidential.clientId, secret: confidential.clientSecret! };
    const first = await tokenRequest(server.url, DOMAIN, { grant_type: 'authorization_code', code: c, redirect_uri: APP_CALLBACK }, basic);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    const second = await tokenRequest(server.url, DOMAIN, { grant_type: 'authorization_code', code: c, redirect_uri: APP_CALLBACK }, basic);
    assert.equal(second.status, 400);
    assert.deepEqual(second.body.error, 'invalid_grant');
    assert.match(second.headers.get('content-type') ?? '', /^application\/json;charset=UTF-8/);

    const c2 = await code(confidential.clientId);
    const racing = await Promise.all(
      [1, 2, 3, 4].map(() => tokenRequest(server.url, DOMAIN, { grant_type: 'authorization_code', code: c2, redirect_uri: APP_CALLBACK }, basic)),
    );
    assert.equal(racing.filter((r) => r.status === 200).length, 1);
    assert.ok(racing.filter((r) => r.status !== 200).every((r) => r.body.error === 'invalid_grant'));
  });

  it('refuses a code redeemed by another client or with another redirect_uri', async () => {
    const c = await code(confidential.clientId);
    const stolen = await tokenRequest(server.url, DOMAIN, { grant_type: 'authorization_code', code: c, redirect_uri: APP_CALLBACK, client_id: other.clientId, client_secret: other.clientSecret! });
    assert.equal(stolen.body.error, 'invalid_grant');
    const c2 = await code(publicClient.clientId);
    const moved = await tokenRequest(server.url, DOMAIN, { grant_type: 'authorization_code', code: c2, redirect_uri: 'https://app.example.com/cb?x=1', client_id: publicClient.clientId });
    assert.equal(moved.body.error, 'invalid_grant');
  });

  it('refuses wrong, missing or truncated PKCE verifiers and a verifier without a challenge', async () => {
    for (const code_verifier of [randomBytes(32).toString('base64url'), verifier.slice(0, 42), undefined]) {
      const c = await code(publicClient.clientId, { code_challenge: challenge, code_challenge_method: 'S256' });
      const res = await tokenRequest(server.url, DOMAIN, { grant_type: 'authorization_code', code: c, redirect_uri: APP_CALLBACK, client_id: publicClient.clientId, ...(code_verifier ? { code_verifier } : {}) });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'invalid_grant');
    }
    const plain = await code(publicClient.clientId);
    const extra = await tokenRequest(server.url, DOMAIN, { grant_type: 'authorization_code', code: plain, redirect_uri: APP_CALLBACK, client_id: publicClient.clientId, code_verifier: verifier });
    assert.equal(extra.body.error, 'invalid_grant');
    const good = await code(publicClient.clientId, { code_challenge: challenge, code_challenge_method: 'S256' });
    const ok = await tokenRequest(server.url, DOMAIN, { grant_type: 'authorization_code', code: good, redirect_uri: APP_CALLBACK, client_id: publicClient.clientId, code_verifier: verifier });
    assert.equal(ok.status, 200);
  });

  it('answers invalid_client (401) for wrong, missing, doubled or unexpected client secrets', async () => {
    const form = { grant_type: 'refresh_token', refresh_token: 'x' };
    const cases: Array<[Record<string, string>, { id: string; secret: string } | undefined]> = [
      [{ ...form, client_id: confidential.clientId, client_secret: 'wrong' }, undefined],
      [form, { id: confidential.clientId, secret: `${confidential.clientSecret!}x` }],
      [{ ...form, client_id: confidential.clientId }, undefined],
      [{ ...form, client_secret: confidential.clientSecret! }, { id: confidential.clientId, secret: confidential.clientSecret! }],
      [{ ...form, client_id: publicClient.clientId, client_secret: 'anything' }, undefined],
      [{ ...form, client_id: 'unknown-client' }, undefined],
    ];
    for (const [body, basic] of cases) {
      const res = await tokenRequest(server.url, DOMAIN, body, basic);
      assert.equal(res.status, 401, JSON.stringify(body));
      assert.equal(res.body.error, 'invalid_client');
    }
  });

  it('answers unsupported_grant_type and invalid_request for malformed token requests', async () => {
    const auth = { client_id: publicClient.clientId };
    assert.equal((await tokenRequest(server.url, DOMAIN, { ...auth, grant_type: 'password' })).body.error, 'unsupported_grant_type');
    assert.equal((await tokenRequest(server.url, DOMAIN, { ...auth })).body.error, 'invalid_request');
    assert.equal((await tokenRequest(server.url, DOMAIN, { ...auth, grant_type: 'authorization_code' })).body.error, 'invalid_request');
    const repeated = await fetch(`${server.url}/auth/${DOMAIN}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=authorization_code&code=a&code=b&client_id=${publicClient.clientId}`,
    });
    assert.equal(repeated.status, 400);
    assert.equal(((await repeated.json()) as { error: string }).error, 'invalid_request');
  });

  it('refuses a login POST whose CSRF token does not belong to the browser’s login transaction', async () => {
    const browser = new Browser();
    const url = authorizeUrl(server.url, DOMAIN, { client_id: confidential.clientId });
    const page = await browser.request(url);
    const form = parseForm(page.body, url);
    const forged = await browser.request(form.action, { form: { ...form.fields, _csrf: randomBytes(32).toString('base64url'), username: 'carol', password: 'Correct-Horse-1' } });
    assert.equal(forged.status, 403);
    assert.equal(forged.location, undefined);
    // Another browser (no login cookie) posting a valid-looking form gets nothing either.
    const noCookie = await new Browser().request(form.action, { form: { ...form.fields, username: 'carol', password: 'Correct-Horse-1' } });
    assert.equal(noCookie.status, 400);
    assert.equal(noCookie.location, undefined);
  });

  it('answers userInfo without a token with 400 and with a bad token with 401, per CG:userinfo-endpoint', async () => {
    const none = await fetch(`${server.url}/auth/${DOMAIN}/oauth2/userInfo`);
    assert.equal(none.status, 400);
    assert.match(none.headers.get('www-authenticate') ?? '', /invalid_request/);
    const bad = await fetch(`${server.url}/auth/${DOMAIN}/oauth2/userInfo`, { headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' } });
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('www-authenticate') ?? '', /invalid_token/);
  });

  it('answers unsupported_token_type when asked to revoke an access token', async () => {
    const c = await code(confidential.clientId);
    const basic = { id: confidential.clientId, secret: confidential.clientSecret! };
    const tokens = await tokenRequest(server.url, DOMAIN, { grant_type: 'authorization_code', code: c, redirect_uri: APP_CALLBACK }, basic);
    const res = await fetch(`${server.url}/auth/${DOMAIN}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${basic.id}:${basic.secret}`).toString('base64')}` },
      body: new URLSearchParams({ token: tokens.body.access_token as string }).toString(),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'unsupported_token_type');
  });
});
