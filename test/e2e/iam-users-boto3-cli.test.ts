/**
 * A least-privilege IAM user for an app backend, with boto3 and with the AWS CLI (both installed
 * on the machine), unchanged but for the endpoint: root creates a user whose only permission is
 * cognito-identity:GetOpenIdTokenForDeveloperIdentity on one identity pool; the user's key gets
 * developer tokens for that pool and is refused (AccessDenied with AWS's message) for another
 * pool and for IAM calls; deactivating the key refuses the next call.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { repoRoot } from '../helpers/paths.js';

const run = promisify(execFile);

describe('a least-privilege backend user with boto3 and the AWS CLI', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.close();
  });

  const poolArn = (pool: string) => `arn:aws:cognito-identity:${server.region}:${server.accountId}:identitypool/${pool}`;

  it('boto3: the user gets developer tokens for its pool only, cannot call IAM, and its deactivated key is refused', async () => {
    const { stdout } = await run('python3', [join(repoRoot, 'test', 'e2e', 'python', 'backend_user_flow.py')], {
      env: {
        ...process.env,
        TESSERA_URL: server.url,
        TESSERA_REGION: server.region,
        TESSERA_ACCOUNT: server.accountId,
        ROOT_KEY: server.rootCredentials.accessKeyId,
        ROOT_SECRET: server.rootCredentials.secretAccessKey,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    });
    const out = JSON.parse(stdout);
    const userArn = `arn:aws:iam::${server.accountId}:user/boto-backend`;
    assert.equal(out.user_arn, userArn);
    assert.match(out.user_id, /^AIDA/);
    assert.equal(out.key_prefix, 'AKIA');
    assert.equal(out.caller_arn, userArn);
    assert.match(out.identity_id, new RegExp(`^${server.region}:`));
    assert.equal(out.token_parts, 3);
    assert.deepEqual(out.other_pool, {
      code: 'AccessDeniedException',
      message: `User: ${userArn} is not authorized to perform: cognito-identity:GetOpenIdTokenForDeveloperIdentity on resource: ${poolArn(out.pools[1])} because no identity-based policy allows the cognito-identity:GetOpenIdTokenForDeveloperIdentity action`,
    });
    assert.deepEqual(out.iam_call, {
      code: 'AccessDenied',
      message: `User: ${userArn} is not authorized to perform: iam:ListUsers on resource: * because no identity-based policy allows the iam:ListUsers action`,
    });
    assert.deepEqual(out.after_deactivation, { code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
  });

  it('the AWS CLI does the same with --endpoint-url and environment credentials', async () => {
    const base = {
      ...process.env,
      AWS_DEFAULT_REGION: server.region,
      AWS_REGION: server.region,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    };
    const rootEnv = { AWS_ACCESS_KEY_ID: server.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: server.rootCredentials.secretAccessKey };
    const aws = async (args: string[], creds: Record<string, string> = rootEnv) =>
      JSON.parse((await run('aws', ['--endpoint-url', server.url, '--output', 'json', ...args], { env: { ...base, ...creds } })).stdout || '{}');
    const awsError = async (args: string[], creds: Record<string, string>) => {
      try {
        await run('aws', ['--endpoint-url', server.url, ...args], { env: { ...base, ...creds } });
        return 'succeeded';
      } catch (e) {
        return String((e as { stderr?: string }).stderr);
      }
    };

    const orders = (await aws(['cognito-identity', 'create-identity-pool', '--identity-pool-name', 'cli_orders', '--no-allow-unauthenticated-identities', '--developer-provider-name', 'login.cli.app'])).IdentityPoolId;
    const billing = (await aws(['cognito-identity', 'create-identity-pool', '--identity-pool-name', 'cli_billing', '--no-allow-unauthenticated-identities', '--developer-provider-name', 'login.cli.app'])).IdentityPoolId;
    const user = await aws(['iam', 'create-user', '--user-name', 'cli-backend']);
    const userArn = `arn:aws:iam::${server.accountId}:user/cli-backend`;
    assert.equal(user.User.Arn, userArn);
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cognito-identity:GetOpenIdTokenForDeveloperIdentity', Resource: poolArn(orders) }] };
    await aws(['iam', 'put-user-policy', '--user-name', 'cli-backend', '--policy-name', 'developer-tokens', '--policy-document', JSON.stringify(policy)]);
    const key = (await aws(['iam', 'create-access-key', '--user-name', 'cli-backend'])).AccessKey;
    assert.match(key.AccessKeyId, /^AKIA/);
    const backend = { AWS_ACCESS_KEY_ID: key.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey };

    const token = await aws(['cognito-identity', 'get-open-id-token-for-developer-identity', '--identity-pool-id', orders, '--logins', 'login.cli.app=customer-7'], backend);
    assert.match(token.IdentityId, new RegExp(`^${server.region}:`));
    assert.equal(token.Token.split('.').length, 3);
    const otherPool = await awsError(['cognito-identity', 'get-open-id-token-for-developer-identity', '--identity-pool-id', billing, '--logins', 'login.cli.app=customer-7'], backend);
    assert.match(otherPool, /AccessDeniedException/);
    assert.ok(otherPool.includes(`User: ${userArn} is not authorized to perform: cognito-identity:GetOpenIdTokenForDeveloperIdentity on resource: ${poolArn(billing)}`), otherPool);
    const iamCall = await awsError(['iam', 'list-users'], backend);
    assert.match(iamCall, /AccessDenied/);
    assert.ok(iamCall.includes(`User: ${userArn} is not authorized to perform: iam:ListUsers on resource: *`), iamCall);

    await aws(['iam', 'update-access-key', '--user-name', 'cli-backend', '--access-key-id', key.AccessKeyId, '--status', 'Inactive']);
    const refused = await awsError(['cognito-identity', 'get-open-id-token-for-developer-identity', '--identity-pool-id', orders, '--logins', 'login.cli.app=customer-7'], backend);
    assert.match(refused, /UnrecognizedClientException/);
    assert.match(await awsError(['sts', 'get-caller-identity'], backend), /InvalidClientTokenId/);
  });
});
