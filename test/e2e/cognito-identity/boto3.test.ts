/** Cognito Identity through boto3 (guest and OIDC-authenticated enhanced flows, admin calls). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../helpers/paths.js';
import { fixture, type Fixture } from '../../protocol/cognito-identity/setup.js';

const run = promisify(execFile);

describe('Cognito Identity with boto3', () => {
  let f: Fixture;
  before(async () => {
    f = await fixture();
  });
  after(() => f?.close());

  it('runs the guest and authenticated flows and the admin calls unchanged but for endpoint_url', async () => {
    const { stdout } = await run('python3', [join(repoRoot, 'test', 'e2e', 'cognito-identity', 'python', 'cognito_identity_flow.py')], {
      env: {
        ...process.env,
        TESSERA_URL: f.server.url,
        TESSERA_REGION: f.server.region,
        TESSERA_ACCOUNT: f.server.accountId,
        PROVIDER_ARN: f.providerArn,
        PROVIDER_KEY: f.providerKey,
        TOKEN: f.token('boto-user'),
        ROOT_KEY: f.server.rootCredentials.accessKeyId,
        ROOT_SECRET: f.server.rootCredentials.secretAccessKey,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    });
    const out = JSON.parse(stdout);
    assert.equal(out.allow_classic_flow_present, false);
    assert.equal(out.guest_arn, `arn:aws:sts::${f.server.accountId}:assumed-role/boto-guest/CognitoIdentityCredentials`);
    assert.equal(out.guest_get_role, 'AccessDenied', 'the scope-down policy keeps guests out of IAM');
    assert.equal(out.user_arn, `arn:aws:sts::${f.server.accountId}:assumed-role/boto-auth/CognitoIdentityCredentials`);
    assert.equal(out.user_get_role, true);
    assert.equal(out.user_expiration_type, 'datetime');
    assert.deepEqual(out.described_logins, [f.providerKey]);
    assert.deepEqual(out.listed, out.expected_listed);
    assert.deepEqual(out.no_logins, ['NotAuthorizedException', "Logins don't match. Please include at least one valid login for this identity or identity pool."]);
  });
});
