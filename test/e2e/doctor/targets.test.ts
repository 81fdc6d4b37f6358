/**
 * The token doctor for roles (AssumeRoleWithWebIdentity, AssumeRoleWithSAML), user-pool app
 * clients and identity pools fed a SAML response or matched by a role-mapping rule, against a
 * real Tessera, a real OpenID issuer over TLS and a real SAML IdP library. For every input the
 * doctor's verdict is what the API does with it: accepted when the API succeeds, refused by the
 * named check with the API's own error code when the API refuses. The log line of a refused call
 * names the check, what was expected and found, and the target — never the token.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, CreateSAMLProviderCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleWithSAMLCommand, AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CognitoIdentityClient, CreateIdentityPoolCommand, GetCredentialsForIdentityCommand, GetIdCommand, GetOpenIdTokenCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { signRequest } from '../../../src/sigv4/index.js';
import type { DoctorCheck } from '../../../src/services/doctor/report.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { startIssuer, type TestIssuer } from '../../helpers/issuer.js';
import { AWS_RECIPIENT, decodeSaml, encodeSaml, startSamlIdp, type SamlIdp } from '../../helpers/saml-idp.js';
import { repoRoot } from '../../helpers/paths.js';

const run = promisify(execFile);
const ROLE_ATTR = 'https://aws.amazon.com/SAML/Attributes/Role';
const SESSION_ATTR = 'https://aws.amazon.com/SAML/Attributes/RoleSessionName';
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

interface Report {
  accepted: boolean;
  checks: DoctorCheck[];
  error?: { code: string; message: string };
  session?: { roleArn: string; durationSeconds: number };
  user?: { username: string };
  loginsKey?: string;
  role?: { arn: string; source: string };
}

const failed = (r: Report) => r.checks.filter((c) => c.status === 'fail');

describe('the token doctor for roles, user-pool clients and identity pools', () => {
  let server: TestServer;
  let issuer: TestIssuer;
  let untrusted: TestIssuer;
  let idp: SamlIdp;
  let now = Date.now();
  let scratch: string;
  let iam: IAMClient;
  let sts: STSClient;
  let providerArn: string;
  let samlProviderArn: string;
  let webRole: string;
  let untrustedRole: string;
  let samlRole: string;
  let samlBobRole: string;
  let samlUnofferedRole: string;
  const anonymous = { accessKeyId: 'unused', secretAccessKey: 'unused' };
  const clients: Array<{ destroy(): void }> = [];

  async function ask(route: string, body: Record<string, unknown>): Promise<{ status: number; json: any }> {
    const url = new URL(`/_tessera/doctor/${route}`, server.url);
    const text = JSON.stringify(body);
    const headers = signRequest({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: text, service: 'tessera', region: 'us-east-1', credentials: server.rootCredentials, now: new Date(now) });
    delete headers.host;
    const res = await fetch(url, { method: 'POST', headers, body: text });
    return { status: res.status, json: await res.json() };
  }
  async function explain(route: string, body: Record<string, unknown>): Promise<Report> {
    const { status, json } = await ask(route, body);
    assert.equal(status, 200, JSON.stringify(json));
    return json as Report;
  }
  /** The API's outcome: 'ok' or the wire error code. */
  async function outcome(call: Promise<unknown>): Promise<string> {
    try {
      await call;
      return 'ok';
    } catch (e) {
      const err = e as { name: string; Code?: string; __type?: string };
      return (err.Code ?? err.name).replace(/Exception$/, '');
    }
  }
  /** The doctor and the API agree: both accept, or the doctor's error code is the API's and the named step failed. */
  function agree(report: Report, api: string, step?: string): void {
    if (step === undefined) {
      assert.equal(report.accepted, true, JSON.stringify(failed(report)));
      assert.deepEqual(failed(report), []);
      assert.equal(api, 'ok');
      return;
    }
    assert.equal(report.accepted, false);
    assert.deepEqual(failed(report).map((c) => c.id), [step], JSON.stringify(report.checks));
    assert.notEqual(api, 'ok', 'the API refuses what the doctor refuses');
    assert.equal(report.error?.code.replace(/Exception$/, ''), api);
  }

  const webToken = (claims: Record<string, unknown> = {}, at = new Date(now)) => issuer.sign(issuer.claims({ sub: 'alice', aud: 'my-app', ...claims }, at));
  const assumeWeb = (token: string, roleArn = webRole) => outcome(sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'doc', WebIdentityToken: token })));
  const samlResponse = (o: Record<string, unknown> = {}) =>
    idp.response({
      now: new Date(now),
      attributes: { [ROLE_ATTR]: [`${samlRole},${samlProviderArn}`, `${samlProviderArn},${samlBobRole}`], [SESSION_ATTR]: ['alice'] },
      ...o,
    });
  const assumeSaml = (assertion: string, roleArn = samlRole, principalArn = samlProviderArn) =>
    outcome(sts.send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn, PrincipalArn: principalArn, SAMLAssertion: assertion })));

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'tessera-doctor-targets-'));
    server = await startTestServer({ clock: () => new Date(now), captureLogs: true });
    const common = { endpoint: server.url, region: server.region, maxAttempts: 1 };
    iam = new IAMClient({ ...common, credentials: server.rootCredentials });
    sts = new STSClient({ ...common, credentials: anonymous });
    clients.push(iam, sts);
    issuer = await startIssuer();
    untrusted = await startIssuer();
    idp = await startSamlIdp();
    providerArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ['my-app'], ThumbprintList: [issuer.thumbprint] }))).OpenIDConnectProviderArn!;
    const untrustedArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: untrusted.url, ClientIDList: ['my-app'], ThumbprintList: ['0'.repeat(40)] }))).OpenIDConnectProviderArn!;
    samlProviderArn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'Corp', SAMLMetadataDocument: idp.metadataXml }))).SAMLProviderArn!;
    const host = issuer.url.replace('https://', '');
    const role = async (name: string, trust: string) => (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }))).Role!.Arn!;
    webRole = await role(
      'doctor-web',
      policy({ Sid: 'AliceOnly', Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${host}:sub`]: 'alice', [`${host}:aud`]: 'my-app' } } }),
    );
    untrustedRole = await role('doctor-untrusted', policy({ Effect: 'Allow', Principal: { Federated: untrustedArn }, Action: 'sts:AssumeRoleWithWebIdentity' }));
    samlRole = await role('doctor-saml', policy({ Sid: 'Corp', Effect: 'Allow', Principal: { Federated: samlProviderArn }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': AWS_RECIPIENT } } }));
    samlBobRole = await role('doctor-saml-bob', policy({ Sid: 'BobOnly', Effect: 'Allow', Principal: { Federated: samlProviderArn }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:sub': 'bob@corp.example' } } }));
    samlUnofferedRole = await role('doctor-saml-unoffered', policy({ Effect: 'Allow', Principal: { Federated: samlProviderArn }, Action: 'sts:AssumeRoleWithSAML' }));
  });

  after(async () => {
    for (const c of clients) c.destroy();
    await server?.close();
    await issuer?.close();
    await untrusted?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  describe('role, AssumeRoleWithWebIdentity', () => {
    it('accepts a good ID token: the provider, the trust statement that allowed it and the session', async () => {
      const token = webToken();
      const r = await explain('role', { RoleArn: webRole, Token: token });
      agree(r, await assumeWeb(token));
      const trust = r.checks.find((c) => c.id === 'trust.sts:AssumeRoleWithWebIdentity')!;
      assert.equal(trust.status, 'pass');
      assert.match(trust.detail!, /statement "AliceOnly"/);
      assert.deepEqual(r.session, { roleArn: webRole, durationSeconds: 3600, provider: providerArn, subject: 'alice' });
      assert.equal(r.checks.find((c) => c.id === 'token.tls')!.status, 'pass');
    });

    it('explains a token of an issuer with no IAM OIDC provider by iss', async () => {
      const token = issuer.sign({ ...issuer.claims({ sub: 'alice', aud: 'my-app' }, new Date(now)), iss: 'https://nobody.example.test' });
      const r = await explain('role', { RoleArn: webRole, Token: token });
      agree(r, await assumeWeb(token), 'token.issuer');
      assert.equal(failed(r)[0]!.check, 'jwt.iss');
      assert.equal(failed(r)[0]!.actual, 'https://nobody.example.test');
    });

    it("explains an audience outside the provider's ClientIDList by aud", async () => {
      const token = webToken({ aud: 'other-app' });
      const r = await explain('role', { RoleArn: webRole, Token: token });
      agree(r, await assumeWeb(token), 'token.audience');
    });

    it('explains a kid the JWKS does not hold by the key check', async () => {
      const token = issuer.sign(issuer.claims({ sub: 'alice', aud: 'my-app' }, new Date(now)), { header: { kid: 'no-such-key' } });
      const r = await explain('role', { RoleArn: webRole, Token: token });
      agree(r, await assumeWeb(token), 'token.key');
    });

    it('explains a broken signature by the signature check', async () => {
      const [h, p, s] = webToken().split('.');
      const sig = Buffer.from(s!, 'base64url');
      sig[5] = sig[5]! ^ 0xff;
      const token = [h, p, sig.toString('base64url')].join('.');
      const r = await explain('role', { RoleArn: webRole, Token: token });
      agree(r, await assumeWeb(token), 'token.signature');
    });

    it('explains an expired token by exp against the clock', async () => {
      const token = webToken({}, new Date(now - 3 * 3600_000));
      const r = await explain('role', { RoleArn: webRole, Token: token });
      agree(r, await assumeWeb(token), 'token.time');
      assert.equal(failed(r)[0]!.check, 'jwt.exp');
    });

    it('explains a provider whose TLS certificate matches none of the registered thumbprints by TLS trust', async () => {
      const token = untrusted.sign(untrusted.claims({ sub: 'alice', aud: 'my-app' }, new Date(now)));
      const r = await explain('role', { RoleArn: untrustedRole, Token: token });
      agree(r, await assumeWeb(token, untrustedRole), 'token.tls');
    });

    it('explains a trust-policy condition that does not match by the statement and its condition', async () => {
      const token = webToken({ sub: 'mallory' });
      const r = await explain('role', { RoleArn: webRole, Token: token });
      agree(r, await assumeWeb(token), 'trust.sts:AssumeRoleWithWebIdentity');
      const trust = failed(r)[0]!;
      assert.equal(trust.check, 'policy.implicit-deny');
      assert.match(trust.detail!, /"AliceOnly"/);
      assert.match(trust.detail!, /:sub/);
    });

    it('asks with the RoleSessionName given, for trust policies that test sts:RoleSessionName', async () => {
      const named = (await iam.send(new CreateRoleCommand({ RoleName: 'doctor-named', AssumeRolePolicyDocument: policy({ Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'sts:RoleSessionName': 'doc' } } }) }))).Role!.Arn!;
      const token = webToken();
      agree(await explain('role', { RoleArn: named, Token: token, RoleSessionName: 'doc' }), await assumeWeb(token, named));
      const other = await explain('role', { RoleArn: named, Token: token });
      assert.deepEqual(failed(other).map((c) => c.id), ['trust.sts:AssumeRoleWithWebIdentity']);
    });

    it('explains a role that does not exist by the role check', async () => {
      const token = webToken();
      const missing = webRole.replace('doctor-web', 'no-such-role');
      const r = await explain('role', { RoleArn: missing, Token: token });
      agree(r, await assumeWeb(token, missing), 'role.exists');
    });
  });

  describe('role, AssumeRoleWithSAML', () => {
    it('accepts a good assertion (provider told from the Role attribute), then refuses it as used once the API took it', async () => {
      const assertion = await samlResponse();
      const r = await explain('role', { RoleArn: samlRole, Token: assertion });
      agree(r, 'ok');
      assert.equal((r as unknown as { target: { principalArn: string; mode: string } }).target.principalArn, samlProviderArn);
      assert.match(r.checks.find((c) => c.id === 'trust.sts:AssumeRoleWithSAML')!.detail!, /"Corp"/);
      assert.equal(await assumeSaml(assertion), 'ok');
      const again = await explain('role', { RoleArn: samlRole, Token: assertion, Kind: 'saml' });
      agree(again, await assumeSaml(assertion), 'token.replay');
    });

    it('explains a wrong audience by the audience check', async () => {
      const assertion = await samlResponse({ audience: 'urn:somebody:else' });
      agree(await explain('role', { RoleArn: samlRole, Token: assertion }), await assumeSaml(assertion), 'token.audience');
    });

    it('explains an assertion edited after signing by the signature check', async () => {
      const assertion = encodeSaml(decodeSaml(await samlResponse()).replace('alice@corp.example', 'bob@corp.example'));
      const r = await explain('role', { RoleArn: samlRole, Token: assertion });
      agree(r, await assumeSaml(assertion), 'token.signature');
    });

    it('explains an expired assertion by its time bounds', async () => {
      const assertion = await samlResponse({ now: new Date(now - 3600_000) });
      agree(await explain('role', { RoleArn: samlRole, Token: assertion }), await assumeSaml(assertion), 'token.time');
    });

    it('explains a SAML provider ARN that IAM does not hold by the issuer check', async () => {
      const assertion = await samlResponse();
      const other = samlProviderArn.replace(/Corp$/, 'Nobody');
      const r = await explain('role', { RoleArn: samlRole, Token: assertion, PrincipalArn: other });
      agree(r, await assumeSaml(assertion, samlRole, other), 'token.issuer');
    });

    it('explains a role the assertion does not offer by the Role attribute', async () => {
      const assertion = await samlResponse();
      const r = await explain('role', { RoleArn: samlUnofferedRole, Token: assertion, PrincipalArn: samlProviderArn });
      agree(r, await assumeSaml(assertion, samlUnofferedRole), 'role.offered');
    });

    it('explains a trust-policy condition on SAML:sub by the statement that did not match', async () => {
      const assertion = await samlResponse();
      const r = await explain('role', { RoleArn: samlBobRole, Token: assertion });
      agree(r, await assumeSaml(assertion, samlBobRole), 'trust.sts:AssumeRoleWithSAML');
      assert.match(failed(r)[0]!.detail!, /"BobOnly"/);
    });
  });

  describe('user-pool client', () => {
    let admin: CognitoIdentityProviderClient;
    let idpClient: CognitoIdentityProviderClient;
    let identity: CognitoIdentityClient;
    let poolId: string;
    let clientId: string;
    let otherClientId: string;
    let otherPoolClientId: string;
    let otherPoolId: string;
    let identityPoolId: string;

    const signIn = async (client: string, username = 'carol') =>
      (await idpClient.send(new InitiateAuthCommand({ ClientId: client, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: 'Passw0rd!long' } }))).AuthenticationResult!;
    const getUser = (accessToken: string) => outcome(idpClient.send(new GetUserCommand({ AccessToken: accessToken })));
    const getId = (idToken: string) => outcome(identity.send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins: { [`cognito-idp.${server.region}.amazonaws.com/${poolId}`]: idToken } })));
    const explainUp = (token: string, client = clientId, pool = poolId) => explain('user-pool-client', { UserPoolId: pool, ClientId: client, Token: token });

    before(async () => {
      admin = new CognitoIdentityProviderClient({ endpoint: server.url, region: server.region, maxAttempts: 1, credentials: server.rootCredentials });
      idpClient = new CognitoIdentityProviderClient({ endpoint: server.url, region: server.region, maxAttempts: 1, credentials: anonymous });
      identity = new CognitoIdentityClient({ endpoint: server.url, region: server.region, maxAttempts: 1, credentials: server.rootCredentials });
      clients.push(admin, idpClient, identity);
      const makePool = async (name: string) => {
        const id = (await admin.send(new CreateUserPoolCommand({ PoolName: name }))).UserPool!.Id!;
        const client = async (n: string) => (await admin.send(new CreateUserPoolClientCommand({ UserPoolId: id, ClientName: n, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
        for (const u of ['carol', 'dave', 'erin']) {
          await admin.send(new AdminCreateUserCommand({ UserPoolId: id, Username: u, MessageAction: 'SUPPRESS' }));
          await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: id, Username: u, Password: 'Passw0rd!long', Permanent: true }));
        }
        return { id, client };
      };
      const a = await makePool('doctor-a');
      poolId = a.id;
      clientId = await a.client('web');
      otherClientId = await a.client('mobile');
      const b = await makePool('doctor-b');
      otherPoolId = b.id;
      otherPoolClientId = await b.client('web');
      identityPoolId = (
        await identity.send(
          new CreateIdentityPoolCommand({
            IdentityPoolName: 'doctor_up',
            AllowUnauthenticatedIdentities: false,
            CognitoIdentityProviders: [{ ProviderName: `cognito-idp.${server.region}.amazonaws.com/${poolId}`, ClientId: clientId, ServerSideTokenCheck: true }],
          }),
        )
      ).IdentityPoolId!;
    });

    it('accepts a good ID token and a good access token of the app client', async () => {
      const tokens = await signIn(clientId);
      const id = await explainUp(tokens.IdToken!);
      agree(id, await getId(tokens.IdToken!));
      assert.equal(id.user?.username, 'carol');
      agree(await explainUp(tokens.AccessToken!), await getUser(tokens.AccessToken!));
    });

    it("explains an ID token of another app client by aud, and an access token of another client by client_id", async () => {
      const tokens = await signIn(otherClientId);
      const id = await explainUp(tokens.IdToken!);
      agree(id, await getId(tokens.IdToken!), 'token.audience');
      assert.deepEqual({ expected: failed(id)[0]!.expected, actual: failed(id)[0]!.actual }, { expected: clientId, actual: otherClientId });
      // No API binds an access token to one app client (GetUser takes any client's): the doctor names the client_id it carries.
      const access = await explainUp(tokens.AccessToken!);
      assert.deepEqual(failed(access).map((c) => [c.id, c.check, c.expected, c.actual]), [['token.audience', 'jwt.client_id', clientId, otherClientId]]);
    });

    it("explains a token of another user pool by iss", async () => {
      const tokens = await signIn(otherPoolClientId);
      const id = await explainUp(tokens.IdToken!);
      agree(id, await getId(tokens.IdToken!), 'token.issuer');
      const access = await explainUp(tokens.AccessToken!);
      assert.deepEqual(failed(access).map((c) => [c.id, c.check]), [['token.issuer', 'idp.access.iss']]);
      assert.equal(access.error?.code, 'NotAuthorizedException');
    });

    it('explains an unknown kid, a broken signature and an expired token by their checks, as GetUser refuses them', async () => {
      const { AccessToken } = await signIn(clientId);
      const [h, p, s] = AccessToken!.split('.');
      const header = JSON.parse(Buffer.from(h!, 'base64url').toString());
      const unknownKid = [Buffer.from(JSON.stringify({ ...header, kid: 'no-such-key' })).toString('base64url'), p, s].join('.');
      agree(await explainUp(unknownKid), await getUser(unknownKid), 'token.key');
      const sig = Buffer.from(s!, 'base64url');
      sig[3] = sig[3]! ^ 0xff;
      const badSig = [h, p, sig.toString('base64url')].join('.');
      agree(await explainUp(badSig), await getUser(badSig), 'token.signature');
      const saved = now;
      now += 2 * 3600_000;
      try {
        agree(await explainUp(AccessToken!), await getUser(AccessToken!), 'token.time');
      } finally {
        now = saved;
      }
    });

    it('explains a signed-out user and a disabled user by the user state', async () => {
      const erin = await signIn(clientId, 'erin');
      await idpClient.send(new GlobalSignOutCommand({ AccessToken: erin.AccessToken! }));
      const signedOut = await explainUp(erin.AccessToken!);
      agree(signedOut, await getUser(erin.AccessToken!), 'user.state');
      assert.equal(failed(signedOut)[0]!.check, 'idp.access.revoked');
      const idOut = await explainUp(erin.IdToken!);
      agree(idOut, await getId(erin.IdToken!), 'user.state');
      assert.match(failed(idOut)[0]!.detail!, /GlobalSignOut/);
      const dave = await signIn(clientId, 'dave');
      await admin.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'dave' }));
      const disabled = await explainUp(dave.IdToken!);
      agree(disabled, await getId(dave.IdToken!), 'user.state');
      assert.match(failed(disabled)[0]!.detail!, /disabled/);
    });

    it('answers an unknown pool or app client and a malformed body with AWS-shaped 400s', async () => {
      const { IdToken } = await signIn(clientId);
      const unknownClient = await ask('user-pool-client', { UserPoolId: poolId, ClientId: 'nosuchclient', Token: IdToken });
      assert.deepEqual([unknownClient.status, unknownClient.json.__type], [400, 'ResourceNotFoundException']);
      const wrongPool = await ask('user-pool-client', { UserPoolId: otherPoolId, ClientId: clientId, Token: IdToken });
      assert.deepEqual([wrongPool.status, wrongPool.json.__type], [400, 'ResourceNotFoundException']);
      const malformed = await ask('user-pool-client', { UserPoolId: 'not a pool', ClientId: clientId, Token: IdToken });
      assert.deepEqual([malformed.status, malformed.json.__type], [400, 'ValidationException']);
      const badRole = await ask('role', { RoleArn: 'not-an-arn', Token: 'x' });
      assert.deepEqual([badRole.status, badRole.json.__type], [400, 'ValidationException']);
      const badKind = await ask('role', { RoleArn: webRole, Token: 'x', Kind: 'kerberos' });
      assert.deepEqual([badKind.status, badKind.json.__type], [400, 'ValidationException']);
      const notJson = await fetch(new URL('/_tessera/doctor/role', server.url), { method: 'POST', body: '{' });
      assert.equal(notJson.status, 403);
    });
  });

  describe('identity pool', () => {
    let identity: CognitoIdentityClient;
    let ciRole: string;

    before(async () => {
      identity = new CognitoIdentityClient({ endpoint: server.url, region: server.region, maxAttempts: 1, credentials: server.rootCredentials });
      clients.push(identity);
    });

    async function poolWithRole(name: string, extra: Record<string, unknown>, mapping?: Record<string, unknown>): Promise<string> {
      const id = (await identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: name, AllowUnauthenticatedIdentities: false, ...extra }))).IdentityPoolId!;
      ciRole ??= (
        await iam.send(
          new CreateRoleCommand({
            RoleName: 'doctor-ci',
            AssumeRolePolicyDocument: policy({ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } } }),
          }),
        )
      ).Role!.Arn!;
      await identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: id, Roles: { authenticated: webRole }, ...(mapping ? { RoleMappings: mapping as never } : {}) }));
      return id;
    }

    it('takes a SAML response as a Logins entry (key told from the pool), and agrees with GetCredentialsForIdentity', async () => {
      const poolId = await poolWithRole('doctor_saml', { SamlProviderARNs: [samlProviderArn] });
      const assertion = await samlResponse({ attributes: { [ROLE_ATTR]: [`${ciRole},${samlProviderArn}`], [SESSION_ATTR]: ['alice'] } });
      const r = await explain('identity-pool', { IdentityPoolId: poolId, Token: assertion });
      assert.equal(r.loginsKey, samlProviderArn);
      const mapping = r.checks.find((c) => c.id === 'role.mapping')!;
      assert.deepEqual([mapping.status, mapping.check, mapping.actual], ['pass', 'role.saml', ciRole]);
      const logins = { [samlProviderArn]: assertion };
      const api = await outcome(
        identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins })).then((got) => identity.send(new GetCredentialsForIdentityCommand({ IdentityId: got.IdentityId!, Logins: logins }))),
      );
      agree(r, api);
      assert.match(r.checks.find((c) => c.id === 'token.replay')!.detail!, /not used yet/);
      const after = await explain('identity-pool', { IdentityPoolId: poolId, Token: assertion });
      assert.equal(after.accepted, true);
      assert.match(after.checks.find((c) => c.id === 'token.replay')!.detail!, /already used/);
    });

    it('names the role-mapping rule that matched', async () => {
      const host = issuer.url.replace('https://', '');
      const poolId = await poolWithRole('doctor_rules', { OpenIdConnectProviderARNs: [providerArn] }, {
        [host]: { Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: [{ Claim: 'sub', MatchType: 'Equals', Value: 'bob', RoleARN: webRole }, { Claim: 'sub', MatchType: 'Equals', Value: 'alice', RoleARN: ciRole }] } },
      });
      const r = await explain('identity-pool', { IdentityPoolId: poolId, Token: webToken() });
      const mapping = r.checks.find((c) => c.id === 'role.mapping')!;
      assert.deepEqual([mapping.status, mapping.check, mapping.actual], ['pass', 'role.rules.match', ciRole]);
      assert.match(mapping.detail!, /rule 2/);
      assert.deepEqual(r.role, { arn: ciRole, source: 'rules' });
      const noMatch = await explain('identity-pool', { IdentityPoolId: poolId, Token: webToken({ sub: 'mallory' }) });
      assert.deepEqual(failed(noMatch).map((c) => c.id), ['role.mapping']);
    });
  });

  describe('log lines of refused calls', () => {
    it('carry check, expected, actual and the target, never the token (web identity, SAML, GetUser)', async () => {
      const token = webToken({ aud: 'other-app' });
      await assumeWeb(token);
      const web = server.logs.filter((l) => l.operation === 'AssumeRoleWithWebIdentity' && l.outcome === 'InvalidIdentityToken').at(-1)!;
      const reason = web.reason as { check: string; expected: unknown; actual: unknown; target: Record<string, unknown> };
      assert.match(reason.check, /^(jwt\.aud|provider\.audience)$/);
      assert.ok(reason.expected !== undefined && reason.actual !== undefined, JSON.stringify(reason));
      assert.equal(reason.target.RoleArn, webRole);
      assert.ok(!JSON.stringify(web).includes(token.split('.')[1]!), 'the token is not logged');

      const assertion = await samlResponse({ audience: 'urn:somebody:else' });
      await assumeSaml(assertion);
      const saml = server.logs.filter((l) => l.operation === 'AssumeRoleWithSAML' && l.outcome === 'InvalidIdentityToken').at(-1)!;
      const samlReason = saml.reason as { check: string; target: Record<string, unknown> };
      assert.equal(samlReason.check, 'saml.audience');
      assert.deepEqual(samlReason.target, { RoleArn: samlRole, PrincipalArn: samlProviderArn });
      assert.ok(!JSON.stringify(saml).includes(assertion.slice(0, 60)), 'the assertion is not logged');

      const idpClient = new CognitoIdentityProviderClient({ endpoint: server.url, region: server.region, maxAttempts: 1, credentials: anonymous });
      clients.push(idpClient);
      const forged = webToken();
      await outcome(idpClient.send(new GetUserCommand({ AccessToken: forged })));
      const getUser = server.logs.filter((l) => l.operation === 'GetUser' && l.outcome === 'NotAuthorizedException').at(-1)!;
      const upReason = getUser.reason as { check: string; expected: unknown; actual: unknown; target: Record<string, unknown> };
      assert.equal(upReason.check, 'idp.access.iss');
      assert.equal(upReason.actual, issuer.url);
      assert.deepEqual(upReason.target, { issuer: issuer.url });
      assert.ok(!JSON.stringify(getUser).includes(forged.split('.')[2]!), 'the token is not logged');
    });

    it('carry them for GetId and GetOpenIdToken too, with the pool or identity and the Logins keys as the target', async () => {
      const ci = new CognitoIdentityClient({ endpoint: server.url, region: server.region, maxAttempts: 1, credentials: server.rootCredentials });
      clients.push(ci);
      const host = issuer.url.replace('https://', '');
      const poolId = (await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'doctor_logs', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [providerArn] }))).IdentityPoolId!;
      const wrongAud = webToken({ aud: 'other-app' });
      await outcome(ci.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [host]: wrongAud } })));
      const getId = server.logs.filter((l) => l.operation === 'GetId' && l.outcome === 'NotAuthorizedException').at(-1)!;
      const idReason = getId.reason as { check: string; actual: unknown; target: Record<string, unknown> };
      assert.match(idReason.check, /^(jwt\.aud|provider\.audience)$/);
      assert.deepEqual(idReason.target, { IdentityPoolId: poolId, Logins: [host] });
      assert.ok(!JSON.stringify(getId).includes(wrongAud.split('.')[1]!), 'the token is not logged');

      const { IdentityId } = await ci.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [host]: webToken() } }));
      const expired = webToken({}, new Date(now - 3 * 3600_000));
      await outcome(ci.send(new GetOpenIdTokenCommand({ IdentityId: IdentityId!, Logins: { [host]: expired } })));
      const openId = server.logs.filter((l) => l.operation === 'GetOpenIdToken' && l.outcome === 'NotAuthorizedException').at(-1)!;
      const openIdReason = openId.reason as { check: string; expected: unknown; actual: unknown; target: Record<string, unknown> };
      assert.equal(openIdReason.check, 'jwt.exp');
      assert.ok(openIdReason.expected !== undefined && openIdReason.actual !== undefined);
      assert.deepEqual(openIdReason.target, { IdentityId, Logins: [host] });
      assert.ok(!JSON.stringify(openId).includes(expired.split('.')[1]!), 'the token is not logged');
    });
  });

  describe('tessera doctor', () => {
    it('exits 0 for an accepted token, 1 for a refused one and 2 for a usage error, for roles and user-pool clients', async () => {
      const bin = join(repoRoot, 'bin', 'tessera.mjs');
      const env = { ...process.env, AWS_ACCESS_KEY_ID: server.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: server.rootCredentials.secretAccessKey, AWS_SESSION_TOKEN: '', AWS_REGION: 'us-east-1' };
      const good = join(scratch, 'good.jwt');
      writeFileSync(good, webToken());
      const ok = await run(process.execPath, [bin, 'doctor', '--role-arn', webRole, '--token', good, '--endpoint', server.url], { env });
      assert.match(ok.stdout, /ACCEPTED: a session of arn:aws:iam::\d{12}:role\/doctor-web for 3600 seconds/);
      const saml = join(scratch, 'saml.txt');
      writeFileSync(saml, await samlResponse({ audience: 'urn:somebody:else' }));
      await assert.rejects(
        run(process.execPath, [bin, 'doctor', '--role-arn', samlRole, '--saml', '--token', saml, '--endpoint', server.url], { env }),
        (e: { code: number; stdout: string }) => e.code === 1 && /FAIL {2}Audience/.test(e.stdout) && /REFUSED: InvalidIdentityToken/.test(e.stdout),
      );
      await assert.rejects(
        run(process.execPath, [bin, 'doctor', '--user-pool-client', 'us-east-1_Nope:client', '--token', good, '--endpoint', server.url], { env }),
        (e: { code: number; stderr: string }) => e.code === 2 && /ResourceNotFoundException/.test(e.stderr),
      );
      await assert.rejects(
        run(process.execPath, [bin, 'doctor', '--role-arn', webRole, '--identity-pool', 'us-east-1:0000', '--token', good], { env }),
        (e: { code: number; stderr: string }) => e.code === 2 && /exactly one target/.test(e.stderr),
      );
      await assert.rejects(run(process.execPath, [bin, 'doctor', '--user-pool-client', 'nocolon', '--token', good], { env }), (e: { code: number }) => e.code === 2);
      await assert.rejects(run(process.execPath, [bin, 'doctor', '--identity-pool', 'us-east-1:0000', '--saml', '--token', good], { env }), (e: { code: number }) => e.code === 2);
    });
  });
});
