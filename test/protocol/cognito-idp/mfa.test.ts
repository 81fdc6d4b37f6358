/**
 * Software-token (TOTP) MFA through the unmodified JS SDK v3: the pool's MFA configuration,
 * setting up an authenticator by access token or by an MFA_SETUP session, preferences, the
 * SOFTWARE_TOKEN_MFA challenge of the user and admin flows, single use of a code, the lockout,
 * and the secret sealed at rest. Codes are computed by test/helpers/totp.ts on the server's clock.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { authenticatorCode, wrongCode } from '../../helpers/totp.js';
import { rejectsWith, startIdp, STRONG, type IdpHarness } from './harness.js';

describe('cognito-idp TOTP MFA', () => {
  let h: IdpHarness;
  let poolId: string;
  let clientId: string;
  let plainPoolId: string;
  let plainClientId: string;

  before(async () => {
    h = await startIdp();
    h.freeze();
    poolId = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'mfa' }))).UserPool!.Id!;
    clientId = (
      await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))
    ).UserPoolClient!.ClientId!;
    plainPoolId = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'no-mfa' }))).UserPool!.Id!;
    plainClientId = (await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: plainPoolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
  });
  after(async () => h?.close());

  const code = (secret: string) => authenticatorCode(secret, h.now().getTime());
  const createUser = async (username: string, pool = poolId) => {
    await h.idp.send(new AdminCreateUserCommand({ UserPoolId: pool, Username: username, MessageAction: 'SUPPRESS' }));
    await h.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: username, Password: STRONG, Permanent: true }));
  };
  const passwordSignIn = (username: string, password = STRONG, client = clientId) =>
    h.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: client, AuthParameters: { USERNAME: username, PASSWORD: password } }));
  const answer = (username: string, session: string, value: string) =>
    h.idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: session, ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: value } }));

  /** Signs in, associates and verifies an authenticator, activates it; returns the base32 secret. */
  async function enrol(username: string): Promise<string> {
    await createUser(username);
    const access = (await passwordSignIn(username)).AuthenticationResult!.AccessToken!;
    const secret = (await h.idp.send(new AssociateSoftwareTokenCommand({ AccessToken: access }))).SecretCode!;
    assert.equal((await h.idp.send(new VerifySoftwareTokenCommand({ AccessToken: access, UserCode: code(secret), FriendlyDeviceName: 'phone' }))).Status, 'SUCCESS');
    await h.idp.send(new SetUserMFAPreferenceCommand({ AccessToken: access, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
    h.advance(30); // the verification code's step is spent
    return secret;
  }

  it('configures the pool: software token MFA and OFF / OPTIONAL / ON, refusing MFA without a type and SMS MFA', async () => {
    assert.deepEqual(await mfaConfig(), { SoftwareTokenMfaConfiguration: { Enabled: false }, MfaConfiguration: 'OFF' });
    await rejectsWith(h.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'OPTIONAL' })), 'InvalidParameterException');
    await rejectsWith(
      h.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, SmsMfaConfiguration: { SmsAuthenticationMessage: 'code {####}' }, MfaConfiguration: 'OPTIONAL' })),
      'InvalidParameterException',
    );
    await rejectsWith(h.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'SOMETIMES' as never })), 'InvalidParameterException');
    await rejectsWith(h.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: 'us-east-1_nosuchpool', MfaConfiguration: 'OFF' })), 'ResourceNotFoundException');
    assert.deepEqual(await mfaConfig(), { SoftwareTokenMfaConfiguration: { Enabled: false }, MfaConfiguration: 'OFF' }, 'refusals change nothing');
    const set = await h.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'OPTIONAL' }));
    assert.deepEqual({ SoftwareTokenMfaConfiguration: set.SoftwareTokenMfaConfiguration, MfaConfiguration: set.MfaConfiguration }, { SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'OPTIONAL' });
    assert.deepEqual(await mfaConfig(), { SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'OPTIONAL' });
    assert.equal((await h.idp.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!.MfaConfiguration, 'OPTIONAL');
  });

  async function mfaConfig() {
    const c = await h.idp.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }));
    return { SoftwareTokenMfaConfiguration: c.SoftwareTokenMfaConfiguration, MfaConfiguration: c.MfaConfiguration };
  }

  it('refuses setting up an authenticator in a pool without software token MFA, and wrong or malformed input', async () => {
    await createUser('nora', plainPoolId);
    const access = (await passwordSignIn('nora', STRONG, plainClientId)).AuthenticationResult!.AccessToken!;
    await rejectsWith(h.idp.send(new AssociateSoftwareTokenCommand({ AccessToken: access })), 'SoftwareTokenMFANotFoundException');

    await createUser('omar');
    const token = (await passwordSignIn('omar')).AuthenticationResult!.AccessToken!;
    await rejectsWith(h.idp.send(new VerifySoftwareTokenCommand({ AccessToken: token, UserCode: '123456' })), 'EnableSoftwareTokenMFAException', 'Code mismatch and fail enable Software Token MFA mfa');
    await rejectsWith(h.idp.send(new SetUserMFAPreferenceCommand({ AccessToken: token, SoftwareTokenMfaSettings: { Enabled: true } })), 'InvalidParameterException', 'User has not verified software token mfa');
    const secret = (await h.idp.send(new AssociateSoftwareTokenCommand({ AccessToken: token }))).SecretCode!;
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await rejectsWith(h.idp.send(new VerifySoftwareTokenCommand({ AccessToken: token, UserCode: wrongCode(secret, h.now().getTime()) })), 'EnableSoftwareTokenMFAException');
    await rejectsWith(h.idp.send(new VerifySoftwareTokenCommand({ AccessToken: token, UserCode: '12ab56' })), 'InvalidParameterException');
    await rejectsWith(h.idp.send(new VerifySoftwareTokenCommand({ AccessToken: token, UserCode: '1234567' })), 'InvalidParameterException');
    await rejectsWith(h.idp.send(new VerifySoftwareTokenCommand({ AccessToken: token, Session: 'x'.repeat(40), UserCode: code(secret) })), 'InvalidParameterException');
    await rejectsWith(h.idp.send(new VerifySoftwareTokenCommand({ AccessToken: 'not-a-token', UserCode: code(secret) })), 'NotAuthorizedException');
    await rejectsWith(h.idp.send(new SetUserMFAPreferenceCommand({ AccessToken: token, SMSMfaSettings: { Enabled: true } })), 'InvalidParameterException', 'User does not have delivery config set to turn on SMS_MFA');
    // Nothing was activated by the refusals: the sign-in asks for no code.
    assert.ok((await passwordSignIn('omar')).AuthenticationResult);
    assert.equal((await h.idp.send(new GetUserCommand({ AccessToken: token }))).UserMFASettingList, undefined);
  });

  it('asks a user with TOTP activated for the code; a wrong code is CodeMismatchException and the same session takes the right one', async () => {
    const secret = await enrol('pia');
    const started = await passwordSignIn('pia');
    assert.equal(started.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    assert.equal(started.AuthenticationResult, undefined);
    assert.equal(started.ChallengeParameters!.FRIENDLY_DEVICE_NAME, 'phone');
    await rejectsWith(answer('pia', started.Session!, wrongCode(secret, h.now().getTime())), 'CodeMismatchException', 'Invalid code received for user');
    const done = await answer('pia', started.Session!, code(secret));
    assert.ok(done.AuthenticationResult!.AccessToken);
    assert.ok(done.AuthenticationResult!.RefreshToken);
    // The session is spent, and the code works once.
    await rejectsWith(answer('pia', started.Session!, code(secret)), 'NotAuthorizedException');
    const again = await passwordSignIn('pia');
    await rejectsWith(answer('pia', again.Session!, code(secret)), 'ExpiredCodeException', 'Your software token has already been used once.');
    h.advance(30);
    assert.ok((await answer('pia', again.Session!, code(secret))).AuthenticationResult);

    const user = await h.idp.send(new GetUserCommand({ AccessToken: done.AuthenticationResult!.AccessToken! }));
    assert.deepEqual(user.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
    assert.equal(user.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
    const admin = await h.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'pia' }));
    assert.deepEqual(admin.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  });

  it('asks for the code in the admin flow too, and AdminSetUserMFAPreference turns it off', async () => {
    const secret = await enrol('quinn');
    const started = await h.idp.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'quinn', PASSWORD: STRONG } }));
    assert.equal(started.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    const done = await h.idp.send(
      new AdminRespondToAuthChallengeCommand({ UserPoolId: poolId, ClientId: clientId, ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: started.Session!, ChallengeResponses: { USERNAME: 'quinn', SOFTWARE_TOKEN_MFA_CODE: code(secret) } }),
    );
    assert.ok(done.AuthenticationResult!.IdToken);
    await h.idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: 'quinn', SoftwareTokenMfaSettings: { Enabled: false } }));
    assert.ok((await passwordSignIn('quinn')).AuthenticationResult, 'no code asked once TOTP is off');
    assert.equal((await h.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'quinn' }))).UserMFASettingList, undefined);
    await rejectsWith(h.idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: 'nobody', SoftwareTokenMfaSettings: { Enabled: false } })), 'UserNotFoundException');
  });

  it('counts wrong codes toward the password lockout', async () => {
    const secret = await enrol('rita');
    const started = await passwordSignIn('rita');
    const wrong = wrongCode(secret, h.now().getTime());
    for (let i = 0; i < 5; i++) await rejectsWith(answer('rita', started.Session!, wrong), 'CodeMismatchException');
    // The fifth wrong code in a row locks the user out, as a fifth wrong password does.
    await rejectsWith(passwordSignIn('rita'), 'NotAuthorizedException', 'Password attempts exceeded');
    // The session took its last wrong code.
    await rejectsWith(answer('rita', started.Session!, code(secret)), 'NotAuthorizedException', 'Invalid session for the user.');
    h.advance(2);
    const next = await passwordSignIn('rita');
    assert.ok((await answer('rita', next.Session!, code(secret))).AuthenticationResult);
  });

  it('sets up MFA during sign-in when the pool requires it (MFA_SETUP with AssociateSoftwareToken and VerifySoftwareToken by session), and keeps it on', async () => {
    await createUser('sam');
    await h.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'ON' }));
    try {
      const started = await passwordSignIn('sam');
      assert.equal(started.ChallengeName, 'MFA_SETUP');
      assert.deepEqual(JSON.parse(started.ChallengeParameters!.MFAS_CAN_SETUP!), ['SOFTWARE_TOKEN_MFA']);
      // Answering before an authenticator is verified does not sign in.
      const associated = await h.idp.send(new AssociateSoftwareTokenCommand({ Session: started.Session! }));
      assert.ok(associated.Session);
      await rejectsWith(h.idp.send(new AssociateSoftwareTokenCommand({ Session: started.Session! })), 'NotAuthorizedException', 'Invalid session for the user.');
      const verified = await h.idp.send(new VerifySoftwareTokenCommand({ Session: associated.Session!, UserCode: code(associated.SecretCode!) }));
      assert.equal(verified.Status, 'SUCCESS');
      await rejectsWith(
        h.idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'MFA_SETUP', Session: associated.Session!, ChallengeResponses: { USERNAME: 'sam' } })),
        'NotAuthorizedException',
      );
      const done = await h.idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'MFA_SETUP', Session: verified.Session!, ChallengeResponses: { USERNAME: 'sam' } }));
      assert.ok(done.AuthenticationResult!.AccessToken);
      const user = await h.idp.send(new GetUserCommand({ AccessToken: done.AuthenticationResult!.AccessToken! }));
      assert.equal(user.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
      await rejectsWith(h.idp.send(new SetUserMFAPreferenceCommand({ AccessToken: done.AuthenticationResult!.AccessToken!, SoftwareTokenMfaSettings: { Enabled: false } })), 'InvalidParameterException');
      h.advance(30);
      assert.equal((await passwordSignIn('sam')).ChallengeName, 'SOFTWARE_TOKEN_MFA');
    } finally {
      await h.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'OPTIONAL' }));
    }
  });

  it('keeps the TOTP secret sealed at rest and out of the log', async () => {
    await createUser('tara');
    const access = (await passwordSignIn('tara')).AuthenticationResult!.AccessToken!;
    const secret = (await h.idp.send(new AssociateSoftwareTokenCommand({ AccessToken: access }))).SecretCode!;
    await h.idp.send(new VerifySoftwareTokenCommand({ AccessToken: access, UserCode: code(secret) }));
    const stored = await h.server.tessera.storage.collection<Record<string, unknown>>('cognito-idp.users').get(`${poolId}/tara`);
    const text = JSON.stringify(stored);
    assert.match(text, /"softwareToken":\{"sealed":"TOTP1\./);
    const raw = Buffer.from(base32ToHex(secret), 'hex');
    for (const form of [secret, secret.toLowerCase(), raw.toString('hex'), raw.toString('base64'), raw.toString('base64url')]) {
      assert.equal(text.includes(form), false, `stored user record holds the secret as ${form}`);
      assert.equal(JSON.stringify(h.logs).includes(form), false, 'the log holds the secret');
    }
  });
});

function base32ToHex(secret: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...secret].map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0')).join('');
  let hex = '';
  for (let i = 0; i + 8 <= bits.length; i += 8) hex += parseInt(bits.slice(i, i + 8), 2).toString(16).padStart(2, '0');
  return hex;
}
