/** Users, sign-up, sign-in flows, tokens and revocation through the unmodified JS SDK v3. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminListGroupsForUserCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserPasswordCommand,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  GetGroupCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ListUsersCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  AdminRemoveUserFromGroupCommand,
  DeleteGroupCommand,
  AdminDeleteUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { secretHash } from '../../../src/services/cognito-idp/index.js';
import { rejectsWith, startIdp, STRONG, type IdpHarness } from './harness.js';

const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, any>;
const header = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, any>;

describe('cognito-idp users and sign-in', () => {
  let h: IdpHarness;
  let poolId: string;
  let publicClient: string;
  let secretClient: { id: string; secret: string };
  before(async () => {
    h = await startIdp();
    poolId = (
      await h.idp.send(
        new CreateUserPoolCommand({ PoolName: 'app', AutoVerifiedAttributes: ['email'], Schema: [{ Name: 'tier', AttributeDataType: 'Number', Mutable: true }] }),
      )
    ).UserPool!.Id!;
    publicClient = (
      await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'spa', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'] }))
    ).UserPoolClient!.ClientId!;
    const c = (
      await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'backend', GenerateSecret: true, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))
    ).UserPoolClient!;
    secretClient = { id: c.ClientId!, secret: c.ClientSecret! };
  });
  after(async () => h?.close());

  const signIn = (username: string, password: string, clientId = publicClient) =>
    h.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }));

  it('refuses weak passwords with InvalidPasswordException and AWS wording', async () => {
    await rejectsWith(h.idp.send(new SignUpCommand({ ClientId: publicClient, Username: 'weak', Password: 'short1!A' .slice(0, 5) })), 'InvalidPasswordException', 'Password did not conform with policy: Password not long enough');
    await rejectsWith(h.idp.send(new SignUpCommand({ ClientId: publicClient, Username: 'weak', Password: 'alllowercase1!' })), 'InvalidPasswordException', 'Password did not conform with policy: Password must have uppercase characters');
    await rejectsWith(h.idp.send(new SignUpCommand({ ClientId: publicClient, Username: 'weak', Password: 'NoNumbers!!' })), 'InvalidPasswordException', 'Password did not conform with policy: Password must have numeric characters');
    await rejectsWith(h.idp.send(new SignUpCommand({ ClientId: publicClient, Username: 'weak', Password: 'NoSymbols123' })), 'InvalidPasswordException', 'Password did not conform with policy: Password must have symbol characters');
  });

  it('signs a user up, confirms with the logged code and signs in with USER_PASSWORD_AUTH', async () => {
    const up = await h.idp.send(new SignUpCommand({ ClientId: publicClient, Username: 'alice', Password: STRONG, UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }, { Name: 'custom:tier', Value: '3' }] }));
    assert.equal(up.UserConfirmed, false);
    assert.match(up.UserSub!, /^[0-9a-f-]{36}$/);
    assert.deepEqual(up.CodeDeliveryDetails, { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    await rejectsWith(h.idp.send(new SignUpCommand({ ClientId: publicClient, Username: 'alice', Password: STRONG })), 'UsernameExistsException', 'User already exists');
    await rejectsWith(signIn('alice', STRONG), 'UserNotConfirmedException');

    const codes = await h.codes(poolId, 'alice');
    assert.equal(codes.length, 1);
    assert.equal(codes[0]!.purpose, 'signup');
    const logged = h.logs.find((l) => l.username === 'alice' && l.purpose === 'signup');
    assert.equal(logged?.code, codes[0]!.code, 'the code is in the log');
    await rejectsWith(h.idp.send(new ConfirmSignUpCommand({ ClientId: publicClient, Username: 'alice', ConfirmationCode: codes[0]!.code === '000000' ? '111111' : '000000' })), 'CodeMismatchException');
    await h.idp.send(new ConfirmSignUpCommand({ ClientId: publicClient, Username: 'alice', ConfirmationCode: codes[0]!.code }));
    await rejectsWith(h.idp.send(new ConfirmSignUpCommand({ ClientId: publicClient, Username: 'alice', ConfirmationCode: codes[0]!.code })), 'NotAuthorizedException', /Current status is CONFIRMED/);

    await rejectsWith(signIn('alice', 'Wrong-password-1'), 'NotAuthorizedException', 'Incorrect username or password.');
    await rejectsWith(signIn('nobody', STRONG), 'UserNotFoundException');
    const out = await signIn('alice', STRONG);
    const r = out.AuthenticationResult!;
    assert.equal(r.TokenType, 'Bearer');
    assert.equal(r.ExpiresIn, 3600);
    const id = decode(r.IdToken!);
    const access = decode(r.AccessToken!);
    assert.equal(header(r.IdToken!).alg, 'RS256');
    assert.equal(id.iss, `${h.url}/${poolId}`, 'the issuer is the public URL (reachable) plus the pool id');
    assert.equal(id.token_use, 'id');
    assert.equal(id.aud, publicClient);
    assert.equal(id.sub, up.UserSub);
    assert.equal(id['cognito:username'], 'alice');
    assert.equal(id.email, 'alice@example.com');
    assert.equal(id.email_verified, true, 'ConfirmSignUp verified the auto-verified email');
    assert.equal(id['custom:tier'], '3', 'custom attributes are strings');
    assert.equal(id.origin_jti, access.origin_jti);
    assert.equal(access.token_use, 'access');
    assert.equal(access.scope, 'aws.cognito.signin.user.admin');
    assert.equal(access.client_id, publicClient);
    assert.equal(access.username, 'alice');
    assert.equal(access.aud, undefined, 'access tokens carry no aud');
    assert.equal(access.exp - access.iat, 3600);
    assert.ok(typeof id.auth_time === 'number' && typeof id.jti === 'string');

    const jwks = await h.jwks(poolId);
    assert.ok(jwks.keys.some((k) => k.kid === header(r.IdToken!).kid), 'the signing key is published at <issuer>/.well-known/jwks.json');
    const claims = await h.userPools.verifyIdToken(poolId, r.IdToken!, { clientId: publicClient, serverSideTokenCheck: true });
    assert.equal(claims.sub, up.UserSub);
  });

  it('requires SECRET_HASH for a client with a secret and accepts the right one', async () => {
    await h.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'bob', MessageAction: 'SUPPRESS' }));
    await h.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'bob', Password: STRONG, Permanent: true }));
    await rejectsWith(signIn('bob', STRONG, secretClient.id), 'NotAuthorizedException', `Unable to verify secret hash for client ${secretClient.id}`);
    await rejectsWith(
      h.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: secretClient.id, AuthParameters: { USERNAME: 'bob', PASSWORD: STRONG, SECRET_HASH: secretHash(secretClient.secret, 'bob', publicClient) } })),
      'NotAuthorizedException',
      /secret hash/,
    );
    const ok = await h.idp.send(
      new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: secretClient.id, AuthParameters: { USERNAME: 'bob', PASSWORD: STRONG, SECRET_HASH: secretHash(secretClient.secret, 'bob', secretClient.id) } }),
    );
    const refreshed = await h.idp.send(
      new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: secretClient.id, AuthParameters: { REFRESH_TOKEN: ok.AuthenticationResult!.RefreshToken!, SECRET_HASH: secretHash(secretClient.secret, 'bob', secretClient.id) } }),
    );
    assert.ok(refreshed.AuthenticationResult?.AccessToken);
    assert.equal(refreshed.AuthenticationResult?.RefreshToken, undefined, 'refresh returns no new refresh token');
    assert.equal(decode(refreshed.AuthenticationResult!.IdToken!).origin_jti, decode(ok.AuthenticationResult!.IdToken!).origin_jti);
  });

  it('refuses flows the client does not enable and admin flows on InitiateAuth', async () => {
    const srpOnly = (await h.idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'srp-only' }))).UserPoolClient!.ClientId!;
    await rejectsWith(signIn('bob', STRONG, srpOnly), 'InvalidParameterException', 'USER_PASSWORD_AUTH flow not enabled for this client');
    await rejectsWith(
      h.idp.send(new InitiateAuthCommand({ AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', ClientId: publicClient, AuthParameters: { USERNAME: 'bob', PASSWORD: STRONG } })),
      'InvalidParameterException',
      'Initiate Auth method not supported.',
    );
    await rejectsWith(h.idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'nosuchclient', AuthParameters: {} })), 'ResourceNotFoundException');
  });

  it('walks an admin-created user through NEW_PASSWORD_REQUIRED', async () => {
    const created = await h.idp.send(
      new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'carol', TemporaryPassword: 'Temp-Pass-123', UserAttributes: [{ Name: 'email', Value: 'carol@example.com' }, { Name: 'email_verified', Value: 'true' }] }),
    );
    assert.equal(created.User?.UserStatus, 'FORCE_CHANGE_PASSWORD');
    const first = await h.idp.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: publicClient, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'carol', PASSWORD: 'Temp-Pass-123' } }));
    assert.equal(first.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    assert.ok(first.Session && first.Session.length >= 20);
    assert.deepEqual(JSON.parse(first.ChallengeParameters!.userAttributes!), { email: 'carol@example.com', email_verified: 'true' });
    await rejectsWith(
      h.idp.send(new AdminRespondToAuthChallengeCommand({ UserPoolId: poolId, ClientId: publicClient, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: first.Session, ChallengeResponses: { USERNAME: 'carol', NEW_PASSWORD: 'weak' } })),
      'InvalidPasswordException',
    );
    // A failed answer does not leave the session reusable.
    await rejectsWith(
      h.idp.send(new AdminRespondToAuthChallengeCommand({ UserPoolId: poolId, ClientId: publicClient, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: first.Session, ChallengeResponses: { USERNAME: 'carol', NEW_PASSWORD: STRONG } })),
      'NotAuthorizedException',
      /Invalid session/,
    );
    const again = await signIn('carol', 'Temp-Pass-123');
    const done = await h.idp.send(
      new RespondToAuthChallengeCommand({ ClientId: publicClient, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: again.Session, ChallengeResponses: { USERNAME: 'carol', NEW_PASSWORD: STRONG, 'userAttributes.name': 'Carol' } }),
    );
    assert.ok(done.AuthenticationResult?.IdToken);
    assert.equal(decode(done.AuthenticationResult!.IdToken!).name, 'Carol');
    assert.equal((await h.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'carol' }))).UserStatus, 'CONFIRMED');
    await rejectsWith(signIn('carol', 'Temp-Pass-123'), 'NotAuthorizedException');
  });

  it('puts groups, roles and the preferred role (lowest precedence) into tokens', async () => {
    await h.idp.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Precedence: 1, RoleArn: `arn:aws:iam::${h.accountId}:role/Admin` }));
    await h.idp.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'readers', Precedence: 5, RoleArn: `arn:aws:iam::${h.accountId}:role/Reader`, Description: 'read only' }));
    await rejectsWith(h.idp.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins' })), 'GroupExistsException');
    await h.idp.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'bob', GroupName: 'readers' }));
    await h.idp.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'bob', GroupName: 'admins' }));
    const groups = await h.idp.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'bob' }));
    assert.deepEqual(groups.Groups?.map((g) => g.GroupName), ['admins', 'readers']);
    assert.equal((await h.idp.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'readers' }))).Group?.Description, 'read only');
    const id = decode((await signIn('bob', STRONG)).AuthenticationResult!.IdToken!);
    assert.deepEqual(id['cognito:groups'], ['admins', 'readers']);
    assert.deepEqual(id['cognito:roles'], [`arn:aws:iam::${h.accountId}:role/Admin`, `arn:aws:iam::${h.accountId}:role/Reader`]);
    assert.equal(id['cognito:preferred_role'], `arn:aws:iam::${h.accountId}:role/Admin`);
    await h.idp.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: 'bob', GroupName: 'admins' }));
    await h.idp.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'readers' }));
    assert.deepEqual((await h.idp.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'bob' }))).Groups, []);
    assert.deepEqual((await h.idp.send(new ListGroupsCommand({ UserPoolId: poolId }))).Groups?.map((g) => g.GroupName), ['admins']);
  });

  it('filters ListUsers with = and ^=', async () => {
    const all = await h.idp.send(new ListUsersCommand({ UserPoolId: poolId }));
    assert.ok((all.Users?.length ?? 0) >= 3);
    const exact = await h.idp.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'email = "alice@example.com"' }));
    assert.deepEqual(exact.Users?.map((u) => u.Username), ['alice']);
    const prefix = await h.idp.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'username ^= "ca"' }));
    assert.deepEqual(prefix.Users?.map((u) => u.Username), ['carol']);
    const status = await h.idp.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'cognito:user_status = "CONFIRMED"', Limit: 1 }));
    assert.equal(status.Users?.length, 1);
    assert.ok(status.PaginationToken);
    await rejectsWith(h.idp.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'email contains "x"' })), 'InvalidParameterException', 'Error while parsing filter.');
  });

  it('serves GetUser and UpdateUserAttributes with an access token and revokes on GlobalSignOut', async () => {
    const r = (await signIn('alice', STRONG)).AuthenticationResult!;
    const me = await h.idp.send(new GetUserCommand({ AccessToken: r.AccessToken }));
    assert.equal(me.Username, 'alice');
    assert.ok(me.UserAttributes?.some((a) => a.Name === 'sub'));
    await h.idp.send(new UpdateUserAttributesCommand({ AccessToken: r.AccessToken, UserAttributes: [{ Name: 'name', Value: 'Alice A.' }] }));
    await rejectsWith(h.idp.send(new UpdateUserAttributesCommand({ AccessToken: r.AccessToken, UserAttributes: [{ Name: 'custom:nope', Value: 'x' }] })), 'InvalidParameterException', /does not exist in the schema/);
    assert.equal((await h.idp.send(new GetUserCommand({ AccessToken: r.AccessToken }))).UserAttributes?.find((a) => a.Name === 'name')?.Value, 'Alice A.');
    const other = (await signIn('alice', STRONG)).AuthenticationResult!;
    await h.idp.send(new GlobalSignOutCommand({ AccessToken: r.AccessToken }));
    await rejectsWith(h.idp.send(new GetUserCommand({ AccessToken: other.AccessToken })), 'NotAuthorizedException', 'Access Token has been revoked');
    await rejectsWith(
      h.idp.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: publicClient, AuthParameters: { REFRESH_TOKEN: other.RefreshToken! } })),
      'NotAuthorizedException',
      'Refresh Token has been revoked',
    );
    await assert.rejects(h.userPools.verifyIdToken(poolId, other.IdToken!, { serverSideTokenCheck: true }), (e: any) => e.name === 'Refusal' && e.kind === 'NotAuthorized');
    const fresh = (await signIn('alice', STRONG)).AuthenticationResult!;
    assert.equal((await h.idp.send(new GetUserCommand({ AccessToken: fresh.AccessToken }))).Username, 'alice', 'a new sign-in after sign-out works');
    await rejectsWith(h.idp.send(new GetUserCommand({ AccessToken: fresh.AccessToken!.slice(0, -4) + 'AAAA' })), 'NotAuthorizedException', 'Invalid Access Token');
  });

  it('revokes one refresh token and its access tokens with RevokeToken', async () => {
    const r = (await signIn('alice', STRONG)).AuthenticationResult!;
    await rejectsWith(h.idp.send(new RevokeTokenCommand({ ClientId: publicClient, Token: r.AccessToken })), 'UnsupportedTokenTypeException');
    await h.idp.send(new RevokeTokenCommand({ ClientId: publicClient, Token: r.RefreshToken }));
    await rejectsWith(h.idp.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: publicClient, AuthParameters: { REFRESH_TOKEN: r.RefreshToken! } })), 'NotAuthorizedException', 'Refresh Token has been revoked');
    await rejectsWith(h.idp.send(new GetUserCommand({ AccessToken: r.AccessToken })), 'NotAuthorizedException', 'Access Token has been revoked');
    await rejectsWith(h.idp.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: publicClient, AuthParameters: { REFRESH_TOKEN: 'garbage' } })), 'NotAuthorizedException', 'Invalid Refresh Token');
  });

  it('resets a forgotten password with the logged code and changes a password with the old one', async () => {
    const fp = await h.idp.send(new ForgotPasswordCommand({ ClientId: publicClient, Username: 'alice' }));
    assert.equal(fp.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
    const code = (await h.codes(poolId, 'alice')).find((c) => c.purpose === 'forgot-password')!.code;
    await rejectsWith(h.idp.send(new ConfirmForgotPasswordCommand({ ClientId: publicClient, Username: 'alice', ConfirmationCode: code, Password: 'weak' })), 'InvalidPasswordException');
    const next = 'Another-Strong-9-pass';
    await h.idp.send(new ConfirmForgotPasswordCommand({ ClientId: publicClient, Username: 'alice', ConfirmationCode: code, Password: next }));
    await rejectsWith(h.idp.send(new ConfirmForgotPasswordCommand({ ClientId: publicClient, Username: 'alice', ConfirmationCode: code, Password: next })), 'ExpiredCodeException');
    const r = (await signIn('alice', next)).AuthenticationResult!;
    await rejectsWith(h.idp.send(new ChangePasswordCommand({ AccessToken: r.AccessToken, PreviousPassword: 'Wrong-Old-9-pass', ProposedPassword: STRONG })), 'NotAuthorizedException');
    await h.idp.send(new ChangePasswordCommand({ AccessToken: r.AccessToken, PreviousPassword: next, ProposedPassword: STRONG }));
    assert.ok((await signIn('alice', STRONG)).AuthenticationResult);
  });

  it('disables, enables, confirms and deletes users as an administrator', async () => {
    await h.idp.send(new SignUpCommand({ ClientId: publicClient, Username: 'dave', Password: STRONG }));
    await h.idp.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'dave' }));
    await h.idp.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'dave' }));
    await rejectsWith(signIn('dave', STRONG), 'NotAuthorizedException', 'User is disabled.');
    await h.idp.send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: 'dave' }));
    assert.ok((await signIn('dave', STRONG)).AuthenticationResult);
    await h.idp.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'dave' }));
    await rejectsWith(h.idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'dave' })), 'UserNotFoundException');
  });
  it('remembers a proven password for the next sign-in only while it is still the stored one, and still applies the user state', async () => {
    const memo = h.userPools.internals.passwordMemo;
    await h.idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'erin', MessageAction: 'SUPPRESS' }));
    await h.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'erin', Password: STRONG, Permanent: true }));
    const before = { ...memo.stats };
    assert.ok((await signIn('erin', STRONG)).AuthenticationResult);
    assert.ok((await signIn('erin', STRONG)).AuthenticationResult, 'signed in again');
    assert.equal(memo.stats.hits - before.hits, 1, 'the second sign-in was served from the memo');
    // Wrong passwords never hit, before or after a remembered right one.
    await rejectsWith(signIn('erin', 'Wrong-Passw0rd-9!'), 'NotAuthorizedException', 'Incorrect username or password.');
    assert.equal(memo.stats.hits - before.hits, 1);
    // The state is checked on a hit too.
    await h.idp.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'erin' }));
    await rejectsWith(signIn('erin', STRONG), 'NotAuthorizedException', 'User is disabled.');
    assert.equal(memo.stats.hits - before.hits, 2, 'the refused sign-in had a proven password');
    await h.idp.send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: 'erin' }));
    // A new password (here the same text: a new salt) must be proven again; the old one stops at once.
    const next = 'Next-Strong-9-pass!';
    await h.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'erin', Password: next, Permanent: true }));
    await rejectsWith(signIn('erin', STRONG), 'NotAuthorizedException', 'Incorrect username or password.');
    await h.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'erin', Password: STRONG, Permanent: true }));
    const hits = memo.stats.hits;
    assert.ok((await signIn('erin', STRONG)).AuthenticationResult);
    assert.equal(memo.stats.hits, hits, 'proven again against the new hash, not recalled');
  });
});
