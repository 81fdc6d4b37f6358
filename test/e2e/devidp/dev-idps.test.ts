/**
 * The development identity providers (src/devidp) against a real `--demo` Tessera: the OpenID
 * Provider discovered and driven by openid-client (authorization code, PKCE, nonce) and its ID
 * token exchanged for credentials through the AWS SDK; every social stand-in's token accepted by
 * the real verifiers through GetId and GetCredentialsForIdentity; forged and expired tokens, a
 * wrong PKCE verifier, a replayed code and a missing CSRF cookie refused; nothing served without
 * the flag; seeding idempotent and the issuer stable across a restart with the same data dir.
 */
import { generateFreshKeyPairSync } from '../../../src/keys/generate.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, sign as nodeSign } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { CognitoIdentityClient, DescribeIdentityPoolCommand, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { IAMClient, ListOpenIDConnectProvidersCommand, GetOpenIDConnectProviderCommand } from '@aws-sdk/client-iam';
import { CognitoIdentityProviderClient, DescribeUserPoolClientCommand, ListIdentityProvidersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { getPage, pinnedFetch, postForm, signInAt } from './drive.js';

interface Button { label: string; authorizeUrl: string; tokenUrl?: string; clientId: string; scope?: string; loginsKey: string; token: string; requestTokenUrl?: string; accessTokenUrl?: string }
interface Demo { identityPoolId: string; userPoolId: string; clientId: string; devIdps: Record<string, Button> }

/** Every token, secret and verifier handed out in these tests: none may reach the log. */
const issued: string[] = [];

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

function authorizeUrl(b: Button, redirectUri: string, extra: Record<string, string>): string {
  const u = new URL(b.authorizeUrl);
  for (const [k, v] of Object.entries({ response_type: 'code', client_id: b.clientId, redirect_uri: redirectUri, scope: b.scope ?? '', ...extra })) u.searchParams.set(k, v);
  return u.href;
}

/** Signs in at a code+PKCE provider and returns the token endpoint's JSON. */
async function codeFlow(b: Button, redirectUri: string, user: { preset: string } | { name: string; email: string } = { preset: 'alice' }) {
  const { verifier, challenge } = pkce();
  const state = randomBytes(12).toString('base64url');
  const nonce = randomBytes(12).toString('base64url');
  const back = await signInAt(authorizeUrl(b, redirectUri, { state, nonce, code_challenge: challenge, code_challenge_method: 'S256' }), user);
  assert.equal(back.origin + back.pathname, redirectUri);
  assert.deepEqual([...back.searchParams.keys()].sort(), ['code', 'state']);
  assert.equal(back.searchParams.get('state'), state);
  const exchange = (codeVerifier: string) =>
    fetch(b.tokenUrl!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', client_id: b.clientId, code: back.searchParams.get('code')!, redirect_uri: redirectUri, code_verifier: codeVerifier }) });
  return { nonce, exchange, verifier };
}

async function tokensFor(b: Button, redirectUri: string, user?: { preset: string } | { name: string; email: string }): Promise<Record<string, string>> {
  const flow = await codeFlow(b, redirectUri, user);
  const res = await flow.exchange(flow.verifier);
  assert.equal(res.status, 200);
  const tokens = (await res.json()) as Record<string, string>;
  issued.push(flow.verifier, ...[tokens.id_token, tokens.access_token].filter((t): t is string => typeof t === 'string'));
  if (tokens.id_token) assert.equal(JSON.parse(Buffer.from(tokens.id_token.split('.')[1]!, 'base64url').toString()).nonce, flow.nonce);
  return tokens;
}

async function twitterLogin(b: Button): Promise<string> {
  const started = (await (await fetch(b.requestTokenUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { authorizeUrl: string };
  const back = await signInAt(started.authorizeUrl);
  const res = await fetch(b.accessTokenUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ oauth_token: back.searchParams.get('oauth_token'), oauth_verifier: back.searchParams.get('oauth_verifier') }) });
  assert.equal(res.status, 200);
  const login = ((await res.json()) as { login: string }).login;
  issued.push(...login.split(';'));
  return login;
}

function refusedWith(name: string) {
  return (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(e.name, name, e.message);
    assert.ok((e.$metadata?.httpStatusCode ?? 0) < 500);
    return true;
  };
}

describe('the development identity providers of a --demo Tessera', () => {
  let server: TestServer;
  let demo: Demo;
  let ci: CognitoIdentityClient;
  let offsetMs = 0;
  let callback: string;

  before(async () => {
    server = await startTestServer({ demo: true, captureLogs: true, clock: () => new Date(Date.now() + offsetMs) });
    demo = (await (await fetch(`${server.url}/_tessera/demo`)).json()) as Demo;
    ci = new CognitoIdentityClient({ endpoint: server.url, region: server.region, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' }, maxAttempts: 1 });
    callback = `${server.url}/demo/callback`;
  });
  after(async () => {
    ci?.destroy();
    await server?.close();
  });

  const reasonOf = (token: string) => {
    // The log names the refusal's check (never the token): the last refusal line of GetId.
    const lines = server.logs.filter((l) => l.operation === 'GetId' && l.outcome === 'NotAuthorizedException');
    return (lines.at(-1)?.reason as { check?: string } | undefined)?.check ?? `no refusal logged (${token.length} chars)`;
  };

  const credentialsFor = async (logins: Record<string, string>) => {
    const { IdentityId } = await ci.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId, Logins: logins }));
    const got = await ci.send(new GetCredentialsForIdentityCommand({ IdentityId: IdentityId!, Logins: logins }));
    assert.match(got.Credentials?.AccessKeyId ?? '', /^ASIA/);
    return IdentityId!;
  };

  it('describes six providers for the demo page, each with its authorize URL on the main listener, client id and Logins key', () => {
    assert.deepEqual(Object.keys(demo.devIdps).sort(), ['amazon', 'apple', 'facebook', 'google', 'oidc', 'twitter']);
    assert.deepEqual(
      Object.values(demo.devIdps).map((b) => b.label).sort(),
      ['Login with Amazon', 'OpenID Connect (OIDC)', 'Sign in with Apple', 'Sign in with Facebook', 'Sign in with Google', 'Sign in with Twitter'],
    );
    for (const b of Object.values(demo.devIdps)) assert.ok(b.authorizeUrl.startsWith(`${server.url}/_dev/`), b.authorizeUrl);
    assert.match(demo.devIdps.oidc!.loginsKey, /^localhost:\d+\/oidc$/);
  });

  it('the development OpenID Provider, discovered and driven by openid-client with PKCE and nonce, issues an ID token that GetId and GetCredentialsForIdentity accept', async () => {
    const devIdps = server.tessera.devIdps!;
    const caPem = readFileSync(join(server.dataDir, 'dev-idps', 'tls.pem'), 'utf8').replace(/^[\s\S]*?(?=-----BEGIN CERTIFICATE-----)/, '');
    const config = await client.discovery(new URL(devIdps.oidc.issuer), devIdps.oidc.clientId, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
      [client.customFetch]: pinnedFetch(caPem) as never,
    });
    assert.equal(config.serverMetadata().issuer, devIdps.oidc.issuer);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: callback, scope: 'openid email profile', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce });
    const back = await signInAt(url.href, { name: 'Carol Example', email: 'carol@example.com' });
    const tokens = await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    const claims = tokens.claims()!;
    assert.equal(claims.iss, devIdps.oidc.issuer);
    assert.equal(claims.aud, devIdps.oidc.clientId);
    assert.equal(claims.email, 'carol@example.com');
    await credentialsFor({ [devIdps.oidc.loginsKey]: tokens.id_token! });
  });

  for (const id of ['google', 'apple', 'facebook', 'amazon'] as const) {
    it(`the ${id} stand-in's ${id === 'google' || id === 'apple' ? 'ID' : 'access'} token is accepted by the real verifier: the same user gets the same identity twice`, async () => {
      const b = demo.devIdps[id]!;
      const first = await tokensFor(b, callback);
      const second = await tokensFor(b, callback);
      const login = (t: Record<string, string>) => ({ [b.loginsKey]: b.token === 'id_token' ? t.id_token! : t.access_token! });
      assert.equal(await credentialsFor(login(first)), await credentialsFor(login(second)));
      const other = await tokensFor(b, callback, { preset: 'bob' });
      assert.notEqual(await credentialsFor(login(other)), await credentialsFor(login(first)));
    });
  }

  it("the Twitter stand-in's OAuth 1.0a access token (token;secret, obtained by the demo backend) is accepted through a signed verify_credentials", async () => {
    const b = demo.devIdps.twitter!;
    const login = await twitterLogin(b);
    assert.match(login, /^[^;]+;[^;]+$/);
    await credentialsFor({ 'api.twitter.com': login });
    const [token] = login.split(';');
    await assert.rejects(ci.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId, Logins: { 'api.twitter.com': `${token};not-the-secret` } })), refusedWith('NotAuthorizedException'));
  });

  it("the demo's Twitter backend answers 4xx, never 5xx, for a bad body, a foreign callback, a used request token and a wrong verifier", async () => {
    const b = demo.devIdps.twitter!;
    const call = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal((await call(b.requestTokenUrl!, 'not json')).status, 400);
    assert.equal((await call(b.requestTokenUrl!, JSON.stringify({ callback: 'https://evil.example/cb' }))).status, 400);
    const started = (await (await call(b.requestTokenUrl!, '{}')).json()) as { authorizeUrl: string };
    const back = await signInAt(started.authorizeUrl);
    const wrong = await call(b.accessTokenUrl!, JSON.stringify({ oauth_token: back.searchParams.get('oauth_token'), oauth_verifier: 'not-the-verifier' }));
    assert.equal(wrong.status, 401);
    // The request token was used up by that try.
    const again = await call(b.accessTokenUrl!, JSON.stringify({ oauth_token: back.searchParams.get('oauth_token'), oauth_verifier: back.searchParams.get('oauth_verifier') }));
    assert.equal(again.status, 400);
  });

  it('refuses a forged Google ID token (another key under the same kid)', async () => {
    const real = (await tokensFor(demo.devIdps.google!, callback)).id_token!;
    const [h, p] = real.split('.') as [string, string];
    const forger = generateFreshKeyPairSync({ type: 'rsa', modulusLength: 2048 });
    const forged = `${h}.${p}.${nodeSign('sha256', Buffer.from(`${h}.${p}`), forger.privateKey).toString('base64url')}`;
    await assert.rejects(ci.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId, Logins: { 'accounts.google.com': forged } })), refusedWith('NotAuthorizedException'));
    assert.equal(reasonOf(forged), 'jwt.signature');
  });

  it('refuses an unknown Facebook token and an unknown Amazon token', async () => {
    await assert.rejects(ci.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId, Logins: { 'graph.facebook.com': 'EAATnotissued' } })), refusedWith('NotAuthorizedException'));
    await assert.rejects(ci.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId, Logins: { 'www.amazon.com': 'Atza|notissued' } })), refusedWith('NotAuthorizedException'));
  });

  it('the token endpoint refuses a wrong PKCE verifier, and the code is gone after that one try', async () => {
    const flow = await codeFlow(demo.devIdps.oidc!, callback);
    const wrong = await flow.exchange(pkce().verifier);
    assert.equal(wrong.status, 400);
    assert.equal(((await wrong.json()) as { error: string }).error, 'invalid_grant');
    const replay = await flow.exchange(flow.verifier);
    assert.equal(replay.status, 400);
  });

  it('a code is single-use: the second exchange is invalid_grant', async () => {
    const flow = await codeFlow(demo.devIdps.google!, callback);
    assert.equal((await flow.exchange(flow.verifier)).status, 200);
    const again = await flow.exchange(flow.verifier);
    assert.equal(again.status, 400);
    assert.equal(((await again.json()) as { error: string }).error, 'invalid_grant');
  });

  it('the sign-in form is refused without its CSRF cookie, and bad authorize requests are 400 pages, never 5xx or redirects', async () => {
    const b = demo.devIdps.oidc!;
    const { challenge } = pkce();
    const good = { state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' };
    const page = await getPage(authorizeUrl(b, callback, good));
    assert.equal(page.status, 200);
    assert.match(page.html, /Development only/);
    const noCookie = await postForm(`${server.url}/_dev/oidc/authorize`, { ...page.hidden, preset: 'alice' }, undefined);
    assert.equal(noCookie.status, 403);
    for (const [what, url] of [
      ['another client', authorizeUrl({ ...b, clientId: 'someone-else' }, callback, good)],
      ['an unregistered redirect', authorizeUrl(b, 'https://evil.example/cb', good)],
      ['no PKCE', authorizeUrl(b, callback, { state: 's', nonce: 'n' })],
      ['plain PKCE', authorizeUrl(b, callback, { ...good, code_challenge_method: 'plain' })],
      ['no state', authorizeUrl(b, callback, { nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' })],
      ['no nonce', authorizeUrl(b, callback, { state: 's', code_challenge: challenge, code_challenge_method: 'S256' })],
    ] as const) {
      const res = await fetch(url, { redirect: 'manual' });
      assert.equal(res.status, 400, what);
    }
    const badForm = await postForm(`${server.url}/_dev/oidc/authorize`, { request: 'x'.repeat(500) }, undefined);
    assert.equal(badForm.status, 400);
    const badToken = await fetch(b.tokenUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(badToken.status, 400);
    // The user pool's client at the development OP is confidential: no secret, no tokens.
    const noSecret = await fetch(b.tokenUrl!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'tessera-dev-oidc-userpool', code: 'x', redirect_uri: callback, code_verifier: pkce().verifier }) });
    assert.equal(noSecret.status, 401);
    assert.equal(((await noSecret.json()) as { error: string }).error, 'invalid_client');
    const badPath = await fetch(`https://localhost:${server.tessera.devIdps!.port}/nothing`).catch((e: Error) => e);
    assert.ok(badPath instanceof Error, 'the HTTPS listener is not trusted by default (self-signed)');
  });

  it('refuses an expired ID token and an expired Amazon access token (the clock moved two hours on)', async () => {
    const idToken = (await tokensFor(demo.devIdps.oidc!, callback)).id_token!;
    const amazon = (await tokensFor(demo.devIdps.amazon!, callback, { preset: 'bob' })).access_token!;
    offsetMs = 2 * 3600 * 1000;
    try {
      await assert.rejects(ci.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId, Logins: { [demo.devIdps.oidc!.loginsKey]: idToken } })), refusedWith('NotAuthorizedException'));
      assert.equal(reasonOf(idToken), 'jwt.exp');
      await assert.rejects(ci.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId, Logins: { 'www.amazon.com': amazon } })), refusedWith('NotAuthorizedException'));
      assert.equal(reasonOf(amazon), 'amazon.token', 'the stand-in refuses the expired token (HTTP 400 invalid_token)');
    } finally {
      offsetMs = 0;
    }
  });

  it('never logs a token, an access token, a Twitter secret or a PKCE verifier it handed out', () => {
    assert.ok(issued.length > 20, `${issued.length} secrets handed out`);
    assert.ok(server.logs.length > 0);
    const log = JSON.stringify(server.logs);
    for (const secret of issued) assert.ok(!log.includes(secret), `a secret of ${secret.length} characters is in the log`);
  });
});

describe('without --demo or --dev-idps', () => {
  it('serves no /_dev/ route and starts no HTTPS listener', async () => {
    const server = await startTestServer();
    try {
      assert.equal(server.tessera.devIdps, undefined);
      for (const path of ['/_dev/oidc/authorize', '/_dev/style.css', '/_dev/twitter/oauth/authenticate']) assert.equal((await fetch(`${server.url}${path}`)).status, 404, path);
      assert.equal((await fetch(`${server.url}/_dev/oidc/token`, { method: 'POST' })).status, 404);
      assert.equal(existsSync(join(server.dataDir, 'dev-idps')), false);
    } finally {
      await server.close();
    }
  });

  it('--dev-idps alone serves the providers but creates no demo tenant', async () => {
    const server = await startTestServer({ devIdps: true });
    try {
      assert.ok(server.tessera.devIdps);
      assert.equal(server.tessera.demo, undefined);
      assert.equal((await fetch(`${server.url}/_tessera/demo`)).status, 404);
      const { challenge } = pkce();
      const page = await getPage(authorizeUrl({ label: '', authorizeUrl: `${server.url}/_dev/oidc/authorize`, clientId: server.tessera.devIdps.oidc.clientId, scope: 'openid', loginsKey: '', token: '' }, `${server.url}/demo/callback`, { state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' }));
      assert.equal(page.status, 200);
      assert.equal((await fetch(`${server.url}/_tessera/demo/twitter/request-token`, { method: 'POST' })).status, 404);
    } finally {
      await server.close();
    }
  });
});

describe('seeding across restarts', () => {
  it('a second start with the same data dir keeps the pool, the OIDC provider, the issuer and the identity of the same user', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-devidp-'));
    try {
      const look = async () => {
        const server = await startTestServer({ demo: true, dataDir });
        const demo = (await (await fetch(`${server.url}/_tessera/demo`)).json()) as Demo;
        const aws = { endpoint: server.url, region: server.region, credentials: server.rootCredentials, maxAttempts: 1 };
        const ci = new CognitoIdentityClient(aws);
        const iam = new IAMClient(aws);
        const idp = new CognitoIdentityProviderClient(aws);
        try {
          const userPoolIdps = (await idp.send(new ListIdentityProvidersCommand({ UserPoolId: demo.userPoolId, MaxResults: 60 }))).Providers!.map((p) => p.ProviderName);
          const client = (await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: demo.userPoolId, ClientId: demo.clientId }))).UserPoolClient!;
          const pool = await ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: demo.identityPoolId }));
          const providers = (await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList!.map((p) => p.Arn!);
          const op = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providers[0]! }));
          const tokens = await tokensFor(demo.devIdps.oidc!, `${server.url}/demo/callback`);
          const logins = { [demo.devIdps.oidc!.loginsKey]: tokens.id_token! };
          const { IdentityId } = await ci.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId, Logins: logins }));
          return { pool, providers, op, userPoolIdps, client, issuer: server.tessera.devIdps!.oidc.issuer, identityId: IdentityId, port: server.tessera.devIdps!.port };
        } finally {
          ci.destroy();
          iam.destroy();
          idp.destroy();
          await server.close();
        }
      };
      const first = await look();
      const second = await look();
      assert.equal(second.port, first.port);
      assert.equal(second.issuer, first.issuer);
      assert.equal(second.pool.IdentityPoolId, first.pool.IdentityPoolId);
      assert.deepEqual(second.pool.SupportedLoginProviders, first.pool.SupportedLoginProviders);
      assert.deepEqual(second.pool.OpenIdConnectProviderARNs, first.pool.OpenIdConnectProviderARNs);
      assert.deepEqual(second.providers, first.providers);
      assert.equal(first.providers.length, 1);
      assert.deepEqual(second.op.ThumbprintList, first.op.ThumbprintList);
      assert.equal(second.identityId, first.identityId);
      assert.deepEqual(first.userPoolIdps, ['TesseraDevOIDC']);
      assert.deepEqual(second.userPoolIdps, ['TesseraDevOIDC']);
      assert.deepEqual(second.client.SupportedIdentityProviders, ['COGNITO', 'TesseraDevOIDC']);
      // The demo client keeps its other settings (UpdateUserPoolClient was given all of them back).
      assert.deepEqual(second.client.CallbackURLs, first.client.CallbackURLs);
      assert.deepEqual(second.client.AllowedOAuthFlows, ['code']);
      assert.deepEqual([...(second.client.ExplicitAuthFlows ?? [])].sort(), ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']);
      assert.deepEqual(Object.keys(first.pool.SupportedLoginProviders ?? {}).sort(), ['accounts.google.com', 'api.twitter.com', 'appleid.apple.com', 'graph.facebook.com', 'www.amazon.com']);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
