/**
 * The development SAML 2.0 IdP (`--dev-idps`, implied by `--demo`) against a real Tessera: its
 * metadata registered as the IAM SAML provider, its sign-in page driven over HTTP as a browser
 * would (transaction cookie, form post), and the signed response it answers with accepted by the
 * unmodified @aws-sdk/client-sts AssumeRoleWithSAML and by the demo identity pool
 * (GetId + GetCredentialsForIdentity); replays, tampering, foreign ACS URLs and forged form posts
 * refused; the demo's ACS keeps the response out of URLs; seeding twice keeps the same provider.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { CognitoIdentityClient, DescribeIdentityPoolCommand, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { GetRoleCommand, GetSAMLProviderCommand, IAMClient, ListSAMLProvidersCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithSAMLCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { parseSamlMetadata } from '../../../src/services/iam/saml-metadata.js';

interface SamlInfo { providerArn: string; startUrl: string; metadataUrl: string; roles: Array<{ name: string; arn: string }> }
interface DemoDoc { identityPoolId: string; roles: { guest: { arn: string }; authenticated: { arn: string }; patterns: Array<{ arn: string }> }; saml: SamlInfo | null }

const unescapeHtml = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const hidden = (html: string, name: string) => {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  return m ? unescapeHtml(m[1]!) : undefined;
};

interface SignIn { status: number; html: string; samlResponse?: string; relayState?: string; action?: string }

/** The sign-in page as a browser drives it: GET (page + cookie), then the form post from the same origin. */
async function signIn(
  server: TestServer,
  o: { query?: Record<string, string>; username?: string; email?: string; roles?: string[]; otherRole?: string; dropCookie?: boolean; origin?: string } = {},
): Promise<SignIn> {
  const url = new URL('/_dev/saml/sso', server.url);
  for (const [k, v] of Object.entries(o.query ?? { RelayState: 'relay-1' })) url.searchParams.set(k, v);
  const page = await fetch(url);
  const html = await page.text();
  if (page.status !== 200) return { status: page.status, html };
  assert.match(html, /Development only/);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
  const form = new URLSearchParams({ login: hidden(html, 'login')!, username: o.username ?? 'alice', email: o.email ?? 'alice@example.com' });
  for (const r of o.roles ?? []) form.append('role', r);
  if (o.otherRole) form.set('other-role', o.otherRole);
  const posted = await fetch(new URL('/_dev/saml/sso', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: o.origin ?? server.url, ...(o.dropCookie ? {} : { cookie }) },
    body: form,
  });
  const out = await posted.text();
  const action = /<form id="saml-post" method="post" action="([^"]*)"/.exec(out)?.[1];
  return { status: posted.status, html: out, samlResponse: hidden(out, 'SAMLResponse'), relayState: hidden(out, 'RelayState'), ...(action ? { action: unescapeHtml(action) } : {}) };
}

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
const encode = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

describe('the development SAML IdP in demo mode', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-dev-saml-'));
  let server: TestServer;
  let doc: DemoDoc;
  let saml: SamlInfo;
  let sts: STSClient;
  let identity: CognitoIdentityClient;
  let iam: IAMClient;
  let admin: CognitoIdentityClient;

  before(async () => {
    server = await startTestServer({ demo: true, dataDir, captureLogs: true });
    doc = (await (await fetch(`${server.url}/_tessera/demo`)).json()) as DemoDoc;
    saml = doc.saml!;
    const anon = { region: server.region, endpoint: server.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
    sts = new STSClient(anon);
    identity = new CognitoIdentityClient(anon);
    iam = new IAMClient({ region: server.region, endpoint: server.url, credentials: server.rootCredentials });
    admin = new CognitoIdentityClient({ region: server.region, endpoint: server.url, credentials: server.rootCredentials });
  });
  after(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves its metadata, which parses and is what the demo registered as the IAM SAML provider', async () => {
    assert.ok(saml, 'GET /_tessera/demo describes saml');
    assert.equal(saml.providerArn, `arn:aws:iam::${server.accountId}:saml-provider/tessera-dev-saml`);
    assert.deepEqual(saml.roles.map((r) => r.arn), [doc.roles.authenticated.arn, doc.roles.guest.arn]);
    const res = await fetch(`${server.url}/_dev/saml/metadata`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/samlmetadata\+xml/);
    const text = await res.text();
    const parsed = parseSamlMetadata(text, new Date());
    assert.equal(parsed.entityId, saml.metadataUrl);
    assert.equal(parsed.signingCertificates.length, 1);
    assert.equal(parsed.singleSignOnRedirectUrl, `${server.url}/_dev/saml/sso`);
    const provider = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: saml.providerArn }));
    assert.equal(provider.SAMLMetadataDocument, text);
    const pool = await admin.send(new DescribeIdentityPoolCommand({ IdentityPoolId: doc.identityPoolId }));
    assert.deepEqual(pool.SamlProviderARNs, [saml.providerArn]);
    assert.equal(pool.AllowClassicFlow, true, 'the merge kept the pool’s other settings');
    assert.equal(pool.DeveloperProviderName, 'login.tessera.demo');
  });

  it('answers a sign-in with a signed response that STS AssumeRoleWithSAML accepts once, and refuses its replay', async () => {
    const got = await signIn(server, { roles: [doc.roles.authenticated.arn, doc.roles.guest.arn] });
    assert.equal(got.status, 200, got.html);
    assert.equal(got.action, '/demo/saml/acs');
    assert.equal(got.relayState, 'relay-1');
    const xml = decode(got.samlResponse!);
    assert.equal((xml.match(/<ds:Signature /g) ?? []).length, 2, 'the Response and the Assertion are signed');
    assert.match(xml, /<saml:Audience>urn:amazon:webservices<\/saml:Audience>/);
    assert.match(xml, new RegExp(`Recipient="${server.url}/saml"`));
    const input = { RoleArn: doc.roles.guest.arn, PrincipalArn: saml.providerArn, SAMLAssertion: got.samlResponse!, DurationSeconds: 900 };
    const out = await sts.send(new AssumeRoleWithSAMLCommand(input));
    assert.equal(out.Subject, 'alice');
    assert.equal(out.Issuer, saml.metadataUrl);
    assert.equal(out.Audience, `${server.url}/saml`);
    const who = await new STSClient({ region: server.region, endpoint: server.url, credentials: { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! } }).send(
      new GetCallerIdentityCommand({}),
    );
    assert.equal(who.Arn, `arn:aws:sts::${server.accountId}:assumed-role/tessera-demo-guest/alice`);
    await assert.rejects(sts.send(new AssumeRoleWithSAMLCommand(input)), (e: Error) => /^InvalidIdentityToken/.test(e.name) && /already been used/.test(e.message));
  });

  it('refuses AssumeRoleWithSAML for a role the response does not name', async () => {
    const got = await signIn(server, { roles: [doc.roles.authenticated.arn] });
    await assert.rejects(
      sts.send(new AssumeRoleWithSAMLCommand({ RoleArn: doc.roles.guest.arn, PrincipalArn: saml.providerArn, SAMLAssertion: got.samlResponse! })),
      (e: Error) => e.name === 'AccessDenied',
    );
  });

  it('gets credentials from the demo identity pool by the enhanced flow with the response as the login', async () => {
    const got = await signIn(server, { username: 'bob', roles: [doc.roles.authenticated.arn] });
    const Logins = { [saml.providerArn]: got.samlResponse! };
    const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: doc.identityPoolId, Logins }));
    const creds = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
    assert.match(creds.Credentials!.AccessKeyId!, /^ASIA/);
    const who = await new STSClient({ region: server.region, endpoint: server.url, credentials: { accessKeyId: creds.Credentials!.AccessKeyId!, secretAccessKey: creds.Credentials!.SecretKey!, sessionToken: creds.Credentials!.SessionToken! } }).send(
      new GetCallerIdentityCommand({}),
    );
    assert.equal(who.Arn, `arn:aws:sts::${server.accountId}:assumed-role/tessera-demo-authenticated/bob`);
  });

  it('with two roles asserted, the identity pool takes the one a CustomRoleArn picks', async () => {
    const got = await signIn(server, { username: 'carol', roles: [doc.roles.authenticated.arn, doc.roles.guest.arn] });
    const Logins = { [saml.providerArn]: got.samlResponse! };
    const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: doc.identityPoolId, Logins }));
    await assert.rejects(identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins })), (e: Error) => e.name === 'NotAuthorizedException');
    const creds = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins, CustomRoleArn: doc.roles.authenticated.arn }));
    assert.match(creds.Credentials!.AccessKeyId!, /^ASIA/);
  });

  it('refuses a response whose Role attribute was tampered with, at STS and at the identity pool', async () => {
    const got = await signIn(server, { roles: [doc.roles.guest.arn] });
    const target = doc.roles.patterns[0]!.arn;
    const forged = encode(decode(got.samlResponse!).replace(doc.roles.guest.arn, target));
    assert.notEqual(forged, got.samlResponse);
    await assert.rejects(sts.send(new AssumeRoleWithSAMLCommand({ RoleArn: target, PrincipalArn: saml.providerArn, SAMLAssertion: forged })), (e: Error) => /^InvalidIdentityToken/.test(e.name) && /signature/.test(e.message));
    await assert.rejects(identity.send(new GetIdCommand({ IdentityPoolId: doc.identityPoolId, Logins: { [saml.providerArn]: forged } })), (e: Error) => e.name === 'NotAuthorizedException');
  });

  it('answers an AuthnRequest (HTTP-Redirect binding) with InResponseTo and posts to its ACS on this server; an ACS elsewhere is refused', async () => {
    const request = (acs: string) =>
      deflateRawSync(
        Buffer.from(
          `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_req42" Version="2.0" IssueInstant="2026-01-01T00:00:00Z" AssertionConsumerServiceURL="${acs}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"><saml:Issuer>urn:example:sp</saml:Issuer></samlp:AuthnRequest>`,
        ),
      ).toString('base64');
    const got = await signIn(server, { query: { SAMLRequest: request(`${server.url}/demo/saml/acs`), RelayState: 'sp-1' }, roles: [doc.roles.guest.arn] });
    assert.equal(got.status, 200, got.html);
    assert.equal(got.action, `${server.url}/demo/saml/acs`);
    assert.match(decode(got.samlResponse!), /<samlp:Response [^>]*InResponseTo="_req42"/);
    const away = await signIn(server, { query: { SAMLRequest: request('https://elsewhere.example/acs') } });
    assert.equal(away.status, 400);
    assert.match(away.html, /posts responses only to this server/);
    const bomb = await signIn(server, { query: { SAMLRequest: deflateRawSync(Buffer.alloc(200_000, 0x20)).toString('base64') } });
    assert.equal(bomb.status, 400);
  });

  it('refuses a sign-in form posted without the browser’s transaction cookie or from another origin', async () => {
    const noCookie = await signIn(server, { dropCookie: true });
    assert.equal(noCookie.status, 400);
    assert.match(noCookie.html, /CSRF/);
    assert.equal(noCookie.samlResponse, undefined);
    const foreign = await signIn(server, { origin: 'https://evil.example' });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.samlResponse, undefined);
  });

  it('keeps a first sign-in tab working when a second one opens, and takes each transaction once', async () => {
    const url = `${server.url}/_dev/saml/sso?RelayState=tab`;
    const first = await fetch(url);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!;
    const login1 = hidden(await first.text(), 'login')!;
    const second = await fetch(url, { headers: { cookie } });
    assert.equal((second.headers.get('set-cookie') ?? '').split(';')[0], cookie, 'the browser secret is reused');
    const post = () =>
      fetch(`${server.url}/_dev/saml/sso`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'sec-fetch-site': 'same-origin' },
        body: new URLSearchParams({ login: login1, username: 'dave', role: doc.roles.guest.arn }),
      });
    const ok = await post();
    assert.equal(ok.status, 200);
    assert.ok(hidden(await ok.text(), 'SAMLResponse'));
    const again = await post();
    assert.equal(again.status, 400);
    assert.match(await again.text(), /expired or was already used/);
    const crossSite = await fetch(`${server.url}/_dev/saml/sso`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'sec-fetch-site': 'cross-site' },
      body: new URLSearchParams({ login: hidden(await second.text(), 'login')!, username: 'dave' }),
    });
    assert.equal(crossSite.status, 400);
  });

  it('the demo ACS keeps the response for the browser that received it and hands it over once, for the right RelayState only', async () => {
    const got = await signIn(server, { roles: [doc.roles.authenticated.arn] });
    const post = (relayState: string) =>
      fetch(`${server.url}/demo/saml/acs`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: got.samlResponse!, RelayState: relayState }) });
    const take = (cookie: string, relayState: string) =>
      fetch(`${server.url}/_tessera/demo/saml/response`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ relayState }) });
    const acs = await post('page-state-1');
    assert.equal(acs.status, 303);
    assert.equal(acs.headers.get('location'), '/demo/callback');
    const setCookie = acs.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;
    const wrong = await take(cookie, 'another-state');
    assert.equal(wrong.status, 400);
    assert.equal((await take(cookie, 'page-state-1')).status, 400, 'a wrong RelayState used the slot up');
    const again = (await post('page-state-2')).headers.get('set-cookie')!.split(';')[0]!;
    const right = await take(again, 'page-state-2');
    assert.equal(right.status, 200);
    assert.equal(((await right.json()) as { SAMLResponse: string }).SAMLResponse, got.samlResponse);
    assert.equal((await take(again, 'page-state-2')).status, 400, 'single use');
    assert.equal((await take('', 'page-state-2')).status, 400, 'no cookie, no response');
  });

  it('never writes a SAML response into its log', () => {
    const text = JSON.stringify(server.logs);
    assert.ok(server.logs.length > 0);
    assert.doesNotMatch(text, /PHNhbWxwOlJlc3BvbnNl/, 'no base64 <samlp:Response');
  });

  it('a restart with the same data dir keeps the same provider, metadata and trust (seeding is idempotent)', async () => {
    const before = await fetch(`${server.url}/_dev/saml/metadata`).then((r) => r.text());
    await server.close();
    server = await startTestServer({ demo: true, dataDir, port: Number(new URL(server.url).port), publicUrl: server.url });
    const again = (await (await fetch(`${server.url}/_tessera/demo`)).json()) as DemoDoc;
    assert.equal(again.saml!.providerArn, saml.providerArn);
    assert.equal(await fetch(`${server.url}/_dev/saml/metadata`).then((r) => r.text()), before);
    const list = await iam.send(new ListSAMLProvidersCommand({}));
    assert.deepEqual(list.SAMLProviderList!.map((p) => p.Arn), [saml.providerArn]);
    const pool = await admin.send(new DescribeIdentityPoolCommand({ IdentityPoolId: doc.identityPoolId }));
    assert.deepEqual(pool.SamlProviderARNs, [saml.providerArn]);
    const role = await iam.send(new GetRoleCommand({ RoleName: 'tessera-demo-authenticated' }));
    const trust = JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)) as { Statement: Array<{ Sid?: string; Principal?: { Federated?: string } }> };
    assert.equal(trust.Statement.filter((s) => s.Sid === 'TesseraDevSaml').length, 1);
    assert.ok(trust.Statement.some((s) => s.Principal?.Federated === 'cognito-identity.amazonaws.com'), 'the identity-pool trust is kept');
    const got = await signIn(server, { roles: [doc.roles.authenticated.arn] });
    const out = await sts.send(new AssumeRoleWithSAMLCommand({ RoleArn: doc.roles.authenticated.arn, PrincipalArn: saml.providerArn, SAMLAssertion: got.samlResponse! }));
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
  });

  it('a new signing certificate (its file removed) updates the registered provider’s metadata under the same ARN', async () => {
    const before = await fetch(`${server.url}/_dev/saml/metadata`).then((r) => r.text());
    const old = await signIn(server, { roles: [doc.roles.guest.arn] });
    await server.close();
    rmSync(join(dataDir, 'dev-idps', 'saml-signing.pem'));
    server = await startTestServer({ demo: true, dataDir, port: Number(new URL(server.url).port), publicUrl: server.url });
    const after = await fetch(`${server.url}/_dev/saml/metadata`).then((r) => r.text());
    assert.notEqual(after, before);
    const provider = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: saml.providerArn }));
    assert.equal(provider.SAMLMetadataDocument, after);
    await assert.rejects(
      sts.send(new AssumeRoleWithSAMLCommand({ RoleArn: doc.roles.guest.arn, PrincipalArn: saml.providerArn, SAMLAssertion: old.samlResponse! })),
      (e: Error) => /^InvalidIdentityToken/.test(e.name) && /signature/.test(e.message),
      'a response signed with the old key is refused',
    );
    const fresh = await signIn(server, { roles: [doc.roles.guest.arn] });
    const out = await sts.send(new AssumeRoleWithSAMLCommand({ RoleArn: doc.roles.guest.arn, PrincipalArn: saml.providerArn, SAMLAssertion: fresh.samlResponse! }));
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
  });
});

describe('the development SAML IdP outside demo mode', () => {
  it('does not exist without --demo or --dev-idps', async () => {
    const server = await startTestServer();
    try {
      for (const path of ['/_dev/saml/metadata', '/_dev/saml/sso?RelayState=x', '/_dev/saml/autopost.js']) assert.equal((await fetch(`${server.url}${path}`)).status, 404, path);
      assert.equal((await fetch(`${server.url}/demo/saml/acs`, { method: 'POST' })).status, 404);
    } finally {
      await server.close();
    }
  });

  it('with --dev-idps alone serves metadata and signs in for an AuthnRequest, but has no demo ACS to post to unasked', async () => {
    const server = await startTestServer({ devIdps: true });
    try {
      const meta = await fetch(`${server.url}/_dev/saml/metadata`);
      assert.equal(meta.status, 200);
      assert.equal(parseSamlMetadata(await meta.text(), new Date()).entityId, `${server.url}/_dev/saml/metadata`);
      const unasked = await signIn(server);
      assert.equal(unasked.status, 400);
      assert.match(unasked.html, /No AssertionConsumerServiceURL/);
      assert.equal((await fetch(`${server.url}/_tessera/demo`)).status, 404);
      assert.equal((await fetch(`${server.url}/demo/saml/acs`, { method: 'POST' })).status, 404);
    } finally {
      await server.close();
    }
  });
});
