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
