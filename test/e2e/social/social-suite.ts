/**
 * Social identity providers end to end (issue 24), run by social.test.ts in a child process whose
 * NODE_EXTRA_CA_CERTS names the test CA (Node reads it only at start). Tessera is the real
 * composition root, its --provider-endpoint overrides pointing at the HTTPS stand-ins of
 * stand-ins.ts; the clients are the official AWS SDK v3 ones (Cognito Identity, STS, IAM).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DescribeIdentityCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenCommand,
  SetIdentityPoolRolesCommand,
  SetPrincipalTagAttributeMapCommand,
} from '@aws-sdk/client-cognito-identity';
import { CreateRoleCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { makeTestCertificates, LOOPBACK_NAMES } from '../../helpers/tls.js';
import { freeLoopbackPort, startTestServer, type TestServer } from '../../helpers/server.js';
import { readTls } from '../oauth2/harness/tls.js';
import { startSocialStandIns, type SocialStandIns } from './stand-ins.js';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../helpers/paths.js';
import { signRequest } from '../../../src/sigv4/index.js';

const GOOGLE_CLIENT = '1234567890-web.apps.googleusercontent.com';
const GOOGLE_ANDROID_CLIENT = '1234567890-android.apps.googleusercontent.com';
const APPLE_SERVICE = 'com.example.tessera.web';
const FB_APP = '111122223333';
const AMAZON_APP = 'amzn1.application.0123456789abcdef0123456789abcdef';
const TWITTER_KEY = 'twConsumerKey';
const TWITTER_SECRET = 'twConsumerSecret';

/** Asserts an SDK error by name; never a 5xx. */
function awsError(name: string) {
  return (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
    if (e.name !== name) throw new Error(`expected ${name}, got ${e.name}: ${e.message}`);
    if ((e.$metadata?.httpStatusCode ?? 0) >= 500) throw new Error(`5xx for ${name}`);
    return true;
  };
}

const trustCognito = (poolId: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'cognito-identity.amazonaws.com' },
      Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
      Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': poolId }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } },
    },
  ],
});

describe('social identity providers (HTTPS stand-ins, SDK v3)', () => {
  let p: SocialStandIns;
  let server: TestServer;
  let ci: CognitoIdentityClient;
  let iam: IAMClient;
  let poolId: string;
  let memberRole: string;
  const clients: Array<{ destroy(): void }> = [];
  const common = () => ({ endpoint: server.url, region: server.region, maxAttempts: 1 });
  const sts = (credentials = { accessKeyId: 'unused', secretAccessKey: 'unused' } as { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => {
    const c = new STSClient({ ...common(), credentials });
    clients.push(c);
    return c;
  };

  async function createRole(name: string, trust: unknown, policy?: unknown): Promise<string> {
    const out = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    if (policy) await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: JSON.stringify(policy) }));
    return out.Role!.Arn!;
  }

  before(async () => {
    const dir = process.env.TESSERA_SOCIAL_TLS_DIR;
    assert.ok(dir, 'run through social.test.ts (TESSERA_SOCIAL_TLS_DIR)');
    const tls = readTls(dir);
    p = await startSocialStandIns({ certPem: tls.certPem, keyPem: tls.keyPem });
    server = await startTestServer({ providerEndpoints: p.endpoints, captureLogs: true });
    ci = new CognitoIdentityClient({ ...common(), credentials: server.rootCredentials });
    iam = new IAMClient({ ...common(), credentials: server.rootCredentials });
    const pool = await ci.send(
      new CreateIdentityPoolCommand({
        IdentityPoolName: 'social',
        AllowUnauthenticatedIdentities: false,
        AllowClassicFlow: true,
        SupportedLoginProviders: {
          'accounts.google.com': GOOGLE_CLIENT,
          'appleid.apple.com': APPLE_SERVICE,
          'graph.facebook.com': FB_APP,
          'www.amazon.com': AMAZON_APP,
          'api.twitter.com': `${TWITTER_KEY};${TWITTER_SECRET}`,
        },
      }),
    );
    poolId = pool.IdentityPoolId!;
    // The member role may read roles only when the session's principal tags say Google's client or Facebook's app.
    memberRole = await createRole('social-member', trustCognito(poolId), {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/aud': GOOGLE_CLIENT, 'aws:PrincipalTag/app_id': FB_APP } } },
      ],
    });
    await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: memberRole } }));
    p.twitter.addConsumer(TWITTER_KEY, TWITTER_SECRET);
  });

  after(async () => {
    for (const c of clients) c.destroy();
    ci?.destroy();
    iam?.destroy();
    await server?.close();
    await p?.close();
  });

  const pub = () => {
    const c = new CognitoIdentityClient({ ...common(), credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
    clients.push(c);
    return c;
  };

  /** Enhanced flow: GetId, GetCredentialsForIdentity, then GetCallerIdentity with the credentials. */
  async function enhanced(logins: Record<string, string>) {
    const { IdentityId } = await pub().send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins }));
    const out = await pub().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
    const c = out.Credentials!;
    const credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken! };
    const me = await sts(credentials).send(new GetCallerIdentityCommand({}));
    return { identityId: IdentityId!, arn: me.Arn!, credentials };
  }

  /** Basic flow: GetId, GetOpenIdToken, STS AssumeRoleWithWebIdentity of the member role. */
  async function basic(logins: Record<string, string>) {
    const { IdentityId } = await pub().send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins }));
    const { Token } = await pub().send(new GetOpenIdTokenCommand({ IdentityId, Logins: logins }));
    const out = await sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: memberRole, RoleSessionName: 'basic', WebIdentityToken: Token! }));
    return out;
  }

  const valid: Array<[string, () => Record<string, string>]> = [
    ['Google', () => ({ 'accounts.google.com': p.google.sign({ sub: '110169484474386276334', aud: GOOGLE_CLIENT, azp: GOOGLE_ANDROID_CLIENT, email: 'ann@example.com' }) })],
    ['Apple', () => ({ 'appleid.apple.com': p.apple.sign({ sub: '001234.abcdef.1234', aud: APPLE_SERVICE }) })],
    ['Facebook', () => {
      p.facebook.issue('EAAfb-valid-1', '10150000000000001', FB_APP);
      return { 'graph.facebook.com': 'EAAfb-valid-1' };
    }],
    ['Login with Amazon', () => {
      p.amazon.issue('Atza|valid-1', 'amzn1.account.AAAA', AMAZON_APP);
      return { 'www.amazon.com': 'Atza|valid-1' };
    }],
    ['Twitter', () => {
      p.twitter.issue('12345-userToken', 'userTokenSecret', '783214', 'twitterapi');
      return { 'api.twitter.com': '12345-userToken;userTokenSecret' };
    }],
  ];

  for (const [name, logins] of valid) {
    it(`a valid ${name} login gets credentials for the mapped role through the enhanced flow and the basic flow`, async () => {
      const { arn } = await enhanced(logins());
      assert.match(arn, /assumed-role\/social-member\/CognitoIdentityCredentials$/);
      const out = await basic(logins());
      assert.match(out.AssumedRoleUser!.Arn!, /assumed-role\/social-member\/basic$/);
      assert.equal(out.Provider, 'cognito-identity.amazonaws.com');
    });
  }

  const refused: Array<[string, () => Record<string, string>]> = [
    ['a forged Google ID token', () => ({ 'accounts.google.com': p.google.sign({ sub: 'g-1', aud: GOOGLE_CLIENT }, { forged: true }) })],
    ['an expired Google ID token', () => ({ 'accounts.google.com': p.google.sign({ sub: 'g-1', aud: GOOGLE_CLIENT, iat: 1_700_000_000, exp: 1_700_003_600 }) })],
    ['a Google ID token for another client', () => ({ 'accounts.google.com': p.google.sign({ sub: 'g-1', aud: 'someone-else.apps.googleusercontent.com' }) })],
    ['a Google-keyed token with another issuer', () => ({ 'accounts.google.com': p.google.sign({ sub: 'g-1', aud: GOOGLE_CLIENT, iss: 'https://evil.example' }) })],
    ['an Apple ID token for another Services ID', () => ({ 'appleid.apple.com': p.apple.sign({ sub: 'a-1', aud: 'com.example.other' }) })],
    ['a forged Apple ID token', () => ({ 'appleid.apple.com': p.apple.sign({ sub: 'a-1', aud: APPLE_SERVICE }, { forged: true }) })],
    ['a Facebook token Graph does not know', () => ({ 'graph.facebook.com': 'EAAfb-unknown' })],
    ['a Facebook token of another app', () => {
      p.facebook.issue('EAAfb-other-app', '10150000000000002', '999988887777');
      return { 'graph.facebook.com': 'EAAfb-other-app' };
    }],
    ['an expired Login with Amazon token', () => {
      p.amazon.issue('Atza|expired', 'amzn1.account.BBBB', AMAZON_APP, -60);
      return { 'www.amazon.com': 'Atza|expired' };
    }],
    ['a Login with Amazon token of another application', () => {
      p.amazon.issue('Atza|other-app', 'amzn1.account.CCCC', 'amzn1.application.ffffffffffffffffffffffffffffffff');
      return { 'www.amazon.com': 'Atza|other-app' };
    }],
    ['a Twitter token with the wrong secret', () => {
      p.twitter.issue('67890-userToken', 'theRealSecret', '783215', 'someone');
      return { 'api.twitter.com': '67890-userToken;notTheSecret' };
    }],
    ['a Twitter login that is not token;secret', () => ({ 'api.twitter.com': 'just-a-token' })],
  ];

  for (const [name, logins] of refused) {
    it(`${name} is refused with NotAuthorizedException and creates no identity`, async () => {
      await assert.rejects(pub().send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins() })), awsError('NotAuthorizedException'));
    });
  }

  it('a Twitter signature that does not verify is what the stand-in saw (the refusal came from the provider)', async () => {
    const before = p.twitter.badSignatures;
    p.twitter.issue('24680-userToken', 'secretA', '783216', 'someone-else');
    await assert.rejects(pub().send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { 'api.twitter.com': '24680-userToken;secretB' } })), awsError('NotAuthorizedException'));
    assert.equal(p.twitter.badSignatures, before + 1);
  });

  it('logs the reason of a refused provider token (check, expected, actual) and never the token', async () => {
    await assert.rejects(pub().send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { 'graph.facebook.com': 'EAAfb-logged-and-refused' } })), awsError('NotAuthorizedException'));
    const line = server.logs.find((l) => l.outcome === 'NotAuthorizedException' && (l.reason as { check?: string } | undefined)?.check === 'facebook.token');
    assert.ok(line, 'a request log line names the check');
    assert.deepEqual({ expected: (line.reason as Record<string, unknown>).expected, actual: (line.reason as Record<string, unknown>).actual }, { expected: 'HTTP 200', actual: 400 });
    assert.ok(!JSON.stringify(server.logs).includes('EAAfb-logged-and-refused'), 'the access token is not in the log');
  });

  it('asks Graph once for a Facebook token used by GetId and then GetCredentialsForIdentity (the answer is cached)', async () => {
    p.facebook.issue('EAAfb-cached', '10150000000000009', FB_APP);
    const me = p.facebook.requests('/me');
    const app = p.facebook.requests('/app');
    await enhanced({ 'graph.facebook.com': 'EAAfb-cached' });
    await enhanced({ 'graph.facebook.com': 'EAAfb-cached' });
    assert.equal(p.facebook.requests('/me'), me + 1);
    assert.equal(p.facebook.requests('/app'), app + 1);
  });

  it('one identity signed in with Google and then linked to Facebook in the same Logins map is one identity for both', async () => {
    const google = { 'accounts.google.com': p.google.sign({ sub: 'linker-google', aud: GOOGLE_CLIENT }) };
    p.facebook.issue('EAAfb-linker', '10150000000000077', FB_APP);
    const facebook = { 'graph.facebook.com': 'EAAfb-linker' };
    const first = await pub().send(new GetIdCommand({ IdentityPoolId: poolId, Logins: google }));
    const both = await pub().send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { ...google, ...facebook } }));
    const fbOnly = await pub().send(new GetIdCommand({ IdentityPoolId: poolId, Logins: facebook }));
    assert.equal(both.IdentityId, first.IdentityId);
    assert.equal(fbOnly.IdentityId, first.IdentityId);
    const d = await ci.send(new DescribeIdentityCommand({ IdentityId: first.IdentityId }));
    assert.deepEqual([...(d.Logins ?? [])].sort(), ['accounts.google.com', 'graph.facebook.com']);
  });

  it("principal tags from each provider's defaults are in the session: aws:PrincipalTag/aud (Google) and aws:PrincipalTag/app_id (Facebook)", async () => {
    const google = { 'accounts.google.com': p.google.sign({ sub: 'tagged-google', aud: GOOGLE_CLIENT }) };
    p.facebook.issue('EAAfb-tagged', '10150000000000088', FB_APP);
    const both = { ...google, 'graph.facebook.com': 'EAAfb-tagged' };
    // Without tag mappings the policy's conditions fail.
    const untagged = await enhanced(both);
    const iamUntagged = new IAMClient({ ...common(), credentials: untagged.credentials });
    clients.push(iamUntagged);
    await assert.rejects(iamUntagged.send(new GetRoleCommand({ RoleName: 'social-member' })), awsError('AccessDenied'));
    for (const provider of ['accounts.google.com', 'graph.facebook.com']) {
      await ci.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: provider, UseDefaults: true }));
    }
    try {
      const tagged = await enhanced(both);
      const iamTagged = new IAMClient({ ...common(), credentials: tagged.credentials });
      clients.push(iamTagged);
      assert.equal((await iamTagged.send(new GetRoleCommand({ RoleName: 'social-member' }))).Role!.RoleName, 'social-member');
    } finally {
      for (const provider of ['accounts.google.com', 'graph.facebook.com']) {
        await ci.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: provider, UseDefaults: false, PrincipalTags: {} }));
      }
    }
  });

  it('a custom principal-tag mapping takes a Google claim into the session (email → aws:PrincipalTag/aud)', async () => {
    // Map Google's email claim onto the tag key the policy checks, and Facebook's app_id as it is.
    await ci.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: 'accounts.google.com', UseDefaults: false, PrincipalTags: { aud: 'email' } }));
    await ci.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: 'graph.facebook.com', UseDefaults: false, PrincipalTags: { app_id: 'app_id' } }));
    try {
      p.facebook.issue('EAAfb-custom-1', '10150000000000099', FB_APP);
      p.facebook.issue('EAAfb-custom-2', '10150000000000100', FB_APP);
      const right = { 'accounts.google.com': p.google.sign({ sub: 'custom-1', aud: GOOGLE_CLIENT, email: GOOGLE_CLIENT }), 'graph.facebook.com': 'EAAfb-custom-1' };
      const iamRight = new IAMClient({ ...common(), credentials: (await enhanced(right)).credentials });
      clients.push(iamRight);
      assert.equal((await iamRight.send(new GetRoleCommand({ RoleName: 'social-member' }))).Role!.RoleName, 'social-member');
      const wrong = { 'accounts.google.com': p.google.sign({ sub: 'custom-2', aud: GOOGLE_CLIENT, email: 'x@example.com' }), 'graph.facebook.com': 'EAAfb-custom-2' };
      const iamWrong = new IAMClient({ ...common(), credentials: (await enhanced(wrong)).credentials });
      clients.push(iamWrong);
      await assert.rejects(iamWrong.send(new GetRoleCommand({ RoleName: 'social-member' })), awsError('AccessDenied'));
    } finally {
      for (const provider of ['accounts.google.com', 'graph.facebook.com']) {
        await ci.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: provider, UseDefaults: false, PrincipalTags: {} }));
      }
    }
  });

  describe('STS AssumeRoleWithWebIdentity', () => {
    let googleRole: string;
    let facebookRole: string;
    let amazonRole: string;
    before(async () => {
      googleRole = await createRole('google-web', {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: 'accounts.google.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'accounts.google.com:aud': GOOGLE_CLIENT, 'accounts.google.com:sub': 'sts-google-user' } } }],
      });
      facebookRole = await createRole('facebook-web', {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: 'graph.facebook.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'graph.facebook.com:app_id': FB_APP }, StringLike: { 'graph.facebook.com:id': '1015*' } } }],
      });
      amazonRole = await createRole('amazon-web', {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: 'www.amazon.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'www.amazon.com:app_id': AMAZON_APP, 'www.amazon.com:user_id': 'amzn1.account.STS' } } }],
      });
    });

    it('accepts a Google ID token whose aud and sub the trust policy allows (accounts.google.com:aud, :sub)', async () => {
      const out = await sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: googleRole, RoleSessionName: 'google-session', WebIdentityToken: p.google.sign({ sub: 'sts-google-user', aud: GOOGLE_CLIENT }) }));
      assert.equal(out.SubjectFromWebIdentityToken, 'sts-google-user');
      assert.equal(out.Provider, 'accounts.google.com');
      assert.equal(out.Audience, GOOGLE_CLIENT);
      assert.match(out.AssumedRoleUser!.Arn!, /assumed-role\/google-web\/google-session$/);
    });

    it('refuses a Google ID token for another client by the trust policy (AccessDenied), a forged one as InvalidIdentityToken', async () => {
      await assert.rejects(sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: googleRole, RoleSessionName: 'google-session', WebIdentityToken: p.google.sign({ sub: 'sts-google-user', aud: 'other.apps.googleusercontent.com' }) })), awsError('AccessDenied'));
      await assert.rejects(sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: googleRole, RoleSessionName: 'google-session', WebIdentityToken: p.google.sign({ sub: 'sts-google-user', aud: GOOGLE_CLIENT }, { forged: true }) })), awsError('InvalidIdentityTokenException'));
    });

    it('accepts a Facebook access token with ProviderId graph.facebook.com (graph.facebook.com:app_id, :id)', async () => {
      p.facebook.issue('EAAfb-sts', '10150000000000123', FB_APP);
      const out = await sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: facebookRole, RoleSessionName: 'facebook-session', WebIdentityToken: 'EAAfb-sts', ProviderId: 'graph.facebook.com' }));
      assert.equal(out.SubjectFromWebIdentityToken, '10150000000000123');
      assert.equal(out.Provider, 'graph.facebook.com');
      assert.equal(out.Audience, FB_APP);
    });

    it('refuses a Facebook token of another app (AccessDenied) and one Graph rejects (IDPRejectedClaim)', async () => {
      p.facebook.issue('EAAfb-sts-other', '10150000000000124', '444455556666');
      await assert.rejects(sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: facebookRole, RoleSessionName: 'facebook-session', WebIdentityToken: 'EAAfb-sts-other', ProviderId: 'graph.facebook.com' })), awsError('AccessDenied'));
      await assert.rejects(sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: facebookRole, RoleSessionName: 'facebook-session', WebIdentityToken: 'EAAfb-never-issued', ProviderId: 'graph.facebook.com' })), awsError('IDPRejectedClaimException'));
    });

    it('the token doctor explains Facebook access tokens for the identity pool and for the role as the APIs judge them', async () => {
      const doctor = async (route: string, body: Record<string, unknown>) => {
        const url = new URL(`/_tessera/doctor/${route}`, server.url);
        const text = JSON.stringify(body);
        const headers = signRequest({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: text, service: 'tessera', region: 'us-east-1', credentials: server.rootCredentials, now: new Date() });
        delete headers.host;
        const res = await fetch(url, { method: 'POST', headers, body: text });
        assert.equal(res.status, 200);
        return (await res.json()) as { accepted: boolean; checks: Array<{ id: string; status: string; check?: string }>; error?: { code: string } };
      };
      const failed = (r: { checks: Array<{ id: string; status: string; check?: string }> }) => r.checks.filter((c) => c.status === 'fail').map((c) => [c.id, c.check]);
      p.facebook.issue('EAAfb-doctor', '10150000000000321', FB_APP);
      const pool = await doctor('identity-pool', { IdentityPoolId: poolId, Token: 'EAAfb-doctor', LoginsKey: 'graph.facebook.com' });
      assert.equal(pool.accepted, true, JSON.stringify(pool.checks));
      await enhanced({ 'graph.facebook.com': 'EAAfb-doctor' });
      const unknown = await doctor('identity-pool', { IdentityPoolId: poolId, Token: 'EAAfb-doctor-unknown', LoginsKey: 'graph.facebook.com' });
      assert.deepEqual(failed(unknown), [['token.signature', 'facebook.token']]);
      await assert.rejects(pub().send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { 'graph.facebook.com': 'EAAfb-doctor-unknown' } })), awsError('NotAuthorizedException'));
      const role = await doctor('role', { RoleArn: facebookRole, Token: 'EAAfb-doctor', ProviderId: 'graph.facebook.com' });
      assert.equal(role.accepted, true, JSON.stringify(role.checks));
      p.facebook.issue('EAAfb-doctor-other', '10150000000000322', '444455556666');
      const other = await doctor('role', { RoleArn: facebookRole, Token: 'EAAfb-doctor-other', ProviderId: 'graph.facebook.com' });
      assert.deepEqual(failed(other), [['trust.sts:AssumeRoleWithWebIdentity', 'policy.implicit-deny']]);
      await assert.rejects(sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: facebookRole, RoleSessionName: 'doctor', WebIdentityToken: 'EAAfb-doctor-other', ProviderId: 'graph.facebook.com' })), awsError('AccessDenied'));
      const rejected = await doctor('role', { RoleArn: facebookRole, Token: 'EAAfb-doctor-never', ProviderId: 'graph.facebook.com' });
      assert.deepEqual(failed(rejected), [['token.signature', 'facebook.token']]);
      assert.equal(rejected.error?.code, 'IDPRejectedClaim');
    });

    it('accepts a Login with Amazon access token with ProviderId www.amazon.com (www.amazon.com:app_id, :user_id)', async () => {
      p.amazon.issue('Atza|sts', 'amzn1.account.STS', AMAZON_APP);
      const out = await sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: amazonRole, RoleSessionName: 'amazon-session', WebIdentityToken: 'Atza|sts', ProviderId: 'www.amazon.com' }));
      assert.equal(out.SubjectFromWebIdentityToken, 'amzn1.account.STS');
      assert.equal(out.Provider, 'www.amazon.com');
      p.amazon.issue('Atza|sts-other-user', 'amzn1.account.OTHER', AMAZON_APP);
      await assert.rejects(sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: amazonRole, RoleSessionName: 'amazon-session', WebIdentityToken: 'Atza|sts-other-user', ProviderId: 'www.amazon.com' })), awsError('AccessDenied'));
    });

    it('boto3 (unchanged but for endpoint_url) signs in with Google, Facebook and Amazon and calls STS with ProviderId', async () => {
      p.facebook.issue('EAAfb-boto', '10150000000000555', FB_APP);
      p.amazon.issue('Atza|boto', 'amzn1.account.BOTO', AMAZON_APP);
      p.amazon.issue('Atza|boto-sts', 'amzn1.account.STS', AMAZON_APP);
      const { stdout } = await promisify(execFile)('python3', [join(repoRoot, 'test', 'e2e', 'social', 'python', 'social_flow.py')], {
        env: {
          ...process.env,
          TESSERA_URL: server.url,
          TESSERA_REGION: server.region,
          POOL_ID: poolId,
          GOOGLE_TOKEN: p.google.sign({ sub: 'boto-google', aud: GOOGLE_CLIENT }),
          FORGED_GOOGLE_TOKEN: p.google.sign({ sub: 'boto-google', aud: GOOGLE_CLIENT }, { forged: true }),
          FACEBOOK_TOKEN: 'EAAfb-boto',
          AMAZON_TOKEN: 'Atza|boto',
          AMAZON_STS_TOKEN: 'Atza|boto-sts',
          FACEBOOK_ROLE: facebookRole,
          AMAZON_ROLE: amazonRole,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_ACCESS_KEY_ID: 'unused',
          AWS_SECRET_ACCESS_KEY: 'unused',
        },
      });
      const out = JSON.parse(stdout) as Record<string, unknown>;
      for (const k of ['google_arn', 'facebook_arn', 'amazon_arn']) assert.match(out[k] as string, /assumed-role\/social-member\/CognitoIdentityCredentials$/, k);
      assert.equal(out.forged_google, 'NotAuthorizedException');
      assert.deepEqual((out.sts_facebook as string[]).slice(0, 2), ['graph.facebook.com', '10150000000000555']);
      assert.match((out.sts_facebook as string[])[2]!, /assumed-role\/facebook-web\/boto-facebook$/);
      assert.deepEqual(out.sts_amazon, ['www.amazon.com', 'amzn1.account.STS']);
      assert.equal(out.sts_rejected, 'IDPRejectedClaim');
    });

    it('refuses another ProviderId as InvalidParameterValue', async () => {
      await assert.rejects(sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: facebookRole, RoleSessionName: 'facebook-session', WebIdentityToken: p.google.sign({ sub: 'x', aud: GOOGLE_CLIENT }), ProviderId: 'api.twitter.com' })), awsError('InvalidParameterValue'));
    });
  });

  describe('a provider that cannot be asked', () => {
    let down: TestServer;
    let downPool: string;
    let silent: Server;
    let untrusted: Server;
    let odd: Server;
    let role: string;
    before(async () => {
      // Graph at a port nobody listens on; Amazon behind a certificate of a CA nobody trusts;
      // Twitter accepting connections and never answering (the 200 ms deadline ends it).
      const closedPort = await freeLoopbackPort();
      const other = await makeTestCertificates(LOOPBACK_NAMES, 'Untrusted Test Root CA');
      untrusted = createHttpsServer({ key: other.leafKeyPem, cert: other.leafPem }, (_req, res) => res.end('{}'));
      await new Promise<void>((resolve) => untrusted.listen(0, '127.0.0.1', resolve));
      const tls = readTls(process.env.TESSERA_SOCIAL_TLS_DIR!);
      silent = createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, () => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      // Trusted, but answering what no provider's protocol sends: a redirect (Google's JWKS) and
      // a 600 KiB body (Apple's JWKS).
      odd = createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
        if (req.url?.startsWith('/redirect')) return void res.writeHead(302, { location: p.google.jwksUrl }).end();
        const body = JSON.stringify({ keys: [], padding: 'x'.repeat(600 * 1024) });
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      });
      await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
      const oddOrigin = `https://127.0.0.1:${(odd.address() as AddressInfo).port}`;
      down = await startTestServer({
        providerEndpoints: [
          `graph.facebook.com=https://127.0.0.1:${closedPort}`,
          `www.amazon.com=https://127.0.0.1:${(untrusted.address() as AddressInfo).port}`,
          `api.twitter.com=https://127.0.0.1:${(silent.address() as AddressInfo).port}`,
          `accounts.google.com=${oddOrigin}/redirect`,
          `appleid.apple.com=${oddOrigin}/huge`,
        ],
        providerTimeoutMs: 200,
      });
      const admin = new CognitoIdentityClient({ endpoint: down.url, region: down.region, credentials: down.rootCredentials, maxAttempts: 1 });
      clients.push(admin);
      const created = await admin.send(
        new CreateIdentityPoolCommand({
          IdentityPoolName: 'down',
          AllowUnauthenticatedIdentities: false,
          SupportedLoginProviders: {
            'graph.facebook.com': FB_APP,
            'www.amazon.com': AMAZON_APP,
            'api.twitter.com': `${TWITTER_KEY};${TWITTER_SECRET}`,
            'accounts.google.com': GOOGLE_CLIENT,
            'appleid.apple.com': APPLE_SERVICE,
          },
        }),
      );
      downPool = created.IdentityPoolId!;
      const downIam = new IAMClient({ endpoint: down.url, region: down.region, credentials: down.rootCredentials, maxAttempts: 1 });
      clients.push(downIam);
      role = (await downIam.send(new CreateRoleCommand({ RoleName: 'fb', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'graph.facebook.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }] }) }))).Role!.Arn!;
    });
    after(async () => {
      await down?.close();
      for (const s of [silent, untrusted, odd]) {
        if (!s) continue;
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    });

    const downClient = () => {
      const c = new CognitoIdentityClient({ endpoint: down.url, region: down.region, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' }, maxAttempts: 1 });
      clients.push(c);
      return c;
    };

    it('an unreachable provider gives ExternalServiceException', async () => {
      await assert.rejects(downClient().send(new GetIdCommand({ IdentityPoolId: downPool, Logins: { 'graph.facebook.com': 'EAAfb-any' } })), awsError('ExternalServiceException'));
    });

    it('a provider whose TLS certificate is not trusted gives ExternalServiceException', async () => {
      await assert.rejects(downClient().send(new GetIdCommand({ IdentityPoolId: downPool, Logins: { 'www.amazon.com': 'Atza|any' } })), awsError('ExternalServiceException'));
    });

    it('a provider that never answers gives ExternalServiceException once the configured deadline passes', async () => {
      await assert.rejects(downClient().send(new GetIdCommand({ IdentityPoolId: downPool, Logins: { 'api.twitter.com': 'tok;sec' } })), awsError('ExternalServiceException'));
    });

    it('a JWKS answered with a redirect, or with a body over 512 KiB, gives ExternalServiceException (redirects are not followed)', async () => {
      const asked = p.google.requests();
      await assert.rejects(downClient().send(new GetIdCommand({ IdentityPoolId: downPool, Logins: { 'accounts.google.com': p.google.sign({ sub: 'g', aud: GOOGLE_CLIENT }) } })), awsError('ExternalServiceException'));
      await assert.rejects(downClient().send(new GetIdCommand({ IdentityPoolId: downPool, Logins: { 'appleid.apple.com': p.apple.sign({ sub: 'a', aud: APPLE_SERVICE }) } })), awsError('ExternalServiceException'));
      assert.equal(p.google.requests(), asked, 'the redirect target is never asked');
    });

    it('in STS an unreachable provider is IDPCommunicationError', async () => {
      const c = new STSClient({ endpoint: down.url, region: down.region, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' }, maxAttempts: 1 });
      clients.push(c);
      await assert.rejects(c.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: role, RoleSessionName: 'facebook-session', WebIdentityToken: 'EAAfb-any', ProviderId: 'graph.facebook.com' })), awsError('IDPCommunicationErrorException'));
    });
  });
});
