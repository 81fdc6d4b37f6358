/**
 * The user-pool domain service: the single place that knows how pools, clients, users and
 * tokens are stored. The cognito-idp operations (operations/) and the hosted OAuth2/OIDC
 * endpoints (src/services/oauth2/) both go through it.
 *
 * Key rings: one RS256 ring per pool, built here from storage (see tokens.ts `ringName`) unless
 * the composition root passes `keyRing`.
 *
 * Federation: `upsertFederatedUser` expects `attributes` already mapped through the IdP's
 * AttributeMapping (user-pool attribute names → values); the hosted endpoints map raw IdP claims
 * with src/services/oauth2/attribute-mapping.ts (aws-surface.md §9.3), the one mapper.
 */
import type { Logger } from 'pino';
import { randomBytes } from 'node:crypto';
import type { Storage } from '../../storage/contract.js';
import type { SigningKeyRing } from '../../keys/signing-keys.js';
import { createSealingKeyRing, type SealingKeyRing } from '../../keys/index.js';
import { Refusal, type Reason } from '../../errors/index.js';
import { createChallenges, type Challenges } from './challenges.js';
import { createDirectory, type Directory } from './directory.js';
import type { FetchDocument } from '../../tokens/fetch.js';
import { createResourceServers, type ResourceServers } from './resource-servers.js';
import { clientNotFound, idpError, MSG, notAuthorized, tokenRefusal } from './errors.js';
import type { Random } from './ids.js';
import { createMfa, type Mfa, type MfaStep } from './mfa.js';
import { createPasswordHasher, type PasswordHasher, type PasswordHasherOptions } from './passwords.js';
import { createPasswordMemo, DEFAULT_PASSWORD_MEMO_SECONDS, type PasswordMemo } from './password-memo.js';
import type { CodeRecord, DomainRecord, IdentityProviderRecord, UserPoolClientRecord, UserPoolRecord, UserRecord } from './records.js';
import { constantTimeEquals } from './secrets.js';
import { ids, listAll, openStores, type Stores } from './store.js';
import { createTokens, peekClaims, type Tokens } from './tokens.js';
import type { JwtDecoder } from '../../tokens/jws.js';
import { createUsers, type Users } from './users.js';

export type ClientRecord = UserPoolClientRecord & { userPoolId: string };

/**
 * Thrown by authenticatePassword for a FORCE_CHANGE_PASSWORD user whose temporary password was
 * right: the API answers with the NEW_PASSWORD_REQUIRED challenge, the hosted page with a
 * new-password form (then `completeNewPassword`).
 */
export class NewPasswordRequiredError extends Error {
  constructor(readonly user: UserRecord) {
    super('A new password is required');
    this.name = 'NewPasswordRequiredError';
  }
}

export interface UserPoolsDeps {
  storage: Storage;
  clock: () => Date;
  /** Tessera's public base URL, no trailing slash; token issuer = `${publicUrl}/${userPoolId}`. */
  publicUrl: string;
  region: string;
  accountId: string;
  log: Logger;
  keyRing?: (userPoolId: string) => SigningKeyRing;
  /** The instance's JWT decoder (src/tokens/jws.ts). */
  decoder?: JwtDecoder;
  /** Seals TOTP secrets at rest (totp.ts); default: the shared ring in storage ('keys', `sealing/<kid>`). */
  sealingKeys?: SealingKeyRing;
  random?: Random;
  /**
   * How long a password proven right is remembered so that the same user's next sign-in skips
   * the derivation (password-memo.ts); 0 = never. Default DEFAULT_PASSWORD_MEMO_SECONDS.
   */
  passwordMemoSeconds?: number;
  /** This instance's password derivation limits (passwords.ts; default: one slot per CPU, DEFAULT_WAITING_PER_SLOT waiting per slot). */
  passwordDerivation?: PasswordHasherOptions;
  /** Sign the pools' tokens on libuv's thread pool (signing-keys.ts; default false: on the event loop). */
  signOnThreadPool?: boolean;
  /** The bounded HTTPS GET for SAML MetadataURL (default src/tokens/fetch.ts fetchDocument). */
  fetchDocument?: FetchDocument;
}

export interface UserPools {
  issuer(userPoolId: string): string;
  getPool(userPoolId: string): Promise<UserPoolRecord | undefined>;
  /**
   * A user by name, as the pool's username rules find it (case-insensitive pools, aliases);
   * undefined when the pool or the user does not exist.
   */
  getUser(userPoolId: string, username: string): Promise<UserRecord | undefined>;
  getClient(clientId: string): Promise<ClientRecord | undefined>;
  getDomain(domain: string): Promise<DomainRecord | undefined>;
  getIdentityProvider(userPoolId: string, providerName: string): Promise<IdentityProviderRecord | undefined>;
  findIdentityProviderByIdentifier(userPoolId: string, idpIdentifier: string): Promise<IdentityProviderRecord | undefined>;
  listIdentityProviders(userPoolId: string): Promise<IdentityProviderRecord[]>;
  /** Constant time; a client without a secret matches only an absent secret. */
  verifyClientSecret(client: Pick<UserPoolClientRecord, 'clientSecret'>, secret: string | undefined): boolean;
  /**
   * Checks a password and the user's state. Throws NotAuthorizedException ("Incorrect username
   * or password." / "User is disabled." / temporary password expired), UserNotConfirmedException,
   * PasswordResetRequiredException, UserNotFoundException (only with
   * preventUserExistenceErrors: false), or NewPasswordRequiredError (FORCE_CHANGE_PASSWORD).
   */
  authenticatePassword(userPoolId: string, username: string, password: string, options?: { preventUserExistenceErrors?: boolean }): Promise<UserRecord>;
  /** FORCE_CHANGE_PASSWORD → CONFIRMED with a new (policy-checked) password and optional attributes. */
  completeNewPassword(userPoolId: string, username: string, newPassword: string, attributes?: Record<string, string>): Promise<UserRecord>;
  issueTokens(input: { userPoolId: string; clientId: string; username: string; scopes: string[]; nonce?: string; authTime?: number; refresh: boolean; via: 'api' | 'hosted' }): Promise<{ idToken?: string; accessToken: string; refreshToken?: string; expiresIn: number }>;
  /**
   * The access token of a client_credentials grant (aws-surface.md §8.2). The client must be
   * confidential with the client_credentials flow enabled (else InvalidOAuthFlowException);
   * `scopes` (undefined = all) must each be one of the client's AllowedOAuthScopes that is a
   * custom scope the pool still defines (else ScopeDoesNotExistException, also when none remain).
   */
  issueClientCredentialsToken(clientId: string, scopes?: readonly string[]): Promise<{ accessToken: string; expiresIn: number; scopes: string[] }>;
  /**
   * New ID and access tokens for a refresh token (every check of tokens.openRefreshToken, then
   * GlobalSignOut and a disabled user). With the client's RefreshTokenRotation ENABLED also a new
   * refresh token, the presented one retiring after the grace period; without it none.
   */
  refreshTokens(clientId: string, refreshToken: string): Promise<{ idToken?: string; accessToken: string; refreshToken?: string; expiresIn: number }>;
  revokeRefreshToken(clientId: string, refreshToken: string): Promise<void>;
  verifyAccessToken(token: string, expect?: { userPoolId?: string; clientId?: string }): Promise<{ userPoolId: string; username: string; clientId: string; scopes: string[]; claims: Record<string, unknown> }>;
  verifyIdToken(userPoolId: string, token: string, options?: { clientId?: string; serverSideTokenCheck?: boolean }): Promise<Record<string, unknown>>;
  upsertFederatedUser(input: { userPoolId: string; providerName: string; providerType: string; subject: string; issuer?: string; attributes: Record<string, string> }): Promise<UserRecord>;
  jwks(userPoolId: string): Promise<{ keys: unknown[] }>;
  /**
   * What a sign-in whose password was just proven must still go through: SOFTWARE_TOKEN_MFA
   * (the user has TOTP activated), MFA_SETUP (the pool requires MFA the user has not set up),
   * or nothing.
   */
  mfaStepAfterPassword(userPoolId: string, user: UserRecord): Promise<MfaStep | undefined>;
  /**
   * A sign-in's TOTP code (mfa.ts): CodeMismatchException (counted toward the lockout),
   * ExpiredCodeException for a code already used, NotAuthorizedException during a lockout.
   */
  verifySignInCode(userPoolId: string, username: string, code: string): Promise<UserRecord>;
  /** Tessera-specific admin read path: the live confirmation / reset codes of a user (no mail is sent). */
  lastCodes(userPoolId: string, username: string): Promise<Array<Pick<CodeRecord, 'purpose' | 'code' | 'issuedAt' | 'expiresAt'>>>;
  /** Building blocks for the cognito-idp operations. */
  readonly internals: { stores: Stores; directory: Directory; resourceServers: ResourceServers; users: Users; tokens: Tokens; challenges: Challenges; mfa: Mfa; clock: () => Date; log: Logger; random: Random; passwordMemo: PasswordMemo; passwords: PasswordHasher };
}

export function createUserPools(deps: UserPoolsDeps): UserPools {
  const random = deps.random ?? randomBytes;
  const stores = openStores(deps.storage);
  const resourceServers = createResourceServers({ stores, clock: deps.clock });
  const directory = createDirectory({ stores, clock: deps.clock, random, region: deps.region, accountId: deps.accountId, customScopes: resourceServers.customScopes, ...(deps.fetchDocument ? { fetchDocument: deps.fetchDocument } : {}) });
  const passwords = createPasswordHasher(deps.passwordDerivation);
  const users = createUsers({ stores, clock: deps.clock, random, log: deps.log, passwords });
  const tokens = createTokens({ stores, storage: deps.storage, clock: deps.clock, random, publicUrl: deps.publicUrl, ...(deps.keyRing ? { keyRing: deps.keyRing } : {}), ...(deps.decoder ? { decoder: deps.decoder } : {}), ...(deps.signOnThreadPool ? { signOnThreadPool: true } : {}) });
  const challenges = createChallenges({ stores, clock: deps.clock, random });
  const mfa = createMfa({ users, ring: deps.sealingKeys ?? createSealingKeyRing({ storage: deps.storage, clock: deps.clock, random }), clock: deps.clock, random });
  const nowSeconds = () => Math.floor(deps.clock().getTime() / 1000);
  const passwordMemo = createPasswordMemo({ ttlSeconds: deps.passwordMemoSeconds ?? DEFAULT_PASSWORD_MEMO_SECONDS, clock: deps.clock });

  async function getClient(clientId: string): Promise<ClientRecord | undefined> {
    const index = await stores.clientIndex.get(clientId);
    return index ? stores.clients.get(ids.inPool(index.userPoolId, clientId)) : undefined;
  }

  async function authenticatePassword(userPoolId: string, username: string, password: string, options: { preventUserExistenceErrors?: boolean } = {}): Promise<UserRecord> {
    const pool = await directory.requirePool(userPoolId);
    const user = await users.find(pool, username);
    const bad = () => notAuthorized(MSG.badCredentials, 'idp.password');
    if (!user || !user.password) {
      await passwords.burn(password);
      if (!user && options.preventUserExistenceErrors === false) throw idpError('UserNotFoundException', MSG.userNotFound, { check: 'idp.user', actual: username });
      throw bad();
    }
    users.checkLockout(user);
    const stored = user.password;
    if (!(await passwordMemo.verify(`${pool.id}/${user.sub}`, stored, password, () => passwords.verify(password, stored)))) {
      await users.recordFailure(pool, user);
      throw bad();
    }
    await users.clearFailures(pool, user);
    if (!user.enabled) throw notAuthorized(MSG.userDisabled, 'idp.user.disabled');
    switch (user.status) {
      case 'UNCONFIRMED':
        throw idpError('UserNotConfirmedException', MSG.userNotConfirmed, { check: 'idp.user.unconfirmed' });
      case 'RESET_REQUIRED':
        throw idpError('PasswordResetRequiredException', MSG.passwordResetRequired, { check: 'idp.user.reset-required' });
      case 'FORCE_CHANGE_PASSWORD':
        if ((user.temporaryPasswordExpiresAt ?? Infinity) <= nowSeconds()) throw notAuthorized(MSG.tempPasswordExpired, 'idp.user.temporary-expired');
        throw new NewPasswordRequiredError(user);
      case 'CONFIRMED':
        return user;
      default:
        throw bad();
    }
  }

  async function completeNewPassword(userPoolId: string, username: string, newPassword: string, attributes: Record<string, string> = {}): Promise<UserRecord> {
    const pool = await directory.requirePool(userPoolId);
    let user = await users.require(pool, username);
    if (user.status !== 'FORCE_CHANGE_PASSWORD') throw notAuthorized(MSG.badCredentials, 'idp.user.not-force-change');
    if (Object.keys(attributes).length > 0) user = await users.setAttributes(pool, user, attributes);
    return users.setPassword(pool, user, newPassword, 'CONFIRMED');
  }

  async function issueTokens(input: Parameters<UserPools['issueTokens']>[0]) {
    const pool = await directory.requirePool(input.userPoolId);
    const client = await getClient(input.clientId);
    if (!client || client.userPoolId !== pool.id) throw idpError('ResourceNotFoundException', `User pool client ${input.clientId} does not exist.`, { check: 'idp.client' });
    const user = await users.require(pool, input.username);
    return tokens.issue({
      userPoolId: pool.id,
      client,
      user,
      scopes: input.scopes,
      refresh: input.refresh,
      via: input.via,
      ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
      ...(input.authTime !== undefined ? { authTime: input.authTime } : {}),
    });
  }

  async function issueClientCredentialsToken(clientId: string, requested?: readonly string[]) {
    const client = await getClient(clientId);
    if (!client) throw clientNotFound(clientId);
    if (!client.clientSecret || !client.allowedOAuthFlowsUserPoolClient || !client.allowedOAuthFlows.includes('client_credentials')) {
      throw idpError('InvalidOAuthFlowException', 'client_credentials flow is not enabled for this client.', { check: 'idp.client-credentials.flow', actual: clientId });
    }
    // Reserved scopes (openid, email …) name user data and mean nothing without a user.
    const defined = await resourceServers.customScopes(client.userPoolId);
    const allowed = client.allowedOAuthScopes.filter((s) => defined.has(s));
    const granted = requested === undefined ? allowed : [...new Set(requested)];
    for (const s of granted) {
      if (!allowed.includes(s)) throw idpError('ScopeDoesNotExistException', `Invalid scope requested: ${s}`, { check: 'idp.client-credentials.scope', actual: s });
    }
    if (granted.length === 0) throw idpError('ScopeDoesNotExistException', 'No custom scope to grant.', { check: 'idp.client-credentials.scope' });
    const signed = await tokens.signClientCredentials(client.userPoolId, client, granted);
    return { ...signed, scopes: granted };
  }

  async function refreshTokens(clientId: string, refreshToken: string) {
    const event = await tokens.openRefreshToken(clientId, refreshToken);
    const pool = await stores.pools.get(event.userPoolId);
    const client = await getClient(clientId);
    const user = pool ? await stores.users.get(users.key(pool, event.username)) : undefined;
    if (!pool || !client || !user) throw notAuthorized(MSG.invalidRefresh, 'idp.refresh.orphan');
    if (tokens.isRevoked(event, user)) throw notAuthorized(MSG.refreshRevoked, 'idp.refresh.signed-out');
    if (!user.enabled) throw notAuthorized(MSG.userDisabled, 'idp.user.disabled');
    const rotation = refreshRotation(client);
    const rotated = rotation.enabled ? await tokens.rotateRefreshToken(event, rotation.graceSeconds) : undefined;
    const signed = await tokens.sign({ userPoolId: pool.id, client, user, scopes: event.scopes, via: event.via }, event);
    return { ...signed, ...(rotated ? { refreshToken: rotated } : {}) };
  }

  /**
   * RFC 7009 §2.2: an invalid, expired or already revoked token is not an error — except one
   * issued to another client (§2.1: the server checks the token was issued to the caller).
   */
  async function revokeRefreshToken(clientId: string, refreshToken: string) {
    let event;
    try {
      event = await tokens.openRefreshToken(clientId, refreshToken);
    } catch (err) {
      if ((err as { reason?: { check?: string } }).reason?.check === 'idp.refresh.client') throw err;
      return;
    }
    await tokens.revoke(event.originJti);
  }

  /**
   * An access token, as every API that takes one checks it (GetUser …, userInfo): iss names one of
   * our pools, signature and exp (no skew), token_use, the user, revocation, enabled. `expect`
   * (the token doctor's user-pool-client target) also requires this pool's issuer and this app
   * client's client_id.
   */
  async function verifyAccessToken(token: string, expect: { userPoolId?: string; clientId?: string } = {}) {
    const invalid = (reason: Reason, cause?: unknown) => idpError('NotAuthorizedException', MSG.invalidAccess, reason, cause);
    const iss = peekClaims(token)?.iss;
    const userPoolId = tokens.poolOfIssuer(iss);
    if (!userPoolId || (expect.userPoolId !== undefined && userPoolId !== expect.userPoolId)) {
      throw invalid({ check: 'idp.access.iss', expected: expect.userPoolId !== undefined ? tokens.issuer(expect.userPoolId) : 'the issuer of a user pool of this Tessera', actual: iss ?? 'absent' });
    }
    let claims: Record<string, unknown>;
    try {
      claims = await tokens.verifySigned(userPoolId, token, 0);
    } catch (err) {
      if (err instanceof Refusal && err.kind === 'ExpiredToken') throw idpError('NotAuthorizedException', 'Access Token has expired', { ...err.reason, check: 'idp.access.exp' }, err);
      throw invalid(err instanceof Refusal ? err.reason : { check: 'idp.access.verify' }, err);
    }
    if (claims.token_use !== 'access' || typeof claims.username !== 'string' || typeof claims.client_id !== 'string' || typeof claims.origin_jti !== 'string') {
      throw invalid({ check: 'idp.access.token_use', expected: { token_use: 'access', username: 'a string', client_id: 'a string', origin_jti: 'a string' }, actual: { token_use: claims.token_use, username: typeof claims.username, client_id: typeof claims.client_id, origin_jti: typeof claims.origin_jti } });
    }
    if (expect.clientId !== undefined && claims.client_id !== expect.clientId) {
      throw invalid({ check: 'jwt.client_id', expected: expect.clientId, actual: claims.client_id });
    }
    const pool = await stores.pools.get(userPoolId);
    const user = pool ? await stores.users.get(users.key(pool, claims.username)) : undefined;
    if (!pool || !user || user.sub !== claims.sub) throw idpError('NotAuthorizedException', 'User does not exist.', { check: 'idp.access.user', expected: 'an existing user with this sub', actual: claims.username });
    const event = await stores.authEvents.get(claims.origin_jti);
    if (tokens.isRevoked(event, user)) {
      throw idpError('NotAuthorizedException', MSG.accessRevoked, { check: 'idp.access.revoked', expected: 'a token not revoked and issued after the last GlobalSignOut', actual: event?.revoked ? 'revoked (RevokeToken)' : 'issued before a GlobalSignOut' });
    }
    if (!user.enabled) throw idpError('NotAuthorizedException', MSG.userDisabled, { check: 'idp.user.disabled', expected: 'an enabled user', actual: 'disabled' });
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
    return { userPoolId, username: user.username, clientId: claims.client_id, scopes, claims };
  }

  async function verifyIdToken(userPoolId: string, token: string, options: { clientId?: string; serverSideTokenCheck?: boolean } = {}) {
    // The issuer first (read unverified, only to name the refusal): a token of another pool is
    // refused for its iss, not for a key this pool does not hold.
    const iss = peekClaims(token)?.iss;
    if (iss !== undefined && iss !== tokens.issuer(userPoolId)) {
      throw tokenRefusal('Invalid login token. Issuer does not match.', { check: 'jwt.iss', expected: tokens.issuer(userPoolId), actual: iss });
    }
    let claims: Record<string, unknown>;
    try {
      claims = await tokens.verifySigned(userPoolId, token, 0);
    } catch (err) {
      if (err instanceof Refusal) {
        const message = err.kind === 'ExpiredToken' ? 'Invalid login token. Token expired.' : `Invalid login token. ${err.message}`;
        throw tokenRefusal(message, err.reason, err);
      }
      throw err;
    }
    if (claims.token_use !== 'id') throw tokenRefusal('Invalid login token. Not an ID token.', { check: 'jwt.token_use', expected: 'id', actual: claims.token_use });
    if (options.clientId !== undefined && claims.aud !== options.clientId) {
      throw tokenRefusal('Invalid login token. Token audience does not match.', { check: 'jwt.aud', expected: options.clientId, actual: claims.aud });
    }
    if (options.serverSideTokenCheck) {
      const pool = await stores.pools.get(userPoolId);
      const user = pool && typeof claims['cognito:username'] === 'string' ? await stores.users.get(users.key(pool, claims['cognito:username'])) : undefined;
      const event = typeof claims.origin_jti === 'string' ? await stores.authEvents.get(claims.origin_jti) : undefined;
      if (!user || user.sub !== claims.sub || !user.enabled || tokens.isRevoked(event, user)) {
        const detail = !user || user.sub !== claims.sub ? 'the user does not exist' : !user.enabled ? 'the user is disabled' : event?.revoked ? 'the token was revoked (RevokeToken)' : 'the user signed out (GlobalSignOut) after the token was issued';
        throw tokenRefusal('Invalid login token. Token is revoked or the user is disabled.', { check: 'idp.server-side-token-check', expected: 'an existing, enabled user and a token not revoked', actual: claims.sub, detail });
      }
    }
    return claims;
  }

  async function upsertFederatedUser(input: Parameters<UserPools['upsertFederatedUser']>[0]) {
    const pool = await directory.requirePool(input.userPoolId);
    return users.upsertFederated(pool, { providerName: input.providerName, providerType: input.providerType }, {
      subject: input.subject,
      attributes: input.attributes,
      ...(input.issuer !== undefined ? { issuer: input.issuer } : {}),
    });
  }

  return {
    issuer: tokens.issuer,
    getPool: (id) => stores.pools.get(id),
    async getUser(userPoolId, username) {
      const pool = await stores.pools.get(userPoolId);
      return pool ? users.find(pool, username) : undefined;
    },
    getClient,
    getDomain: (domain) => stores.domains.get(domain),
    getIdentityProvider: (poolId, name) => stores.idps.get(ids.inPool(poolId, name)),
    async findIdentityProviderByIdentifier(userPoolId, idpIdentifier) {
      return (await listAll(stores.idps, ids.poolPrefix(userPoolId))).map((e) => e.doc).find((p) => p.idpIdentifiers.includes(idpIdentifier));
    },
    async listIdentityProviders(userPoolId) {
      return (await listAll(stores.idps, ids.poolPrefix(userPoolId))).map((e) => e.doc);
    },
    verifyClientSecret(client, secret) {
      if (!client.clientSecret) return secret === undefined || secret === '';
      return secret !== undefined && constantTimeEquals(client.clientSecret, secret);
    },
    authenticatePassword,
    completeNewPassword,
    issueTokens,
    issueClientCredentialsToken,
    refreshTokens,
    revokeRefreshToken,
    verifyAccessToken,
    verifyIdToken,
    upsertFederatedUser,
    async jwks(userPoolId) {
      return tokens.ring(userPoolId).jwks();
    },
    async mfaStepAfterPassword(userPoolId, user) {
      return mfa.stepAfterPassword(await directory.requirePool(userPoolId), user);
    },
    async verifySignInCode(userPoolId, username, code) {
      const pool = await directory.requirePool(userPoolId);
      const user = await users.require(pool, username);
      await mfa.checkSignInCode(pool, user, code);
      return user;
    },
    async lastCodes(userPoolId, username) {
      const pool = await directory.requirePool(userPoolId);
      return (await users.lastCodes(pool, username)).map(({ purpose, code, issuedAt, expiresAt }) => ({ purpose, code, issuedAt, expiresAt }));
    },
    internals: { stores, directory, resourceServers, users, tokens, challenges, mfa, clock: deps.clock, log: deps.log, random, passwordMemo, passwords },
  };
}

/** The client's RefreshTokenRotation (stored as given, directory.ts CLIENT_ECHO). */
export function refreshRotation(client: Pick<UserPoolClientRecord, 'echo'>): { enabled: boolean; graceSeconds: number } {
  const r = client.echo.RefreshTokenRotation as { Feature?: string; RetryGracePeriodSeconds?: number } | undefined;
  return { enabled: r?.Feature === 'ENABLED', graceSeconds: r?.RetryGracePeriodSeconds ?? 0 };
}

/**
 * Adapter for the identity-pool login verifier (src/tokens/logins/types.ts UserPoolTokenVerifier),
 * whose verifyIdToken returns `{ claims, subject }`.
 */
export function asUserPoolTokenVerifier(userPools: UserPools) {
  return {
    async verifyIdToken(userPoolId: string, token: string, options: { serverSideTokenCheck?: boolean } = {}) {
      const claims = await userPools.verifyIdToken(userPoolId, token, options);
      return { claims, ...(typeof claims.sub === 'string' ? { subject: claims.sub } : {}) };
    },
  };
}
