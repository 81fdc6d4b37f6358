/**
 * What end users call without AWS credentials (aws-surface.md §7.1, §7.3): SignUp,
 * ConfirmSignUp, ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword (authorised by the
 * app client + SecretHash), and GetUser, UpdateUserAttributes, ChangePassword, GlobalSignOut
 * (authorised by an access token carrying aws.cognito.signin.user.admin), RevokeToken (client
 * id + secret), and software-token MFA: AssociateSoftwareToken and VerifySoftwareToken (by access
 * token, or by the Session of an MFA_SETUP challenge), SetUserMFAPreference (mfa.ts). Codes are
 * not mailed: they go to the log and `UserPools.lastCodes`.
 */
import { defineOperation, type Operation } from '../../../wire/operation.js';
import { clientNotFound, idpError, invalidParameter, MSG, notAuthorized } from '../errors.js';
import { checkPasswordPolicy } from '../passwords.js';
import type { ChallengeRecord, UserPoolRecord, UserRecord } from '../records.js';
import { checkAttributes, checkRequired } from '../schema.js';
import { secretHashMatches } from '../secrets.js';
import { ADMIN_SCOPE, peekClaims } from '../tokens.js';
import type { ClientRecord } from '../user-pools.js';
import { attributeList, type OpsDeps } from './shapes.js';

/** `a***@e***` — AWS masks the destination of a code (CodeDeliveryDetailsType.Destination). */
function mask(value: string): string {
  const at = value.indexOf('@');
  if (at > 0) return `${value[0]}***@${value[at + 1] ?? ''}***`;
  return `+*******${value.slice(-4)}`;
}

export function selfServiceOperations(deps: OpsDeps): Operation[] {
  const up = deps.userPools;
  const { directory, users, stores, clock, mfa, challenges, passwords } = up.internals;

  async function clientFor(clientId: string): Promise<{ client: ClientRecord; pool: UserPoolRecord }> {
    const client = await up.getClient(clientId);
    if (!client) throw clientNotFound(clientId);
    return { client, pool: await directory.requirePool(client.userPoolId) };
  }

  function checkSecretHash(client: ClientRecord, given: string | undefined, usernames: string[]) {
    if (client.clientSecret && !secretHashMatches(client.clientSecret, client.clientId, given, usernames)) {
      throw notAuthorized(MSG.secretHash(client.clientId), 'idp.secret-hash', client.clientId);
    }
  }

  async function userFor(client: ClientRecord, pool: UserPoolRecord, username: string): Promise<UserRecord> {
    const user = await users.find(pool, username);
    if (user) return user;
    if (client.preventUserExistenceErrors === 'ENABLED') throw idpError('CodeMismatchException', MSG.codeMismatch, { check: 'idp.user', actual: username });
    throw idpError('UserNotFoundException', MSG.userNotFound, { check: 'idp.user', actual: username });
  }

  /** Where a code would be delivered: the first auto-verified attribute the user has. */
  function delivery(pool: UserPoolRecord, user: UserRecord, anyContact = false) {
    const candidates = anyContact ? ['email', 'phone_number'] : pool.autoVerifiedAttributes;
    const attr = candidates.find((a) => user.attributes[a]);
    if (!attr) return undefined;
    return { Destination: mask(user.attributes[attr]!), DeliveryMedium: attr === 'email' ? 'EMAIL' : 'SMS', AttributeName: attr };
  }

  async function withAccessToken(token: string) {
    const verified = await up.verifyAccessToken(token);
    if (!verified.scopes.includes(ADMIN_SCOPE)) throw notAuthorized('Access Token does not have required scopes', 'idp.access.scope', verified.scopes);
    const pool = await directory.requirePool(verified.userPoolId);
    return { verified, pool, user: await users.require(pool, verified.username) };
  }

  type SetupSession = { kind: 'session'; session: string; record: ChallengeRecord; pool: UserPoolRecord; user: UserRecord };
  /**
   * AssociateSoftwareToken / VerifySoftwareToken take an access token or the Session of an
   * MFA_SETUP challenge, never both (InvalidParameterException).
   */
  async function accessTokenOrSession(input: { AccessToken?: string; Session?: string }): Promise<{ kind: 'token'; pool: UserPoolRecord; user: UserRecord } | SetupSession> {
    if (input.AccessToken !== undefined && input.Session !== undefined) throw invalidParameter('Only one of AccessToken or Session can be provided.', 'idp.mfa.token-and-session');
    if (input.AccessToken !== undefined) {
      const { pool, user } = await withAccessToken(input.AccessToken);
      return { kind: 'token', pool, user };
    }
    if (input.Session === undefined) throw invalidParameter('Either AccessToken or Session must be provided.', 'idp.mfa.no-token');
    const record = await challenges.open(input.Session, 'MFA_SETUP', undefined);
    const pool = await directory.requirePool(record.userPoolId);
    const user = await users.find(pool, record.username);
    if (!user) throw notAuthorized('Invalid session for the user.', 'idp.session.user');
    return { kind: 'session', session: input.Session, record, pool, user };
  }

  /**
   * The MFA_SETUP session after a step: the given one is burnt, a new one carries the progress
   * and the sign-in's original deadline.
   */
  async function nextSetupSession(by: SetupSession, progress: 'associated' | 'verified'): Promise<string> {
    await challenges.finish(by.session);
    return challenges.continue({ ...by.record, mfaSetup: progress });
  }

  const unsigned = (name: string, handler: (input: any) => Promise<unknown>): Operation =>
    defineOperation({ service: 'cognito-idp', name, auth: 'none', authorize: false, handler: handler as Operation['handler'] });

  return [
    unsigned('SignUp', async (input) => {
      const { client, pool } = await clientFor(input.ClientId);
      checkSecretHash(client, input.SecretHash, [input.Username]);
      if (input.Password === undefined) throw invalidParameter('Password is required.', 'idp.signup.password');
      checkPasswordPolicy(input.Password, pool.passwordPolicy);
      const attributes = checkAttributes(pool, input.UserAttributes, 'create');
      for (const name of Object.keys(attributes)) {
        if (client.writeAttributes && !client.writeAttributes.includes(name)) throw notAuthorized('A client attempted to write unauthorized attribute', 'idp.attribute.write', name);
      }
      checkRequired(pool, { ...attributes, ...(pool.usernameAttributes.includes('email') && String(input.Username).includes('@') ? { email: input.Username } : {}) });
      let user = await users.create(pool, { username: input.Username, attributes, status: 'UNCONFIRMED' });
      user = await users.setPassword(pool, user, input.Password, 'UNCONFIRMED');
      const details = delivery(pool, user);
      if (details) await users.issueCode(pool, user, 'signup');
      return { UserConfirmed: false, UserSub: user.sub, ...(details ? { CodeDeliveryDetails: details } : {}) };
    }),
    unsigned('ConfirmSignUp', async (input) => {
      const { client, pool } = await clientFor(input.ClientId);
      checkSecretHash(client, input.SecretHash, [input.Username]);
      const user = await userFor(client, pool, input.Username);
      if (user.status !== 'UNCONFIRMED') throw notAuthorized(`User cannot be confirmed. Current status is ${user.status}`, 'idp.user.confirm', user.status);
      await users.consumeCode(pool, user, 'signup', input.ConfirmationCode);
      const verified = pool.autoVerifiedAttributes.filter((a) => user.attributes[a]);
      await users.update(pool, user.username, (u) => ({
        ...u,
        status: 'CONFIRMED',
        attributes: { ...u.attributes, ...Object.fromEntries(verified.map((a) => [`${a}_verified`, 'true'])) },
      }));
      return {};
    }),
    unsigned('ResendConfirmationCode', async (input) => {
      const { client, pool } = await clientFor(input.ClientId);
      checkSecretHash(client, input.SecretHash, [input.Username]);
      const user = await userFor(client, pool, input.Username);
      if (user.status !== 'UNCONFIRMED') throw invalidParameter('User is already confirmed.', 'idp.user.confirmed');
      const details = delivery(pool, user);
      if (!details) throw invalidParameter('Auto verification not turned on.', 'idp.code.delivery');
      await users.issueCode(pool, user, 'signup');
      return { CodeDeliveryDetails: details };
    }),
    unsigned('ForgotPassword', async (input) => {
      const { client, pool } = await clientFor(input.ClientId);
      checkSecretHash(client, input.SecretHash, [input.Username]);
      const user = await userFor(client, pool, input.Username);
      if (user.status === 'EXTERNAL_PROVIDER') throw notAuthorized('User password cannot be reset in the current state.', 'idp.user.federated');
      const details = delivery(pool, user, true);
      if (!details) throw invalidParameter('Cannot reset password for the user as there is no registered/verified email or phone_number', 'idp.code.delivery');
      await users.issueCode(pool, user, 'forgot-password');
      return { CodeDeliveryDetails: details };
    }),
    unsigned('ConfirmForgotPassword', async (input) => {
      const { client, pool } = await clientFor(input.ClientId);
      checkSecretHash(client, input.SecretHash, [input.Username]);
      const user = await userFor(client, pool, input.Username);
      // Check the policy first, so a weak password does not burn the code.
      checkPasswordPolicy(input.Password, pool.passwordPolicy);
      await users.consumeCode(pool, user, 'forgot-password', input.ConfirmationCode);
      await users.setPassword(pool, user, input.Password, user.status === 'UNCONFIRMED' ? 'UNCONFIRMED' : 'CONFIRMED');
      return {};
    }),
    unsigned('GetUser', async (input) => {
      const { user } = await withAccessToken(input.AccessToken);
      return { Username: user.username, UserAttributes: attributeList(user), ...mfa.settingsOf(user) };
    }),
    unsigned('AssociateSoftwareToken', async (input) => {
      const by = await accessTokenOrSession(input);
      if (by.kind === 'token') return { SecretCode: await mfa.associate(by.pool, by.user) };
      const secret = await mfa.associate(by.pool, by.user);
      return { SecretCode: secret, Session: await nextSetupSession(by, 'associated') };
    }),
    unsigned('VerifySoftwareToken', async (input) => {
      const by = await accessTokenOrSession(input);
      await mfa.verifyAssociation(by.pool, by.user, input.UserCode, input.FriendlyDeviceName);
      if (by.kind === 'token') return { Status: 'SUCCESS' };
      return { Status: 'SUCCESS', Session: await nextSetupSession(by, 'verified') };
    }),
    unsigned('SetUserMFAPreference', async (input) => {
      const { pool, user } = await withAccessToken(input.AccessToken);
      await mfa.setPreference(pool, user, input);
      return {};
    }),
    unsigned('UpdateUserAttributes', async (input) => {
      const { pool, user, verified } = await withAccessToken(input.AccessToken);
      const client = await up.getClient(verified.clientId);
      const attributes = checkAttributes(pool, input.UserAttributes, 'update');
      for (const name of Object.keys(attributes)) {
        if (client?.writeAttributes && !client.writeAttributes.includes(name)) throw notAuthorized('A client attempted to write unauthorized attribute', 'idp.attribute.write', name);
        if (name.endsWith('_verified')) throw invalidParameter(`Cannot modify the attribute ${name} with this API.`, 'idp.attribute.verified', name);
      }
      await users.setAttributes(pool, user, attributes);
      return {};
    }),
    unsigned('ChangePassword', async (input) => {
      const { pool, user } = await withAccessToken(input.AccessToken);
      if (!user.password || input.PreviousPassword === undefined) throw notAuthorized(MSG.badCredentials, 'idp.password');
      // A wrong previous password counts toward the sign-in lockout (lockout.ts): a stolen access
      // token must not become a way to guess the password without limit.
      users.checkLockout(user, 'change-password');
      if (!(await passwords.verify(input.PreviousPassword, user.password))) {
        await users.recordFailure(pool, user);
        throw notAuthorized(MSG.badCredentials, 'idp.password');
      }
      await users.clearFailures(pool, user);
      await users.setPassword(pool, user, input.ProposedPassword, user.status);
      return {};
    }),
    unsigned('GlobalSignOut', async (input) => {
      const { pool, user } = await withAccessToken(input.AccessToken);
      const at = clock().getTime();
      await users.update(pool, user.username, (u) => ({ ...u, tokensRevokedBeforeMs: Math.max(u.tokensRevokedBeforeMs ?? 0, at) }));
      return {};
    }),
    unsigned('RevokeToken', async (input) => {
      const client = await up.getClient(input.ClientId);
      if (!client) throw idpError('UnauthorizedException', 'Invalid client', { check: 'idp.client', actual: input.ClientId });
      if (client.clientSecret && !up.verifyClientSecret(client, input.ClientSecret)) {
        throw idpError('UnauthorizedException', 'Invalid client secret', { check: 'idp.client-secret' });
      }
      if (!client.enableTokenRevocation) throw idpError('UnsupportedOperationException', 'Token revocation is not enabled for this client.', { check: 'idp.revocation.disabled' });
      if (peekClaims(input.Token)) throw idpError('UnsupportedTokenTypeException', 'Unsupported token type', { check: 'idp.revocation.token-type' });
      await up.revokeRefreshToken(client.clientId, input.Token);
      void stores;
      return {};
    }),
  ];
}
