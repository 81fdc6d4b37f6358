/**
 * GetTokensFromRefreshToken and refresh-token rotation (RefreshTokenRotation on the app client)
 * through the unmodified JS SDK v3: what comes back, Cognito's refusals, and the same rules on
 * InitiateAuth REFRESH_TOKEN_AUTH.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  GetTokensFromRefreshTokenCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  UpdateUserPoolClientCommand,
  type ExplicitAuthFlowsType,
} from '@aws-sdk/client-cognito-identity-provider';
import { secretHash } from '../../../src/services/cognito-idp/index.js';
import { rejectsWith, startIdp, STRONG, type IdpHarness } from './harness.js';

const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, any>;

describe('cognito-idp GetTokensFromRefreshToken and refresh-token rotation', () => {
  let h: IdpHarness;
  let poolId: string;
  let plain: string;
  let other: string;
  let secretClient: { id: string; secret: string };
  let rotating: string;
  let strict: string;
  const flows: ExplicitAuthFlowsType[] = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];

  before(async () => {
    h = await startIdp();
    poolId = (await h.idp.send(new CreateUserPoolCommand({ PoolName: 'refresh' }))).UserPool!.Id!;
    const client = async (name: string, extra: Record<string, unknown> = {}) =>
      (await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: name, ExplicitAuthFlows: flows, ...extra }))).UserPoolClient!;
    plain = (await client('plain', { RefreshTokenValidity: 60, TokenValidityUnits: { RefreshToken: 'minutes' } })).ClientId!;
    other = (await client('other')).ClientId!;
    const s = await client('backend', { GenerateSecret: true });
    secretClient = { id: s.ClientId!, secret: s.ClientSecret! };
    rotating = (await client('rotating', { RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 30 } })).ClientId!;
    strict = (await client('strict', { RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 } })).ClientId!;
    for (const name of ['ann', 'bob']) {
      await h.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: name, MessageAction: 'SUPPRESS' }));
      await h.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: name, Password: STRONG, Permanent: true }));
    }
  });
  after(async () => h?.close());

  const signIn = async (clientId: string, username = 'ann') => {
    const auth: Record<string, string> = clientId === secretClient.id ? { SECRET_HASH: secretHash(secretClient.secret, username, clientId) } : {};
    return (await h.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: STRONG, ...auth } }))).AuthenticationResult!;
  };
  const refresh = (clientId: string, token: string, secret?: string) =>
    h.idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: token, ...(secret !== undefined ? { ClientSecret: secret } : {}) }));

  it('issues new ID and access tokens of the same sign-in, and no refresh token without rotation', async () => {
    const first = await signIn(plain);
    const out = await refresh(plain, first.RefreshToken!);
    const r = out.AuthenticationResult!;
    assert.equal(r.TokenType, 'Bearer');
    assert.equal(r.ExpiresIn, 3600);
    assert.equal(r.RefreshToken, undefined);
    assert.notEqual(r.AccessToken, first.AccessToken);
    assert.equal(decode(r.AccessToken!).origin_jti, decode(first.AccessToken!).origin_jti);
    assert.equal(decode(r.IdToken!)['cognito:username'], 'ann');
    // The same refresh token keeps working.
    assert.ok((await refresh(plain, first.RefreshToken!)).AuthenticationResult!.AccessToken);
  });

  it("refuses a malformed, unknown or another client's refresh token with NotAuthorizedException, and an unknown client with ResourceNotFoundException", async () => {
    const first = await signIn(plain);
    await rejectsWith(refresh(plain, 'not-a-token'), 'NotAuthorizedException', 'Invalid Refresh Token');
    const [jti] = first.RefreshToken!.split('.');
    await rejectsWith(refresh(plain, `${jti}.${'A'.repeat(43)}`), 'NotAuthorizedException', 'Invalid Refresh Token');
    await rejectsWith(refresh(other, first.RefreshToken!), 'NotAuthorizedException', 'Invalid Refresh Token');
    await rejectsWith(refresh('nosuchclient0000000000000a', first.RefreshToken!), 'ResourceNotFoundException');
    await rejectsWith(h.idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: plain } as never)), 'InvalidParameterException');
  });

  it('requires the client secret of a confidential client and refuses a wrong one', async () => {
    const first = await signIn(secretClient.id);
    await rejectsWith(refresh(secretClient.id, first.RefreshToken!), 'NotAuthorizedException', `Client ${secretClient.id} is configured for secret but secret was not received`);
    await rejectsWith(refresh(secretClient.id, first.RefreshToken!, `${secretClient.secret}x`), 'NotAuthorizedException', `Unable to verify secret for client ${secretClient.id}`);
    assert.ok((await refresh(secretClient.id, first.RefreshToken!, secretClient.secret)).AuthenticationResult!.IdToken);
  });

  it('refuses a revoked refresh token and one from before GlobalSignOut', async () => {
    const revoked = await signIn(plain);
    await h.idp.send(new RevokeTokenCommand({ ClientId: plain, Token: revoked.RefreshToken! }));
    await rejectsWith(refresh(plain, revoked.RefreshToken!), 'NotAuthorizedException', 'Refresh Token has been revoked');

    const signedOut = await signIn(plain, 'bob');
    await h.idp.send(new GlobalSignOutCommand({ AccessToken: signedOut.AccessToken! }));
    await rejectsWith(refresh(plain, signedOut.RefreshToken!), 'NotAuthorizedException', 'Refresh Token has been revoked');
  });

  it('with rotation returns a new refresh token each time; the previous one works during the grace period, then is refused as reused', async () => {
    h.freeze();
    try {
      const first = await signIn(rotating);
      const second = (await refresh(rotating, first.RefreshToken!)).AuthenticationResult!;
      assert.ok(second.RefreshToken);
      assert.notEqual(second.RefreshToken, first.RefreshToken);
      assert.equal(second.RefreshToken!.split('.')[0], first.RefreshToken!.split('.')[0], 'same sign-in');
      h.advance(29);
      const retry = (await refresh(rotating, first.RefreshToken!)).AuthenticationResult!;
      assert.ok(retry.RefreshToken, 'a retry within the grace period is answered with tokens');
      h.advance(31);
      await rejectsWith(refresh(rotating, first.RefreshToken!), 'RefreshTokenReuseException');
      await rejectsWith(refresh(rotating, second.RefreshToken!), 'RefreshTokenReuseException');
      const third = (await refresh(rotating, retry.RefreshToken!)).AuthenticationResult!;
      assert.ok(third.RefreshToken);
    } finally {
      h.thaw();
    }
  });

  it('with a grace period of 0 the previous refresh token is refused at once', async () => {
    h.freeze();
    try {
      const first = await signIn(strict);
      const next = (await refresh(strict, first.RefreshToken!)).AuthenticationResult!;
      await rejectsWith(refresh(strict, first.RefreshToken!), 'RefreshTokenReuseException');
      assert.ok((await refresh(strict, next.RefreshToken!)).AuthenticationResult!.RefreshToken);
    } finally {
      h.thaw();
    }
  });

  it('applies rotation to InitiateAuth REFRESH_TOKEN_AUTH too, and returns no refresh token there without it', async () => {
    const plainFirst = await signIn(plain);
    const plainOut = await h.idp.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: plain, AuthParameters: { REFRESH_TOKEN: plainFirst.RefreshToken! } }));
    assert.equal(plainOut.AuthenticationResult!.RefreshToken, undefined);
    h.freeze();
    try {
      const first = await signIn(strict);
      const out = await h.idp.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: strict, AuthParameters: { REFRESH_TOKEN: first.RefreshToken! } }));
      assert.ok(out.AuthenticationResult!.RefreshToken);
      await rejectsWith(refresh(strict, first.RefreshToken!), 'RefreshTokenReuseException');
    } finally {
      h.thaw();
    }
  });

  it('keeps RefreshTokenRotation on the client and refuses a grace period over 60 seconds', async () => {
    const described = await h.idp.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: rotating }));
    assert.deepEqual(described.UserPoolClient!.RefreshTokenRotation, { Feature: 'ENABLED', RetryGracePeriodSeconds: 30 });
    await rejectsWith(
      h.idp.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: rotating, ExplicitAuthFlows: flows, RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 61 } })),
      'InvalidParameterException',
    );
    await rejectsWith(
      h.idp.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: rotating, ExplicitAuthFlows: flows, RefreshTokenRotation: { Feature: 'SOMETIMES' as never } })),
      'InvalidParameterException',
    );
    // Turning rotation off: refreshes return no refresh token again.
    await h.idp.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: rotating, ExplicitAuthFlows: flows }));
    const first = await signIn(rotating);
    assert.equal((await refresh(rotating, first.RefreshToken!)).AuthenticationResult!.RefreshToken, undefined);
  });

  // Last: the clock moves an hour, past what SigV4-signed set-up calls accept.
  it('refuses an expired refresh token', async () => {
    const expiring = await signIn(plain);
    h.advance(3600);
    await rejectsWith(refresh(plain, expiring.RefreshToken!), 'NotAuthorizedException', 'Refresh Token has expired');
  });
});
