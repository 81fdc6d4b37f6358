/**
 * The demo's run traces (src/demo/trace.ts) against a real `--demo` Tessera, driven by the
 * official AWS SDK clients with a middleware adding `x-tessera-trace`, as the demo page does:
 * each call the server handled is recorded with its operation, masked request and response,
 * status and, for a refusal, its reason; tokens are shown decoded and never whole; secrets never
 * appear in the trace nor in the log; the outbound discovery/JWKS fetch of an OIDC login is
 * recorded; the demo backend's own calls and the data step's gateway calls are steps with the
 * gateway's deciding statement; requests without the header are not recorded; the bounds hold.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DescribeIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetIdentityPoolRolesCommand,
  SetIdentityPoolRolesCommand,
  UpdateIdentityPoolCommand,
} from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateOpenIDConnectProviderCommand, DeleteRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import type { BuildMiddleware } from '@smithy/types';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { startIssuer, type TestIssuer } from '../../helpers/issuer.js';

interface Step {
  seq: number;
  kind: string;
  name: string;
  ok: boolean;
  status?: number;
  ms?: number;
  service?: string;
  operation?: string;
  request?: any;
  response?: any;
  error?: { code: string; message?: string; reason?: { check: string; expected?: unknown; actual?: unknown; detail?: string } };
  decision?: any;
  calls: Array<{ method: string; url: string; status?: number; error?: string }>;
}
interface Run { id: string; steps: Step[]; dropped: number }

const newRun = () => randomBytes(16).toString('hex');

describe('demo run traces', () => {
  let server: TestServer;
  let offsetMs = 0;
  let demo: { gatewayUrl: string | null; identityPoolId: string; clientId: string; username: string; password: string; userPoolProviderName: string; basicFlow: { allowClassicFlow: boolean; roleMappings: string[]; available: boolean } };
  let runId = '';
  const anonymous = { accessKeyId: 'unused', secretAccessKey: 'unused' };
  const withRun = <T extends { middlewareStack: { add: (m: BuildMiddleware<any, any>, o: { step: 'build'; name: string }) => void } }>(client: T): T => {
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (runId && request.headers) request.headers['x-tessera-trace'] = runId;
        return next(args);
      },
      { step: 'build', name: 'tesseraTraceHeader' },
    );
    return client;
  };
  let identity: CognitoIdentityClient;
  const trace = async (id: string): Promise<Run> => {
    const res = await fetch(`${server.url}/_tessera/demo/runs/${id}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    return (await res.json()) as Run;
  };
  const logText = () => JSON.stringify(server.logs);

  before(async () => {
    server = await startTestServer({ demo: true, captureLogs: true, clock: () => new Date(Date.now() + offsetMs) });
    demo = (await (await fetch(`${server.url}/_tessera/demo`)).json()) as typeof demo;
    identity = withRun(new CognitoIdentityClient({ endpoint: server.url, region: server.region, credentials: anonymous, maxAttempts: 1 }));
  });
  after(async () => {
    await server?.close();
  });

  it('records a guest run: GetId and GetCredentialsForIdentity with their operations, statuses and masked credentials, and the secret key appears nowhere', async () => {
    runId = newRun();
    const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId }));
    const got = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId }));
    const secret = got.Credentials!.SecretKey!;
    const sessionToken = got.Credentials!.SessionToken!;
    const run = await trace(runId);
    assert.deepEqual(run.steps.map((s) => [s.kind, s.service, s.name, s.status, s.ok]), [
      ['aws', 'cognito-identity', 'GetId', 200, true],
      ['aws', 'cognito-identity', 'GetCredentialsForIdentity', 200, true],
    ]);
    assert.deepEqual(run.steps[0]!.request, { IdentityPoolId: demo.identityPoolId });
    assert.equal(run.steps[0]!.response.IdentityId, IdentityId);
    const creds = run.steps[1]!.response.Credentials;
    assert.equal(creds.AccessKeyId, got.Credentials!.AccessKeyId);
    assert.equal(creds.SecretKey, `****** (${secret.length} chars)`);
    assert.match(creds.SessionToken, /^.{6}….{4} \(\d+ chars\)$/);
    assert.ok(run.steps.every((s) => typeof s.ms === 'number'));
    const text = JSON.stringify(run);
    assert.ok(!text.includes(secret) && !text.includes(sessionToken), 'no secret key or session token in the trace');
    assert.ok(!logText().includes(secret) && !logText().includes(sessionToken), 'no secret key or session token in the log');
  });

  it('records a refused GetId with its code, message and reason (check, expected, actual), and shows the token masked and decoded', async () => {
    const idp = withRun(new CognitoIdentityProviderClient({ endpoint: server.url, region: server.region, credentials: anonymous }));
    runId = newRun();
    const auth = await idp.send(new InitiateAuthCommand({ ClientId: demo.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: demo.username, PASSWORD: demo.password } }));
    const good = auth.AuthenticationResult!.IdToken!;
    const [h, p, s] = good.split('.') as [string, string, string];
    const sig = Buffer.from(s, 'base64url');
    sig[3] = sig[3]! ^ 0xff;
    const forged = [h, p, sig.toString('base64url')].join('.');
    await assert.rejects(identity.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId, Logins: { [demo.userPoolProviderName]: forged } })), /NotAuthorized/);
    const run = await trace(runId);
    assert.deepEqual(run.steps.map((x) => [x.name, x.ok]), [['InitiateAuth', true], ['GetId', false]]);
    const [signIn, refused] = run.steps as [Step, Step];
    // The password and the tokens: masked; the ID token decoded beside its mask.
    assert.equal(signIn.request.AuthParameters.PASSWORD, `****** (${demo.password.length} chars)`);
    const idToken = signIn.response.AuthenticationResult.IdToken;
    assert.equal(idToken.jwt.claims.token_use, 'id');
    assert.equal(idToken.jwt.claims['cognito:username'], demo.username);
    assert.equal(idToken.jwt.header.alg, 'RS256');
    assert.match(idToken.masked, /^eyJ.{3}….{4} \(\d+ chars\)$/);
    assert.equal(refused.status, 400);
    assert.equal(refused.error!.code, 'NotAuthorizedException');
    assert.match(refused.error!.message ?? '', /Invalid login token/);
    assert.equal(refused.error!.reason!.check, 'jwt.signature');
    assert.equal(refused.error!.reason!.expected, 'a valid signature');
    assert.equal(refused.error!.reason!.actual, 'signature verification failed');
    assert.equal(refused.request.Logins[demo.userPoolProviderName].jwt.claims.token_use, 'id');
    const text = JSON.stringify(run);
    for (const secret of [good, forged, auth.AuthenticationResult!.AccessToken!, auth.AuthenticationResult!.RefreshToken!, demo.password, s]) {
      assert.ok(!text.includes(secret), 'no token or password in the trace');
      assert.ok(!logText().includes(secret), 'no token or password in the log');
    }
  });

  it('records the outbound discovery and JWKS fetch of an OIDC login, with statuses', async () => {
    let issuer: TestIssuer | undefined;
    try {
      issuer = await startIssuer();
      const iam = new IAMClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials });
      const admin = new CognitoIdentityClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials });
      const provider = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ['trace-app'], ThumbprintList: [issuer.thumbprint] }));
      const pool = await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'trace_oidc', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [provider.OpenIDConnectProviderArn!] }));
      runId = newRun();
      const token = issuer.sign(issuer.claims({ sub: 'traced-user', aud: 'trace-app' }));
      await identity.send(new GetIdCommand({ IdentityPoolId: pool.IdentityPoolId!, Logins: { [issuer.url.slice('https://'.length)]: token } }));
      const run = await trace(runId);
      assert.equal(run.steps.length, 1);
      const calls = run.steps[0]!.calls;
      assert.deepEqual(calls.map((c) => [c.method, c.url, c.status]), [
        ['GET', `${issuer.url}/.well-known/openid-configuration`, 200],
        ['GET', issuer.jwksUri, 200],
      ]);
      assert.equal(run.steps[0]!.request.Logins[issuer.url.slice('https://'.length)].jwt.claims.sub, 'traced-user');
      // The keys are cached now: a second login makes no outbound call, and the trace shows none.
      runId = newRun();
      await identity.send(new GetIdCommand({ IdentityPoolId: pool.IdentityPoolId!, Logins: { [issuer.url.slice('https://'.length)]: issuer.sign(issuer.claims({ sub: 'traced-user', aud: 'trace-app' })) } }));
      assert.deepEqual((await trace(runId)).steps[0]!.calls, []);
    } finally {
      await issuer?.close();
    }
  });

  it('records the demo backend: the developer token call as the account root, and the data step with each gateway call and its deciding statement', async () => {
    runId = newRun();
    const headers = { 'content-type': 'application/json', 'x-tessera-trace': runId };
    const dev = await fetch(`${server.url}/_tessera/demo/developer-token`, { method: 'POST', headers, body: JSON.stringify({ userIdentifier: 'alice' }) });
    assert.equal(dev.status, 200);
    const { Token } = (await dev.json()) as { Token: string };
    const guestId = (await identity.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId }))).IdentityId;
    const creds = (await identity.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId }))).Credentials!;
    const data = await fetch(`${server.url}/_tessera/demo/data-step`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretKey, sessionToken: creds.SessionToken }),
    });
    assert.equal(data.status, 200);
    const { calls } = (await data.json()) as { calls: Array<{ call: string; status: number; outcome: string; decidedBy?: string; decision?: { decision: string; policy?: string; statement?: string } }> };
    assert.deepEqual(calls.map((c) => [c.status, c.outcome, c.decision?.decision]), [
      [200, 'OK', 'Allow'],
      [400, 'AccessDeniedException', 'ImplicitDeny'],
      [403, 'AccessDenied', 'ImplicitDeny'],
    ]);
    assert.match(calls[0]!.decidedBy!, /^Allowed: statement "ListPublicPrefix" of identity policy demo-data allows s3:ListBucket/);
    assert.match(calls[2]!.decidedBy!, /^Denied \(no Allow applies\): no statement allows s3:PutObject on arn:aws:s3:::tessera-demo\/public\/from-the-demo.txt; no statement of identity policy demo-data, session policy inline session policy matches s3:PutObject$/);

    const run = await trace(runId);
    assert.deepEqual(run.steps.map((s) => [s.kind, s.name, s.status]), [
      ['http', 'POST /_tessera/demo/developer-token', 200],
      ['backend', 'GetOpenIdTokenForDeveloperIdentity (the demo backend, as the account root)', undefined],
      ['aws', 'GetId', 200],
      ['aws', 'GetCredentialsForIdentity', 200],
      ['http', 'POST /_tessera/demo/data-step', 200],
      ['gateway', 'gateway s3 ListObjectsV2', 200],
      ['gateway', 'gateway dynamodb Scan', 400],
      ['gateway', 'gateway s3 PutObject', 403],
    ]);
    const backend = run.steps[1]!;
    assert.equal(backend.ok, true);
    assert.deepEqual(backend.request.Logins, { 'login.tessera.demo': '****** (5 chars)' }, 'every Logins value is masked, a developer user identifier too');
    assert.equal(backend.response.Token.jwt.claims.aud, demo.identityPoolId);
    assert.equal(run.steps[0]!.response.Token.jwt.claims.sub, backend.response.IdentityId);
    const dataStep = run.steps[4]!;
    assert.equal(dataStep.request.secretAccessKey, `****** (${creds.SecretKey!.length} chars)`);
    // The backend's own calls to the gateway, seen from Tessera's side as outbound calls of the step.
    assert.deepEqual(dataStep.calls.map((c) => [c.method, c.url.startsWith(demo.gatewayUrl!), c.status]), [['GET', true, 200], ['POST', true, 400], ['PUT', true, 403]]);
    const put = run.steps[7]!;
    assert.equal(put.ok, false);
    assert.equal(put.error!.code, 'AccessDenied');
    assert.equal(put.error!.reason!.check, 'policy.implicit-deny');
    assert.equal(put.decision.decision, 'ImplicitDeny');
    assert.equal(put.decision.action, 's3:PutObject');
    const text = JSON.stringify(run);
    for (const secret of [Token, creds.SecretKey!, creds.SessionToken!]) {
      assert.ok(!text.includes(secret), 'no token or secret in the trace');
      assert.ok(!logText().includes(secret), 'no token or secret in the log');
    }
  });

  it('names the explicit Deny statement that refused a data-step call', async () => {
    const iam = new IAMClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials });
    const deny = { Version: '2012-10-17', Statement: [{ Sid: 'NoListing', Effect: 'Deny', Action: 's3:ListBucket', Resource: '*' }] };
    await iam.send(new PutRolePolicyCommand({ RoleName: 'tessera-demo-guest', PolicyName: 'trace-deny', PolicyDocument: JSON.stringify(deny) }));
    try {
      runId = newRun();
      const guestId = (await identity.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId }))).IdentityId;
      const creds = (await identity.send(new GetCredentialsForIdentityCommand({ IdentityId: guestId }))).Credentials!;
      const data = await fetch(`${server.url}/_tessera/demo/data-step`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tessera-trace': runId },
        body: JSON.stringify({ accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretKey, sessionToken: creds.SessionToken }),
      });
      const { calls } = (await data.json()) as { calls: Array<{ status: number; decidedBy?: string; decision?: { decision: string; policy?: string; statement?: string } }> };
      assert.equal(calls[0]!.status, 403);
      assert.deepEqual(calls[0]!.decision && [calls[0]!.decision.decision, calls[0]!.decision.policy, calls[0]!.decision.statement], ['ExplicitDeny', 'identity:trace-deny', 'NoListing']);
      assert.equal(calls[0]!.decidedBy, 'Denied by an explicit Deny: statement "NoListing" of identity policy trace-deny denies s3:ListBucket on arn:aws:s3:::tessera-demo');
      const list = (await trace(runId)).steps.find((s) => s.name === 'gateway s3 ListObjectsV2')!;
      assert.equal(list.decision.statement, 'NoListing');
      assert.equal(list.error!.reason!.check, 'policy.explicit-deny');
    } finally {
      await iam.send(new DeleteRolePolicyCommand({ RoleName: 'tessera-demo-guest', PolicyName: 'trace-deny' }));
    }
  });

  it('records nothing for requests without a well-formed run id, and answers 404 for an unknown run', async () => {
    const before = server.tessera.trace!.stats();
    runId = newRun();
    await identity.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId }));
    runId = '';
    await identity.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId }));
    await fetch(`${server.url}/health`, { headers: { 'x-tessera-trace': 'not-a-run-id' } });
    await fetch(`${server.url}/health`, { headers: { 'x-tessera-trace': 'A'.repeat(32) } });
    assert.equal(server.tessera.trace!.stats().steps, before.steps + 1, 'only the call made while runId was still set');
    for (const id of [newRun(), 'nope', '../../health']) {
      const res = await fetch(`${server.url}/_tessera/demo/runs/${id}`);
      assert.equal(res.status, 404, id);
    }
  });

  it('tells the page whether the basic flow is available: not with role mappings, not with AllowClassicFlow off', async () => {
    assert.deepEqual(demo.basicFlow, { allowClassicFlow: true, roleMappings: [], available: true });
    const admin = new CognitoIdentityClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials });
    const roles = await admin.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: demo.identityPoolId }));
    await admin.send(new SetIdentityPoolRolesCommand({
      IdentityPoolId: demo.identityPoolId,
      Roles: roles.Roles,
      RoleMappings: { [demo.userPoolProviderName]: { Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' } },
    }));
    const now = (await (await fetch(`${server.url}/_tessera/demo`)).json()) as typeof demo;
    // GetOpenIdToken refuses a pool with role mappings: the basic flow is unavailable, and the page is told why.
    assert.deepEqual(now.basicFlow, { allowClassicFlow: true, roleMappings: [demo.userPoolProviderName], available: false });
    await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: demo.identityPoolId, Roles: roles.Roles }));
    const { $metadata: _m, ...pool } = await admin.send(new DescribeIdentityPoolCommand({ IdentityPoolId: demo.identityPoolId }));
    await admin.send(new UpdateIdentityPoolCommand({ ...pool, AllowClassicFlow: false }));
    const off = (await (await fetch(`${server.url}/_tessera/demo`)).json()) as typeof demo;
    assert.deepEqual(off.basicFlow, { allowClassicFlow: false, roleMappings: [], available: false });
    await admin.send(new UpdateIdentityPoolCommand({ ...pool, AllowClassicFlow: true }));
  });
  it('keeps at most 100 steps per run and 200 runs, and forgets runs 30 minutes after they started', async () => {
    const id = newRun();
    for (let i = 0; i < 103; i++) await fetch(`${server.url}/health`, { headers: { 'x-tessera-trace': id } });
    const full = await trace(id);
    assert.equal(full.steps.length, 100);
    assert.equal(full.dropped, 3);
    assert.deepEqual(new Set(full.steps.map((s) => s.name)), new Set(['GET /health']));
    for (let i = 0; i < 205; i++) await fetch(`${server.url}/health`, { headers: { 'x-tessera-trace': newRun() } });
    assert.equal(server.tessera.trace!.stats().runs, 200);
    assert.equal((await fetch(`${server.url}/_tessera/demo/runs/${id}`)).status, 404, 'the oldest runs went first');
    const recent = newRun();
    await fetch(`${server.url}/health`, { headers: { 'x-tessera-trace': recent } });
    offsetMs += 29 * 60_000;
    assert.equal((await fetch(`${server.url}/_tessera/demo/runs/${recent}`)).status, 200);
    offsetMs += 2 * 60_000;
    assert.equal((await fetch(`${server.url}/_tessera/demo/runs/${recent}`)).status, 404);
    assert.deepEqual(server.tessera.trace!.stats().runs, 0);
  });

});
