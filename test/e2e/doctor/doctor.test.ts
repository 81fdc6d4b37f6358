/**
 * The token doctor: the admin API (`POST /_tessera/doctor/identity-pool`, SigV4 for `tessera`) and
 * `tessera doctor`, on the demo tenant. A good user-pool ID token is accepted with the role and
 * the trust statement that decide; bad ones are each explained by the check that refuses them,
 * and GetCredentialsForIdentity refuses the same tokens.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CognitoIdentityClient, CreateIdentityPoolCommand, GetIdCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { signRequest } from '../../../src/sigv4/index.js';
import type { DoctorReport } from '../../../src/services/cognito-identity/index.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { repoRoot } from '../../helpers/paths.js';

const run = promisify(execFile);

interface Demo {
  identityPoolId: string;
  clientId: string;
  username: string;
  password: string;
  userPoolProviderName: string;
  roles: { authenticated: { arn: string }; guest: { arn: string } };
}

describe('the token doctor', () => {
  let server: TestServer;
  let demo: Demo;
  let idToken: string;
  let now = Date.now();
  let scratch: string;
  const anonymous = { accessKeyId: 'unused', secretAccessKey: 'unused' };

  async function ask(body: Record<string, unknown>, credentials = server.rootCredentials): Promise<{ status: number; json: any }> {
    const url = new URL('/_tessera/doctor/identity-pool', server.url);
    const text = JSON.stringify(body);
    const headers = signRequest({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: text, service: 'tessera', region: 'us-east-1', credentials, now: new Date(now) });
    delete headers.host;
    const res = await fetch(url, { method: 'POST', headers, body: text });
    return { status: res.status, json: await res.json() };
  }

  async function explain(token: string, extra: Record<string, unknown> = {}): Promise<DoctorReport> {
    const { status, json } = await ask({ IdentityPoolId: demo.identityPoolId, Token: token, ...extra });
    assert.equal(status, 200, JSON.stringify(json));
    return json as DoctorReport;
  }

  const failed = (r: DoctorReport) => r.checks.filter((c) => c.status === 'fail');

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'tessera-doctor-'));
    server = await startTestServer({ demo: true, clock: () => new Date(now) });
    demo = (await (await fetch(`${server.url}/_tessera/demo`)).json()) as Demo;
    const idp = new CognitoIdentityProviderClient({ endpoint: server.url, region: server.region, credentials: anonymous });
    const auth = await idp.send(new InitiateAuthCommand({ ClientId: demo.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: demo.username, PASSWORD: demo.password } }));
    idToken = auth.AuthenticationResult!.IdToken!;
  });
  after(async () => {
    await server?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('accepts a good user-pool ID token and names the role, its source and the trust statement that allowed it', async () => {
    const r = await explain(idToken);
    assert.equal(r.accepted, true, JSON.stringify(r.checks));
    assert.equal(r.loginsKey, demo.userPoolProviderName);
    assert.equal(r.providerKind, 'user-pool');
    assert.deepEqual(r.role, { arn: demo.roles.authenticated.arn, source: 'authenticated-default' });
    assert.deepEqual(failed(r), []);
    const trust = r.checks.find((c) => c.id === 'trust.sts:AssumeRoleWithWebIdentity')!;
    assert.equal(trust.status, 'pass');
    assert.deepEqual(trust.actual, [{ statement: '#0', effect: 'Allow' }]);
  });

  it('explains a token that is not a JWT by its format', async () => {
    const r = await explain('not-a-token', { LoginsKey: demo.userPoolProviderName });
    assert.equal(r.accepted, false);
    assert.deepEqual(failed(r).map((c) => c.id), ['token.format']);
    assert.equal(r.error?.code, 'NotAuthorizedException');
  });

  it('explains a token from an issuer the pool does not trust by its iss', async () => {
    const [h, p, s] = idToken.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = [h, Buffer.from(JSON.stringify({ ...claims, iss: 'https://idp.elsewhere.test' })).toString('base64url'), s].join('.');
    const r = await explain(forged);
    assert.deepEqual(failed(r).map((c) => c.id), ['token.issuer']);
    assert.equal(r.loginsKey, 'idp.elsewhere.test');
  });

  it('explains a token whose kid is not in the JWKS by the key check', async () => {
    const [h, p, s] = idToken.split('.');
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString());
    const r = await explain([Buffer.from(JSON.stringify({ ...header, kid: 'no-such-key' })).toString('base64url'), p, s].join('.'));
    assert.deepEqual(failed(r).map((c) => c.id), ['token.key']);
    assert.equal(failed(r)[0]!.check, 'jwt.kid');
  });

  it('explains a token with a broken signature by the signature check', async () => {
    const [h, p, s] = idToken.split('.');
    const sig = Buffer.from(s!, 'base64url');
    sig[10] = sig[10]! ^ 0xff;
    const r = await explain([h, p, sig.toString('base64url')].join('.'));
    assert.deepEqual(failed(r).map((c) => c.id), ['token.signature']);
  });

  it('explains a token of another app client by its audience', async () => {
    const [h, p, s] = idToken.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const r = await explain([h, Buffer.from(JSON.stringify({ ...claims, aud: 'another-client' })).toString('base64url'), s].join('.'));
    assert.equal(r.accepted, false);
    // The audience is checked before the signature would catch the edit.
    assert.deepEqual(failed(r).map((c) => c.id), ['token.audience'], JSON.stringify(r.checks));
  });

  it('explains an expired token by exp against the clock, and GetId refuses it too', async () => {
    const saved = now;
    now += 2 * 3600 * 1000;
    try {
      const r = await explain(idToken);
      assert.deepEqual(failed(r).map((c) => c.id), ['token.time']);
      assert.equal(failed(r)[0]!.check, 'jwt.exp');
      const identity = new CognitoIdentityClient({ endpoint: server.url, region: server.region, credentials: anonymous });
      await assert.rejects(identity.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId, Logins: { [demo.userPoolProviderName]: idToken } })), { name: 'NotAuthorizedException' });
    } finally {
      now = saved;
    }
  });

  it('explains a role whose trust policy names another pool by the trust statement and its condition', async () => {
    const root = new CognitoIdentityClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials });
    const other = await root.send(
      new CreateIdentityPoolCommand({
        IdentityPoolName: 'borrowed_roles',
        AllowUnauthenticatedIdentities: false,
        CognitoIdentityProviders: [{ ProviderName: demo.userPoolProviderName, ClientId: demo.clientId }],
      }),
    );
    await root.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: other.IdentityPoolId, Roles: { authenticated: demo.roles.authenticated.arn } }));
    const { status, json } = await ask({ IdentityPoolId: other.IdentityPoolId, Token: idToken });
    assert.equal(status, 200);
    const r = json as DoctorReport;
    assert.equal(r.accepted, false);
    const trust = failed(r);
    assert.deepEqual(trust.map((c) => c.id), ['trust.sts:AssumeRoleWithWebIdentity']);
    assert.equal(r.error?.code, 'InvalidIdentityPoolConfigurationException');
  });

  it('refuses unsigned requests, other signing services and unknown pools with AWS-shaped 4xx answers', async () => {
    const unsigned = await fetch(`${server.url}/_tessera/doctor/identity-pool`, { method: 'POST', body: '{}' });
    assert.equal(unsigned.status, 403);
    assert.equal(((await unsigned.json()) as { __type: string }).__type, 'MissingAuthenticationToken');
    const notJson = await ask({});
    assert.equal(notJson.status, 400);
    assert.equal(notJson.json.__type, 'ValidationException');
    const unknown = await ask({ IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000', Token: idToken });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.__type, 'ResourceNotFoundException');
    const wrongKey = await ask({ IdentityPoolId: demo.identityPoolId, Token: idToken }, { accessKeyId: 'AKIANOSUCHKEY0000001', secretAccessKey: 'x'.repeat(40) });
    assert.equal(wrongKey.status, 403);
  });

  it('tessera doctor exits 0 for an accepted token, 1 for a refused one and 2 on usage errors', async () => {
    const bin = join(repoRoot, 'bin', 'tessera.mjs');
    const env = { ...process.env, AWS_ACCESS_KEY_ID: server.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: server.rootCredentials.secretAccessKey, AWS_SESSION_TOKEN: '', AWS_REGION: 'us-east-1' };
    const good = join(scratch, 'good.jwt');
    writeFileSync(good, idToken);
    const ok = await run(process.execPath, [bin, 'doctor', '--identity-pool', demo.identityPoolId, '--token', good, '--endpoint', server.url], { env });
    assert.match(ok.stdout, /ACCEPTED: credentials for arn:aws:iam::000000000000:role\/tessera-demo-authenticated/);
    const bad = join(scratch, 'bad.jwt');
    writeFileSync(bad, 'garbage');
    await assert.rejects(
      run(process.execPath, [bin, 'doctor', '--identity-pool', demo.identityPoolId, '--token', bad, '--endpoint', server.url, '--login-key', demo.userPoolProviderName], { env }),
      (e: { code: number; stdout: string }) => e.code === 1 && /FAIL {2}Token format/.test(e.stdout) && /REFUSED/.test(e.stdout),
    );
    await assert.rejects(run(process.execPath, [bin, 'doctor', '--token', good], { env }), (e: { code: number }) => e.code === 2);
    await assert.rejects(
      run(process.execPath, [bin, 'doctor', '--identity-pool', demo.identityPoolId, '--token', good, '--endpoint', server.url], { env: { ...env, AWS_ACCESS_KEY_ID: '' } }),
      (e: { code: number; stderr: string }) => e.code === 2 && /AWS_ACCESS_KEY_ID/.test(e.stderr),
    );
  });
});
