/**
 * Sign-in: InitiateAuth / RespondToAuthChallenge (unsigned, authorised by the app client and its
 * SECRET_HASH) and AdminInitiateAuth / AdminRespondToAuthChallenge (SigV4). Flows
 * (aws-surface.md §7.3): USER_PASSWORD_AUTH, USER_SRP_AUTH → PASSWORD_VERIFIER (srp.ts),
 * REFRESH_TOKEN_AUTH / REFRESH_TOKEN, and on the Admin variant ADMIN_USER_PASSWORD_AUTH /
 * ADMIN_NO_SRP_AUTH; FORCE_CHANGE_PASSWORD users get NEW_PASSWORD_REQUIRED. After the password,
 * users with TOTP activated get SOFTWARE_TOKEN_MFA and, in pools requiring MFA, users without it
 * MFA_SETUP (mfa.ts). GetTokensFromRefreshToken (unsigned, authorised by the client and its
 * secret) refreshes as REFRESH_TOKEN_AUTH does; either returns a new refresh token only when the
 * client rotates them (RefreshTokenRotation).
 */
import { randomBytes } from 'node:crypto';
import { defineOperation, type Operation } from '../../../wire/operation.js';
import { clientNotFound, idpError, invalidParameter, MSG, notAuthorized } from '../errors.js';
import type { UserPoolClientRecord, UserPoolRecord, UserRecord } from '../records.js';
import { secretHashMatches } from '../secrets.js';
import { claimSignature, isValidA, parseTimestamp, poolNameOf, serverEphemeral, serverKey, signaturesEqual } from '../srp.js';
import { checkAttributes } from '../schema.js';
import { NewPasswordRequiredError, type ClientRecord, type UserPools } from '../user-pools.js';
import { poolResource, type OpsDeps } from './shapes.js';

type Params = Record<string, string | undefined>;
type Variant = 'user' | 'admin';

/** The ALLOW_* value that enables each AuthFlow, and the legacy value (pre-ALLOW_ clients). */
const FLOW_SWITCH: Record<string, { allow: string; legacy?: string }> = {
  USER_PASSWORD_AUTH: { allow: 'ALLOW_USER_PASSWORD_AUTH', legacy: 'USER_PASSWORD_AUTH' },
  USER_SRP_AUTH: { allow: 'ALLOW_USER_SRP_AUTH' },
  REFRESH_TOKEN_AUTH: { allow: 'ALLOW_REFRESH_TOKEN_AUTH' },
  REFRESH_TOKEN: { allow: 'ALLOW_REFRESH_TOKEN_AUTH' },
  ADMIN_USER_PASSWORD_AUTH: { allow: 'ALLOW_ADMIN_USER_PASSWORD_AUTH', legacy: 'ADMIN_NO_SRP_AUTH' },
  ADMIN_NO_SRP_AUTH: { allow: 'ALLOW_ADMIN_USER_PASSWORD_AUTH', legacy: 'ADMIN_NO_SRP_AUTH' },
};

const FLOWS: Record<Variant, Set<string>> = {
  user: new Set(['USER_PASSWORD_AUTH', 'USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN']),
  admin: new Set(['ADMIN_USER_PASSWORD_AUTH', 'ADMIN_NO_SRP_AUTH', 'USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN']),
};

export function flowEnabled(client: Pick<UserPoolClientRecord, 'explicitAuthFlows'>, flow: string): boolean {
  const sw = FLOW_SWITCH[flow];
  if (!sw) return false;
  const flows = client.explicitAuthFlows;
  if (flows.some((f) => f.startsWith('ALLOW_'))) return flows.includes(sw.allow);
  // Legacy lists: SRP and refresh are always on; the others only when listed.
  return sw.legacy === undefined || flows.includes(sw.legacy);
}

export function authOperations(deps: OpsDeps): Operation[] {
  const up = deps.userPools;
  const { directory, users, tokens, challenges, mfa } = up.internals;
  const random = up.internals.random ?? randomBytes;

  async function clientFor(clientId: string, userPoolId?: string): Promise<{ client: ClientRecord; pool: UserPoolRecord }> {
    const client = await up.getClient(clientId);
    if (!client || (userPoolId !== undefined && client.userPoolId !== userPoolId)) {
      if (userPoolId !== undefined) await directory.requirePool(userPoolId);
      throw clientNotFound(clientId);
    }
    return { client, pool: await directory.requirePool(client.userPoolId) };
  }

  function checkSecretHash(client: ClientRecord, given: string | undefined, usernames: string[]) {
    if (!client.clientSecret) return;
    if (!secretHashMatches(client.clientSecret, client.clientId, given, usernames)) {
      throw notAuthorized(MSG.secretHash(client.clientId), 'idp.secret-hash', client.clientId);
    }
  }

  const required = (params: Params, name: string): string => {
    const v = params[name];
    if (v === undefined || v === '') throw invalidParameter(`Missing required parameter ${name}`, 'idp.auth.parameter', name);
    return v;
  };

  async function tokensResult(pool: UserPoolRecord, client: ClientRecord, user: UserRecord) {
    const t = await tokens.issue({ userPoolId: pool.id, client, user, scopes: [], refresh: true, via: 'api' });
    return { ChallengeParameters: {}, AuthenticationResult: { AccessToken: t.accessToken, ExpiresIn: t.expiresIn, TokenType: 'Bearer', RefreshToken: t.refreshToken, IdToken: t.idToken } };
  }

  function refreshedResult(t: Awaited<ReturnType<UserPools['refreshTokens']>>) {
    return { AccessToken: t.accessToken, ExpiresIn: t.expiresIn, TokenType: 'Bearer', IdToken: t.idToken, ...(t.refreshToken ? { RefreshToken: t.refreshToken } : {}) };
  }

  /**
   * GetTokensFromRefreshToken: a client with a secret must send it (ClientSecret, not a
   * SECRET_HASH); then every check of a refresh (revoked, expired, signed out, another client's,
   * rotated out).
   */
  async function getTokensFromRefreshToken(input: { ClientId: string; RefreshToken: string; ClientSecret?: string }) {
    const { client } = await clientFor(input.ClientId);
    if (!up.verifyClientSecret(client, input.ClientSecret)) {
      if (client.clientSecret && !input.ClientSecret) throw notAuthorized(MSG.secretMissing(client.clientId), 'idp.client-secret.missing', client.clientId);
      throw notAuthorized(MSG.clientSecret(client.clientId), 'idp.client-secret', client.clientId);
    }
    if (!flowEnabled(client, 'REFRESH_TOKEN_AUTH')) throw invalidParameter(MSG.flowNotEnabled('REFRESH_TOKEN_AUTH'), 'idp.auth.flow-disabled', 'REFRESH_TOKEN_AUTH');
    return { AuthenticationResult: refreshedResult(await up.refreshTokens(client.clientId, input.RefreshToken)) };
  }

  async function newPasswordChallenge(pool: UserPoolRecord, client: ClientRecord, user: UserRecord) {
    const session = await challenges.start({ challenge: 'NEW_PASSWORD_REQUIRED', userPoolId: pool.id, clientId: client.clientId, username: user.username }, client.authSessionValidity);
    const attributes = Object.fromEntries(Object.entries(user.attributes).filter(([k]) => k !== 'sub' && k !== 'identities'));
    const missing = pool.schema.filter((s) => s.Required && s.Name !== 'sub' && !user.attributes[s.Name]).map((s) => `userAttributes.${s.Name}`);
    return {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: session,
      ChallengeParameters: { USER_ID_FOR_SRP: user.username, requiredAttributes: JSON.stringify(missing), userAttributes: JSON.stringify(attributes) },
    };
  }

  /** A confirmed user's proven password: tokens, or the MFA challenge still owed. */
  async function afterFirstFactor(pool: UserPoolRecord, client: ClientRecord, user: UserRecord) {
    const step = mfa.stepAfterPassword(pool, user);
    if (step === undefined) return tokensResult(pool, client, user);
    const session = await challenges.start({ challenge: step, userPoolId: pool.id, clientId: client.clientId, username: user.username }, client.authSessionValidity);
    const parameters: Record<string, string> =
      step === 'SOFTWARE_TOKEN_MFA'
        ? { USER_ID_FOR_SRP: user.username, ...(user.softwareToken?.friendlyName ? { FRIENDLY_DEVICE_NAME: user.softwareToken.friendlyName } : {}) }
        : { USER_ID_FOR_SRP: user.username, MFAS_CAN_SETUP: JSON.stringify(['SOFTWARE_TOKEN_MFA']) };
    return { ChallengeName: step, Session: session, ChallengeParameters: parameters };
  }

  /** After a proven password: the user's state decides between tokens and a challenge. */
  async function afterPassword(pool: UserPoolRecord, client: ClientRecord, user: UserRecord) {
    if (!user.enabled) throw notAuthorized(MSG.userDisabled, 'idp.user.disabled');
    switch (user.status) {
      case 'CONFIRMED':
        return afterFirstFactor(pool, client, user);
      case 'FORCE_CHANGE_PASSWORD':
        if ((user.temporaryPasswordExpiresAt ?? Infinity) <= Math.floor(up.internals.clock().getTime() / 1000)) {
          throw notAuthorized(MSG.tempPasswordExpired, 'idp.user.temporary-expired');
        }
        return newPasswordChallenge(pool, client, user);
      case 'UNCONFIRMED':
        throw idpError('UserNotConfirmedException', MSG.userNotConfirmed, { check: 'idp.user.unconfirmed' });
      case 'RESET_REQUIRED':
        throw idpError('PasswordResetRequiredException', MSG.passwordResetRequired, { check: 'idp.user.reset-required' });
      default:
        throw notAuthorized(MSG.badCredentials, 'idp.user.status', user.status);
    }
  }

  async function unknownUser(client: ClientRecord, username: string): Promise<never> {
    if (client.preventUserExistenceErrors === 'ENABLED') throw notAuthorized(MSG.badCredentials, 'idp.user', username);
    throw idpError('UserNotFoundException', MSG.userNotFound, { check: 'idp.user', actual: username });
  }

  async function initiate(variant: Variant, input: { AuthFlow: string; ClientId: string; UserPoolId?: string; AuthParameters?: Params }) {
    const { client, pool } = await clientFor(input.ClientId, input.UserPoolId);
    const params = input.AuthParameters ?? {};
    const flow = input.AuthFlow;
    if (!FLOWS[variant].has(flow)) throw invalidParameter(MSG.initiateNotSupported, 'idp.auth.flow', flow);
    if (!flowEnabled(client, flow)) throw invalidParameter(MSG.flowNotEnabled(flow), 'idp.auth.flow-disabled', flow);

    if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') {
      const refreshToken = required(params, 'REFRESH_TOKEN');
      const event = await tokens.openRefreshToken(client.clientId, refreshToken);
      if (client.clientSecret) {
        const user = await up.internals.stores.users.get(users.key(pool, event.username));
        checkSecretHash(client, params.SECRET_HASH, [event.username, ...(user ? [user.sub] : []), ...(params.USERNAME ? [params.USERNAME] : [])]);
      }
      return { ChallengeParameters: {}, AuthenticationResult: refreshedResult(await up.refreshTokens(client.clientId, refreshToken)) };
    }

    const username = required(params, 'USERNAME');
    checkSecretHash(client, params.SECRET_HASH, [username]);

    if (flow === 'USER_SRP_AUTH') {
      const A = BigInt(`0x${/^[0-9a-fA-F]{1,2048}$/.test(required(params, 'SRP_A')) ? params.SRP_A : '0'}`);
      if (!isValidA(A)) throw invalidParameter('SRP_A is not a valid SRP value.', 'idp.srp.a');
      const user = await users.find(pool, username);
      if (!user) return unknownUser(client, username);
      if (!user.srp) throw notAuthorized(MSG.badCredentials, 'idp.srp.no-verifier');
      const { b, B } = serverEphemeral(user.srp.verifier, random);
      const secretBlock = random(64).toString('base64');
      const session = await challenges.start(
        { challenge: 'PASSWORD_VERIFIER', userPoolId: pool.id, clientId: client.clientId, username: user.username, srp: { b: b.toString(16), B: B.toString(16), A: A.toString(16), secretBlock } },
        client.authSessionValidity,
      );
      return {
        ChallengeName: 'PASSWORD_VERIFIER',
        Session: session,
        ChallengeParameters: { SALT: user.srp.salt, SECRET_BLOCK: secretBlock, SRP_B: B.toString(16), USERNAME: user.username, USER_ID_FOR_SRP: user.username },
      };
    }

    // USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, ADMIN_NO_SRP_AUTH
    const password = required(params, 'PASSWORD');
    try {
      const user = await up.authenticatePassword(pool.id, username, password, { preventUserExistenceErrors: client.preventUserExistenceErrors === 'ENABLED' });
      return await afterFirstFactor(pool, client, user);
    } catch (err) {
      if (err instanceof NewPasswordRequiredError) return newPasswordChallenge(pool, client, err.user);
      throw err;
    }
  }

  async function respond(input: { ClientId: string; UserPoolId?: string; ChallengeName: string; Session?: string; ChallengeResponses?: Params }) {
    const { client, pool } = await clientFor(input.ClientId, input.UserPoolId);
    const r = input.ChallengeResponses ?? {};
    const username = required(r, 'USERNAME');
    checkSecretHash(client, r.SECRET_HASH, [username]);

    if (input.ChallengeName === 'PASSWORD_VERIFIER') {
      const record = await challenges.take(input.Session, 'PASSWORD_VERIFIER', client.clientId);
      const user = await users.find(pool, record.username);
      if (!user || !user.srp || !record.srp) throw notAuthorized(MSG.badCredentials, 'idp.srp.user');
      if (username !== record.username && (await users.find(pool, username))?.username !== record.username) throw notAuthorized(MSG.badCredentials, 'idp.srp.username');
      const timestamp = required(r, 'TIMESTAMP');
      // Replay is prevented by the single-use session; the timestamp must still be Cognito's format.
      if (!parseTimestamp(timestamp)) throw invalidParameter('TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.', 'idp.srp.timestamp', timestamp);
      const signature = required(r, 'PASSWORD_CLAIM_SIGNATURE');
      // The password proof: refused without looking while locked out; a wrong one counts.
      users.checkLockout(user);
      const wrong = async (check: string): Promise<never> => {
        await users.recordFailure(pool, user);
        throw notAuthorized(MSG.badCredentials, check);
      };
      if (required(r, 'PASSWORD_CLAIM_SECRET_BLOCK') !== record.srp.secretBlock) return wrong('idp.srp.secret-block');
      const key = serverKey(BigInt(`0x${record.srp.A}`), BigInt(`0x${record.srp.B}`), BigInt(`0x${record.srp.b}`), user.srp.verifier);
      const expected = claimSignature(key, poolNameOf(pool.id), record.username, record.srp.secretBlock, timestamp);
      if (!signaturesEqual(expected, signature)) return wrong('idp.srp.signature');
      await users.clearFailures(pool, user);
      return afterPassword(pool, client, user);
    }

    if (input.ChallengeName === 'NEW_PASSWORD_REQUIRED') {
      const record = await challenges.take(input.Session, 'NEW_PASSWORD_REQUIRED', client.clientId);
      const newPassword = required(r, 'NEW_PASSWORD');
      const attributes = Object.fromEntries(
        Object.entries(r)
          .filter(([k, v]) => k.startsWith('userAttributes.') && v !== undefined)
          .map(([k, v]) => [k.slice('userAttributes.'.length), v as string]),
      );
      const checked = checkAttributes(pool, Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })), 'create');
      const user = await up.completeNewPassword(pool.id, record.username, newPassword, checked);
      return afterPassword(pool, client, user);
    }

    if (input.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
      const record = await challenges.open(input.Session, 'SOFTWARE_TOKEN_MFA', client.clientId);
      const user = await users.find(pool, record.username);
      if (!user) throw notAuthorized(MSG.badCredentials, 'idp.mfa.user');
      if (username !== record.username && (await users.find(pool, username))?.username !== record.username) throw notAuthorized(MSG.badCredentials, 'idp.mfa.username');
      const code = required(r, 'SOFTWARE_TOKEN_MFA_CODE');
      try {
        await mfa.checkSignInCode(pool, user, code);
      } catch (err) {
        if ((err as { code?: string }).code === 'CodeMismatchException') await challenges.fail(input.Session!);
        throw err;
      }
      await challenges.finish(input.Session!);
      if (!user.enabled) throw notAuthorized(MSG.userDisabled, 'idp.user.disabled');
      return tokensResult(pool, client, user);
    }

    if (input.ChallengeName === 'MFA_SETUP') {
      const record = await challenges.take(input.Session, 'MFA_SETUP', client.clientId);
      if (record.mfaSetup !== 'verified') throw notAuthorized('Invalid session for the user.', 'idp.mfa.setup-unverified');
      const user = await users.find(pool, record.username);
      if (!user || !user.softwareToken) throw notAuthorized(MSG.badCredentials, 'idp.mfa.user');
      await mfa.activateAfterSetup(pool, user);
      if (!user.enabled) throw notAuthorized(MSG.userDisabled, 'idp.user.disabled');
      return tokensResult(pool, client, user);
    }

    throw invalidParameter(`Challenge ${input.ChallengeName} is not supported by this server.`, 'idp.challenge', input.ChallengeName);
  }

  const admin = { authorize: { resource: poolResource(deps) } } as const;
  return [
    defineOperation({ service: 'cognito-idp', name: 'InitiateAuth', auth: 'none', authorize: false, handler: (input) => initiate('user', input) }),
    defineOperation({ service: 'cognito-idp', name: 'AdminInitiateAuth', auth: 'sigv4', ...admin, handler: (input) => initiate('admin', input) }),
    defineOperation({ service: 'cognito-idp', name: 'RespondToAuthChallenge', auth: 'none', authorize: false, handler: (input) => respond(input) }),
    defineOperation({ service: 'cognito-idp', name: 'AdminRespondToAuthChallenge', auth: 'sigv4', ...admin, handler: (input) => respond(input) }),
    defineOperation({ service: 'cognito-idp', name: 'GetTokensFromRefreshToken', auth: 'none', authorize: false, handler: (input) => getTokensFromRefreshToken(input) }),
  ];
}

export type { UserPools };
