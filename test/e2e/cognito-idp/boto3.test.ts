/** boto3 (installed on the machine), unchanged but for the endpoint, against the cognito-idp API. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths.js';
import { startIdp, type IdpHarness } from '../../protocol/cognito-idp/harness.js';

const run = promisify(execFile);

describe('cognito-idp with boto3', () => {
  let h: IdpHarness;
  before(async () => {
    h = await startIdp();
  });
  after(async () => h?.close());

  const python = (script: string) =>
    run('python3', [join(repoRoot, 'test', 'e2e', 'cognito-idp', 'python', script)], {
      env: {
        ...process.env,
        TESSERA_URL: h.url,
        TESSERA_REGION: h.region,
        ROOT_KEY: h.credentials.accessKeyId,
        ROOT_SECRET: h.credentials.secretAccessKey,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    });

  it('boto3 refreshes with GetTokensFromRefreshToken, rotates refresh tokens and signs in with TOTP MFA, with Cognito error codes for bad input', async () => {
    const out = JSON.parse((await python('refresh_and_mfa.py')).stdout);
    assert.deepEqual(out, {
      refreshed: true,
      refresh_returned_without_rotation: false,
      refresh_garbage: 'NotAuthorizedException',
      refresh_other_client: 'NotAuthorizedException',
      refresh_unknown_client: 'ResourceNotFoundException',
      refresh_secret_missing: 'NotAuthorizedException',
      refresh_secret_wrong: 'NotAuthorizedException',
      refresh_with_secret: true,
      refresh_after_global_sign_out: 'NotAuthorizedException',
      rotation_returns_new: true,
      rotation_old_reused: 'RefreshTokenReuseException',
      rotation_new_works: true,
      rotation_grace_too_long: 'InvalidParameterException',
      rotation_described: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 },
      associate_pool_without_totp: 'SoftwareTokenMFANotFoundException',
      mfa_on_without_type: 'InvalidParameterException',
      mfa_sms: 'InvalidParameterException',
      pool_mfa: ['OPTIONAL', true],
      preference_before_verify: 'InvalidParameterException',
      verify_wrong: 'EnableSoftwareTokenMFAException',
      verify_malformed: 'InvalidParameterException',
      verify_too_long: 'InvalidParameterException',
      verify_status: 'SUCCESS',
      preference_sms: 'InvalidParameterException',
      user_mfa: [['SOFTWARE_TOKEN_MFA'], 'SOFTWARE_TOKEN_MFA'],
      challenge: 'SOFTWARE_TOKEN_MFA',
      challenge_wrong: 'CodeMismatchException',
      challenge_right: true,
      challenge_reused: 'ExpiredCodeException',
      challenge_bad_session: 'NotAuthorizedException',
      after_admin_off: true,
      admin_preference_unknown_user: 'UserNotFoundException',
    });
  });

  it('boto3 signs in with USER_PASSWORD_AUTH and SECRET_HASH and parses Cognito error codes', async () => {
    const { stdout } = await run('python3', [join(repoRoot, 'test', 'e2e', 'cognito-idp', 'python', 'user_password_flow.py')], {
      env: {
        ...process.env,
        TESSERA_URL: h.url,
        TESSERA_REGION: h.region,
        ROOT_KEY: h.credentials.accessKeyId,
        ROOT_SECRET: h.credentials.secretAccessKey,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    });
    const out = JSON.parse(stdout);
    assert.equal(out.token_type, 'Bearer');
    assert.equal(out.has_refresh, true);
    assert.equal(out.username, 'grace');
    assert.equal(out.email, 'grace@example.com');
    assert.equal(out.wrong_hash, 'NotAuthorizedException');
    assert.equal(out.wrong_password, 'NotAuthorizedException');
    assert.equal(out.weak_password, 'InvalidPasswordException');
    assert.equal(out.validation, 'InvalidParameterException');
    assert.equal(out.refreshed, true);
  });
});
