/**
 * USER_SRP_AUTH with the unmodified amazon-cognito-identity-js (what Amplify v5 and many apps
 * use): the library computes A, the password key and PASSWORD_CLAIM_SIGNATURE itself, so this
 * proves the server's SRP-6a variant matches Cognito's byte for byte.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { startIdp, STRONG, type IdpHarness } from '../../protocol/cognito-idp/harness.js';

function authenticate(pool: CognitoUserPool, username: string, password: string, newPassword?: string): Promise<CognitoUserSession> {
  const user = new CognitoUser({ Username: username, Pool: pool });
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: resolve,
      onFailure: reject,
      newPasswordRequired: (_userAttributes: unknown) => {
        if (!newPassword) return reject(new Error('unexpected NEW_PASSWORD_REQUIRED'));
        user.completeNewPasswordChallenge(newPassword, {}, { onSuccess: resolve, onFailure: reject });
      },
    });
  });
}

describe('amazon-cognito-identity-js signs in with SRP unchanged', () => {
  let h: IdpHarness;
  let pool: CognitoUserPool;
  before(async () => {
    h = await startIdp();
    const poolId = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'srp' }))).UserPool!.Id!;
    const clientId = (await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'js' }))).UserPoolClient!.ClientId!;
    pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: h.url + '/' });
    await h.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'erin', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'erin@example.com' }] }));
    await h.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'erin', Password: STRONG, Permanent: true }));
    await h.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'frank', MessageAction: 'SUPPRESS', TemporaryPassword: 'Temp-Pass-456' }));
  });
  after(async () => h?.close());

  it('authenticates with the right password and returns valid pool tokens', async () => {
    const session = await authenticate(pool, 'erin', STRONG);
    assert.equal(session.isValid(), true);
    const id = session.getIdToken().decodePayload();
    assert.equal(id['cognito:username'], 'erin');
    assert.equal(id.email, 'erin@example.com');
    const access = session.getAccessToken().decodePayload();
    assert.equal(access.token_use, 'access');
    assert.ok(session.getRefreshToken().getToken());
  });

  it('refuses a wrong password with NotAuthorizedException', async () => {
    await assert.rejects(authenticate(pool, 'erin', 'Wrong-Password-1'), (e: any) => e.code === 'NotAuthorizedException' && e.message === 'Incorrect username or password.');
  });

  it('completes NEW_PASSWORD_REQUIRED for an admin-created user, then signs in with the new password', async () => {
    const session = await authenticate(pool, 'frank', 'Temp-Pass-456', 'Brand-New-Pass-7');
    assert.equal(session.getIdToken().decodePayload()['cognito:username'], 'frank');
    const again = await authenticate(pool, 'frank', 'Brand-New-Pass-7');
    assert.equal(again.isValid(), true);
  });

  it('refreshes the session with the refresh token', async () => {
    const session = await authenticate(pool, 'erin', STRONG);
    const user = new CognitoUser({ Username: 'erin', Pool: pool });
    const refreshed = await new Promise<CognitoUserSession>((resolve, reject) =>
      user.refreshSession(session.getRefreshToken(), (err: unknown, s: CognitoUserSession) => (err ? reject(err) : resolve(s))),
    );
    assert.equal(refreshed.getIdToken().decodePayload().origin_jti, session.getIdToken().decodePayload().origin_jti);
  });
});
