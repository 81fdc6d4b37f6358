/**
 * The same backbone flow driven by boto3 and by the AWS CLI (both installed on the machine),
 * unchanged but for the endpoint.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startIssuer, type TestIssuer } from '../helpers/issuer.js';
import { repoRoot } from '../helpers/paths.js';

const run = promisify(execFile);

describe('web identity federation with boto3 and the AWS CLI', () => {
  let server: TestServer;
  let issuer: TestIssuer;

  before(async () => {
    issuer = await startIssuer();
    server = await startTestServer();
  });
  after(async () => {
    await server?.close();
    await issuer?.close();
  });

  it('boto3 registers a provider, creates a role, assumes it with a token and is held to the role policy', async () => {
    const tokens = {
      good: await issuer.sign(issuer.claims({ sub: 'bob', aud: 'boto-app' })),
      good2: await issuer.sign(issuer.claims({ sub: 'bob', aud: 'boto-app' })),
      wrong_sub: await issuer.sign(issuer.claims({ sub: 'eve', aud: 'boto-app' })),
      wrong_aud: await issuer.sign(issuer.claims({ sub: 'bob', aud: 'another-app' })),
    };
    const { stdout } = await run('python3', [join(repoRoot, 'test', 'e2e', 'python', 'web_identity_flow.py')], {
      env: {
        ...process.env,
        TESSERA_URL: server.url,
        TESSERA_REGION: server.region,
        TESSERA_ACCOUNT: server.accountId,
        ROOT_KEY: server.rootCredentials.accessKeyId,
        ROOT_SECRET: server.rootCredentials.secretAccessKey,
        ISSUER_URL: issuer.url,
        ISSUER_THUMBPRINT: issuer.thumbprint,
        TOKENS: JSON.stringify(tokens),
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    });
    const out = JSON.parse(stdout);
    const host = issuer.url.slice('https://'.length);
    assert.equal(out.provider_arn, `arn:aws:iam::${server.accountId}:oidc-provider/${host}`);
    assert.equal(out.provider_url, host);
    assert.deepEqual(out.provider_client_ids, ['boto-app']);
    assert.equal(out.trust_is_dict, true);
    assert.equal(out.wrong_sub, 'AccessDenied');
    assert.equal(out.wrong_aud, 'InvalidIdentityToken');
    assert.equal(out.access_key_prefix, 'ASIA');
    assert.equal(out.subject, 'bob');
    assert.equal(out.caller_arn, `arn:aws:sts::${server.accountId}:assumed-role/boto-role/bob-session`);
    assert.equal(out.get_role, 'boto-role');
    assert.equal(out.list_roles, 'AccessDenied');
    assert.equal(out.narrowed_get_role, 'AccessDenied');
  });

  it('the AWS CLI does the same with --endpoint-url and environment credentials', async (t) => {
    // A second issuer, under a path, so its provider URL differs from the boto3 test's.
    const issuer = await startIssuer({ path: '/cli' });
    t.after(() => issuer.close());
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: server.rootCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.rootCredentials.secretAccessKey,
      AWS_DEFAULT_REGION: server.region,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    };
    const aws = async (args: string[], extraEnv: Record<string, string> = {}) =>
      JSON.parse((await run('aws', ['--endpoint-url', server.url, '--output', 'json', ...args], { env: { ...env, ...extraEnv } })).stdout || '{}');
    const awsError = async (args: string[], extraEnv: Record<string, string> = {}) => {
      try {
        await run('aws', ['--endpoint-url', server.url, ...args], { env: { ...env, ...extraEnv } });
        return 'succeeded';
      } catch (e) {
        return String((e as { stderr?: string }).stderr);
      }
    };

    const host = issuer.url.slice('https://'.length);
    const provider = await aws(['iam', 'create-open-id-connect-provider', '--url', issuer.url, '--client-id-list', 'cli-app', '--thumbprint-list', issuer.thumbprint]);
    assert.equal(provider.OpenIDConnectProviderArn, `arn:aws:iam::${server.accountId}:oidc-provider/${host}`);
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: provider.OpenIDConnectProviderArn },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${host}:aud`]: 'cli-app', [`${host}:sub`]: 'carol' } },
        },
      ],
    };
    const role = await aws(['iam', 'create-role', '--role-name', 'cli-role', '--assume-role-policy-document', JSON.stringify(trust)]);
    assert.equal(role.Role.Arn, `arn:aws:iam::${server.accountId}:role/cli-role`);
    assert.deepEqual(role.Role.AssumeRolePolicyDocument, trust);
    await aws(['iam', 'put-role-policy', '--role-name', 'cli-role', '--policy-name', 'p', '--policy-document',
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }] })]);

    const token = await issuer.sign(issuer.claims({ sub: 'carol', aud: 'cli-app' }));
    const assumed = await aws(['sts', 'assume-role-with-web-identity', '--role-arn', role.Role.Arn, '--role-session-name', 'carol', '--web-identity-token', token]);
    assert.match(assumed.Credentials.AccessKeyId, /^ASIA/);
    const sessionEnv = {
      AWS_ACCESS_KEY_ID: assumed.Credentials.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: assumed.Credentials.SecretAccessKey,
      AWS_SESSION_TOKEN: assumed.Credentials.SessionToken,
    };
    const me = await aws(['sts', 'get-caller-identity'], sessionEnv);
    assert.equal(me.Arn, `arn:aws:sts::${server.accountId}:assumed-role/cli-role/carol`);
    const got = await aws(['iam', 'get-role', '--role-name', 'cli-role'], sessionEnv);
    assert.equal(got.Role.RoleName, 'cli-role');
    assert.match(await awsError(['iam', 'list-roles'], sessionEnv), /AccessDenied/);
    assert.match(await awsError(['sts', 'get-caller-identity'], { AWS_SECRET_ACCESS_KEY: 'wrong-secret-wrong-secret-wrong-secret00' }), /SignatureDoesNotMatch/);
  });
});
