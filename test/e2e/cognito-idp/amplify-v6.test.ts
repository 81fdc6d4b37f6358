/**
 * AWS Amplify JS v6 (`aws-amplify`, unmodified) against a real Tessera, configured only with
 * `userPoolEndpoint`: SRP sign-in, token refresh (Amplify refreshes only through
 * GetTokensFromRefreshToken), refresh on its own once the access token has expired, refresh-token
 * rotation, and TOTP MFA from setup to a sign-in that asks for the code.
 *
 * Amplify reads the time itself (`Date.now()` against the token's expiry, `new Date()` for its
 * clock drift), so this process runs on one movable clock (test/helpers/movable-date.ts) that the
 * in-process server reads too: moving it moves both, without sleeping.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetTokensFromRefreshTokenCommand,
  SetUserPoolMfaConfigCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchAuthSession, fetchMFAPreference, getCurrentUser, setUpTOTP, signIn, signOut, updateMFAPreference, verifyTOTPSetup } from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { installMovableDate, type MovableDate } from '../../helpers/movable-date.js';
import { authenticatorCode, wrongCode } from '../../helpers/totp.js';
import { rejectsWith, startIdp, STRONG, type IdpHarness } from '../../protocol/cognito-idp/harness.js';

const AMPLIFY_VERSION = '6';

describe(`aws-amplify v${AMPLIFY_VERSION} signs in, refreshes and uses TOTP MFA against Tessera unchanged`, () => {
  let clock: MovableDate;
  let h: IdpHarness;
  let poolId: string;
  let clientId: string;
  let rotatingClientId: string;
  let requiredPool: string;
  let requiredClient: string;
  /** Amplify's token storage (its KeyValueStorage interface), readable by the test. */
  const stored = new Map<string, string>();
  const storage = {
    setItem: async (key: string, value: string) => void stored.set(key, value),
    getItem: async (key: string) => stored.get(key) ?? null,
    removeItem: async (key: string) => void stored.delete(key),
    clear: async () => stored.clear(),
  };
  const storedRefreshToken = () => [...stored.entries()].find(([k]) => k.endsWith('.refreshToken'))?.[1];

  function useClient(id: string) {
    Amplify.configure({ Auth: { Cognito: { userPoolId: poolId, userPoolClientId: id, userPoolEndpoint: h.url } } });
    cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);
  }

  async function createUser(username: string) {
    await h.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }] }));
    await h.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: STRONG, Permanent: true }));
  }

  before(async () => {
    clock = installMovableDate();
    h = await startIdp();
    poolId = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'amplify' }))).UserPool!.Id!;
    await h.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'OPTIONAL' }));
    clientId = (await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web' }))).UserPoolClient!.ClientId!;
    rotatingClientId = (
      await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'rotating', RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 10 } }))
    ).UserPoolClient!.ClientId!;
    for (const name of ['erin', 'gail', 'tom']) await createUser(name);
    // Set up now: SigV4-signed calls are refused once the clock has moved far.
    requiredPool = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'mfa-required' }))).UserPool!.Id!;
    await h.idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: requiredPool, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'ON' }));
    requiredClient = (await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: requiredPool, ClientName: 'web' }))).UserPoolClient!.ClientId!;
    await h.idp.send(new AdminCreateUserCommand({ UserPoolId: requiredPool, Username: 'uri', MessageAction: 'SUPPRESS' }));
    await h.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: requiredPool, Username: 'uri', Password: STRONG, Permanent: true }));
  });
  after(async () => {
    await h?.close();
    clock?.restore();
  });

  it('signs in with SRP, and fetchAuthSession({ forceRefresh: true }) yields new tokens of the same sign-in', async () => {
    useClient(clientId);
    const result = await signIn({ username: 'erin', password: STRONG });
    assert.equal(result.isSignedIn, true);
    assert.equal(result.nextStep.signInStep, 'DONE');
    const first = (await fetchAuthSession()).tokens!;
    const refreshBefore = storedRefreshToken();
    assert.ok(refreshBefore);
    const second = (await fetchAuthSession({ forceRefresh: true })).tokens!;
    assert.notEqual(second.accessToken.toString(), first.accessToken.toString());
    assert.notEqual(second.idToken!.toString(), first.idToken!.toString());
    assert.equal(second.accessToken.payload.origin_jti, first.accessToken.payload.origin_jti);
    assert.equal(second.idToken!.payload['cognito:username'], 'erin');
    // Without rotation no refresh token comes back: Amplify keeps the one it has.
    assert.equal(storedRefreshToken(), refreshBefore);
  });

  it('refreshes on its own in a plain fetchAuthSession() once the clock is past the access token expiry', async () => {
    const before = (await fetchAuthSession()).tokens!;
    assert.equal((await fetchAuthSession()).tokens!.accessToken.toString(), before.accessToken.toString(), 'no refresh while the token is fresh');
    clock.advance(3600 + 60);
    const after = (await fetchAuthSession()).tokens!;
    assert.notEqual(after.accessToken.toString(), before.accessToken.toString());
    assert.ok(after.accessToken.payload.exp! * 1000 > Date.now(), 'the new access token is live on the moved clock');
    assert.ok(after.accessToken.payload.iat! >= before.accessToken.payload.exp!);
    assert.equal((await getCurrentUser()).username, 'erin');
    await signOut();
  });

  it('with rotation each refresh stores a new refresh token, and the previous one is refused after the grace period', async () => {
    useClient(rotatingClientId);
    await signIn({ username: 'gail', password: STRONG });
    const original = storedRefreshToken()!;
    await fetchAuthSession({ forceRefresh: true });
    const rotated = storedRefreshToken()!;
    assert.ok(rotated);
    assert.notEqual(rotated, original);
    clock.advance(11);
    await rejectsWith(h.idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: rotatingClientId, RefreshToken: original })), 'RefreshTokenReuseException');
    const session = await fetchAuthSession({ forceRefresh: true });
    assert.equal(session.tokens!.idToken!.payload['cognito:username'], 'gail');
    assert.notEqual(storedRefreshToken(), rotated);
    await signOut();
  });

  it('sets up TOTP, prefers it, and the next sign-in asks for the code: a wrong code is refused, the right one signs in', async () => {
    useClient(clientId);
    await signIn({ username: 'tom', password: STRONG });
    const setup = await setUpTOTP();
    const secret = setup.sharedSecret;
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.match(setup.getSetupUri('Tessera').toString(), new RegExp(`^otpauth://totp/Tessera:.*[?&]secret=${secret}`));
    await verifyTOTPSetup({ code: authenticatorCode(secret) });
    await updateMFAPreference({ totp: 'PREFERRED' });
    assert.deepEqual(await fetchMFAPreference(), { enabled: ['TOTP'], preferred: 'TOTP' });
    await signOut();

    clock.advance(30); // the setup code's step is spent; the sign-in code is the next one
    const started = await signIn({ username: 'tom', password: STRONG });
    assert.equal(started.isSignedIn, false);
    assert.equal(started.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
    await assert.rejects(confirmSignIn({ challengeResponse: wrongCode(secret) }), (e: Error) => e.name === 'CodeMismatchException');
    const done = await confirmSignIn({ challengeResponse: authenticatorCode(secret) });
    assert.equal(done.isSignedIn, true);
    assert.equal(done.nextStep.signInStep, 'DONE');
    assert.equal((await getCurrentUser()).username, 'tom');
    await signOut();
  });

  it('sets up TOTP during sign-in when the pool requires MFA (CONTINUE_SIGN_IN_WITH_TOTP_SETUP), then asks for the code', async () => {
    Amplify.configure({ Auth: { Cognito: { userPoolId: requiredPool, userPoolClientId: requiredClient, userPoolEndpoint: h.url } } });
    cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);

    const started = await signIn({ username: 'uri', password: STRONG });
    assert.equal(started.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
    const secret = (started.nextStep as { totpSetupDetails: { sharedSecret: string } }).totpSetupDetails.sharedSecret;
    const done = await confirmSignIn({ challengeResponse: authenticatorCode(secret) });
    assert.equal(done.isSignedIn, true);
    assert.deepEqual(await fetchMFAPreference(), { enabled: ['TOTP'], preferred: 'TOTP' });
    await signOut();

    clock.advance(30);
    const again = await signIn({ username: 'uri', password: STRONG });
    assert.equal(again.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
    assert.equal((await confirmSignIn({ challengeResponse: authenticatorCode(secret) })).isSignedIn, true);
    await signOut();
  });
});
