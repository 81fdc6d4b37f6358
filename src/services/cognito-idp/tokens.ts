/**
 * Tokens a user pool issues (aws-surface.md §7.4): RS256 ID and access tokens signed by the
 * pool's own key ring, and opaque refresh tokens.
 *
 *  - ID token: sub, aud, iss, token_use "id", auth_time, exp, iat, jti, origin_jti, event_id,
 *    cognito:username, attributes (email_verified / phone_number_verified as booleans, custom:*
 *    as strings, limited to the client's ReadAttributes when set), cognito:groups /
 *    cognito:roles / cognito:preferred_role, identities (JSON array), nonce.
 *  - Access token: sub, cognito:groups, iss, client_id, origin_jti, event_id, token_use "access",
 *    scope, auth_time, exp, iat, jti, username; no aud.
 *  - client_credentials access token: sub = client_id, client_id, token_use "access", scope
 *    (custom scopes only), auth_time, iat, exp, jti, version 2; no username (signClientCredentials).
 *  - Refresh token: `<origin_jti>.<256 random bits, base64url>`; only sha256 of the random part is
 *    stored, in the authentication's record, so RevokeToken / GlobalSignOut / expiry are checked
 *    there. Refreshing keeps origin_jti and auth_time and issues no new refresh token, unless
 *    the client has RefreshTokenRotation ENABLED: then each refresh returns a new one (same
 *    origin_jti, same expiry) and the presented one stops working after RetryGracePeriodSeconds.
 *
 * iss is `${publicUrl}/${userPoolId}`. One key ring per pool, storage name
 * `userpool-<sha256(poolId) prefix>` (ring names are `[a-z0-9-]`, pool ids are not).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Storage } from '../../storage/contract.js';
import { createSigningKeyRing, type SigningKeyRing } from '../../keys/signing-keys.js';
import { Refusal } from '../../errors/index.js';
import { decodeUnverified, type JwtDecoder } from '../../tokens/jws.js';
import { idpError, notAuthorized, MSG, tokenRefusal } from './errors.js';
import { newOpaque, newUuid, type Random } from './ids.js';
import type { AuthEventRecord, GroupRecord, UserPoolClientRecord, UserRecord } from './records.js';
import { toSeconds } from './directory.js';
import { ids, type Stores } from './store.js';

export const ADMIN_SCOPE = 'aws.cognito.signin.user.admin';
/** Rotated-out refresh tokens remembered per authentication (to answer their reuse). */
const MAX_RETIRED_REFRESH = 16;
/** Longest ID / access token lifetime a client may configure (1 day, CG:limits). */
export const MAX_TOKEN_SECONDS = 86_400;

export interface TokensContext {
  stores: Stores;
  storage: Storage;
  clock: () => Date;
  random: Random;
  publicUrl: string;
  keyRing?: (userPoolId: string) => SigningKeyRing;
  /** The instance's JWT decoder, shared by the pools' rings (src/tokens/jws.ts). */
  decoder?: JwtDecoder;
  /** Sign on libuv's thread pool (signing-keys.ts, SigningKeyRingOptions.signOnThreadPool). */
  signOnThreadPool?: boolean;
}

export function ringName(userPoolId: string): string {
  return `userpool-${createHash('sha256').update(userPoolId).digest('hex').slice(0, 40)}`;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

export interface IssueInput {
  userPoolId: string;
  client: UserPoolClientRecord & { userPoolId: string };
  user: UserRecord;
  scopes: string[];
  nonce?: string;
  authTime?: number;
  refresh: boolean;
  via: 'api' | 'hosted';
}

export interface IssuedTokens {
  idToken?: string;
  accessToken: string;
  refreshToken?: string;
  expiresIn: number;
}

export function createTokens(ctx: TokensContext) {
  const rings = new Map<string, SigningKeyRing>();
  const ring = (userPoolId: string): SigningKeyRing => {
    if (ctx.keyRing) return ctx.keyRing(userPoolId);
    let r = rings.get(userPoolId);
    if (!r) {
      r = createSigningKeyRing({ storage: ctx.storage, clock: ctx.clock, name: ringName(userPoolId), alg: 'RS256', maxTokenLifetimeSeconds: MAX_TOKEN_SECONDS, ...(ctx.decoder ? { decoder: ctx.decoder } : {}), ...(ctx.signOnThreadPool ? { signOnThreadPool: true } : {}) });
      rings.set(userPoolId, r);
    }
    return r;
  };
  const issuer = (userPoolId: string) => `${ctx.publicUrl}/${userPoolId}`;
  const nowSeconds = () => Math.floor(ctx.clock().getTime() / 1000);

  async function groupsOf(user: UserRecord): Promise<GroupRecord[]> {
    const groups: GroupRecord[] = [];
    for (const name of user.groups) {
      const g = await ctx.stores.groups.get(ids.inPool(user.userPoolId, name));
      if (g) groups.push(g);
    }
    // Lower precedence wins (CG:cognito-user-pools-user-groups); groups without one come last.
    return groups.sort((a, b) => (a.precedence ?? Number.MAX_SAFE_INTEGER) - (b.precedence ?? Number.MAX_SAFE_INTEGER) || (a.groupName < b.groupName ? -1 : 1));
  }

  function groupClaims(groups: GroupRecord[]): Record<string, unknown> {
    if (groups.length === 0) return {};
    const roles = groups.filter((g) => g.roleArn).map((g) => g.roleArn!);
    const preferred = groups.find((g) => g.roleArn && g.precedence !== undefined)?.roleArn ?? (roles.length === 1 ? roles[0] : undefined);
    return {
      'cognito:groups': groups.map((g) => g.groupName),
      ...(roles.length ? { 'cognito:roles': [...new Set(roles)] } : {}),
      ...(preferred ? { 'cognito:preferred_role': preferred } : {}),
    };
  }

  /**
   * Attribute claims of the ID token: the client's ReadAttributes (all when unset). Hosted logins
   * follow the scopes (CG:authorization-endpoint): openid alone releases every readable
   * attribute; with email / phone / profile the release is limited to what those scopes name.
   */
  function attributeClaims(user: UserRecord, client: UserPoolClientRecord, scopes: string[], via: 'api' | 'hosted'): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const readable = client.readAttributes ? new Set(client.readAttributes) : undefined;
    const limited = via === 'hosted' && scopes.some((s) => s === 'email' || s === 'phone' || s === 'profile');
    const allowed = (name: string) => {
      if (!limited) return true;
      if (name === 'email' || name === 'email_verified') return scopes.includes('email');
      if (name === 'phone_number' || name === 'phone_number_verified') return scopes.includes('phone');
      return scopes.includes('profile');
    };
    for (const [name, value] of Object.entries(user.attributes)) {
      if (name === 'sub' || name === 'identities') continue;
      if (readable && !readable.has(name)) continue;
      if (!allowed(name)) continue;
      out[name] = name === 'email_verified' || name === 'phone_number_verified' ? value === 'true' : value;
    }
    return out;
  }

  function lifetime(value: number, unit: UserPoolClientRecord['tokenValidityUnits']['AccessToken']): number {
    return Math.min(toSeconds(value, unit), MAX_TOKEN_SECONDS);
  }

  async function sign(
    input: Omit<IssueInput, 'refresh'>,
    event: Pick<AuthEventRecord, 'originJti' | 'authTime' | 'scopes'>,
  ): Promise<{ idToken?: string; accessToken: string; expiresIn: number }> {
    const { client, user } = input;
    const iat = nowSeconds();
    const accessLife = lifetime(client.accessTokenValidity, client.tokenValidityUnits.AccessToken);
    const idLife = lifetime(client.idTokenValidity, client.tokenValidityUnits.IdToken);
    const groups = groupClaims(await groupsOf(user));
    const eventId = newUuid(ctx.random);
    const r = ring(input.userPoolId);
    const iss = issuer(input.userPoolId);
    const accessToken = await r.signJwt(
      {
        sub: user.sub,
        ...(groups['cognito:groups'] ? { 'cognito:groups': groups['cognito:groups'] } : {}),
        iss,
        client_id: client.clientId,
        origin_jti: event.originJti,
        event_id: eventId,
        token_use: 'access',
        scope: event.scopes.join(' '),
        auth_time: event.authTime,
        exp: iat + accessLife,
        iat,
        jti: newUuid(ctx.random),
        username: user.username,
      },
      { typ: 'JWT' },
    );
    const wantId = input.via === 'api' || event.scopes.includes('openid');
    const idToken = wantId
      ? await r.signJwt(
          {
            sub: user.sub,
            ...groups,
            iss,
            'cognito:username': user.username,
            ...(input.nonce ? { nonce: input.nonce } : {}),
            origin_jti: event.originJti,
            aud: client.clientId,
            event_id: eventId,
            token_use: 'id',
            auth_time: event.authTime,
            ...attributeClaims(user, client, event.scopes, input.via),
            ...(user.identities?.length ? { identities: user.identities } : {}),
            exp: iat + idLife,
            iat,
            jti: newUuid(ctx.random),
          },
          { typ: 'JWT' },
        )
      : undefined;
    return { ...(idToken ? { idToken } : {}), accessToken, expiresIn: accessLife };
  }

  async function issue(input: IssueInput): Promise<IssuedTokens> {
    const nowMs = ctx.clock().getTime();
    const originJti = newUuid(ctx.random);
    const scopes = input.via === 'api' ? [ADMIN_SCOPE] : input.scopes;
    const authTime = input.authTime ?? Math.floor(nowMs / 1000);
    let refreshToken: string | undefined;
    const event: AuthEventRecord = {
      originJti,
      userPoolId: input.userPoolId,
      clientId: input.client.clientId,
      username: input.user.username,
      scopes,
      authTime,
      issuedAtMs: nowMs,
      via: input.via,
    };
    if (input.refresh) {
      const secret = newOpaque(32, ctx.random);
      refreshToken = `${originJti}.${secret}`;
      event.refreshHash = sha256(secret).toString('hex');
      event.refreshExpiresAt = Math.floor(nowMs / 1000) + toSeconds(input.client.refreshTokenValidity, input.client.tokenValidityUnits.RefreshToken);
    }
    await ctx.stores.authEvents.create(originJti, event);
    const signed = await sign(input, event);
    return { ...signed, ...(refreshToken ? { refreshToken } : {}) };
  }

  /**
   * The access token of a client_credentials grant (CG:token-endpoint; aws-surface.md §8.2):
   * no user, so `sub` is the app client id and there is no `username`, `origin_jti` or
   * `cognito:groups`; `version: 2` as Cognito's machine-to-machine tokens carry; the lifetime is
   * the client's AccessTokenValidity. No authentication record is kept: nothing can refresh or
   * revoke it, and user-pool APIs and userInfo refuse it (it names no user).
   */
  async function signClientCredentials(userPoolId: string, client: UserPoolClientRecord, scopes: string[]): Promise<{ accessToken: string; expiresIn: number }> {
    const iat = nowSeconds();
    const expiresIn = lifetime(client.accessTokenValidity, client.tokenValidityUnits.AccessToken);
    const accessToken = await ring(userPoolId).signJwt(
      {
        sub: client.clientId,
        token_use: 'access',
        scope: scopes.join(' '),
        auth_time: iat,
        iss: issuer(userPoolId),
        exp: iat + expiresIn,
        iat,
        version: 2,
        jti: newUuid(ctx.random),
        client_id: client.clientId,
      },
      { typ: 'JWT' },
    );
    return { accessToken, expiresIn };
  }

  /**
   * The authentication a refresh token belongs to, after every check; throws
   * NotAuthorizedException, or RefreshTokenReuseException for a token rotated out whose grace
   * period is over.
   */
  async function openRefreshToken(clientId: string, refreshToken: string): Promise<AuthEventRecord> {
    const dot = refreshToken.indexOf('.');
    const invalid = (check: string) => notAuthorized(MSG.invalidRefresh, check);
    if (dot <= 0) throw invalid('idp.refresh.format');
    const event = await ctx.stores.authEvents.get(refreshToken.slice(0, dot));
    if (!event || !event.refreshHash) throw invalid('idp.refresh.unknown');
    const given = sha256(refreshToken.slice(dot + 1));
    const current = timingSafeEqual(given, Buffer.from(event.refreshHash, 'hex'));
    let retired: { hash: string; untilMs: number } | undefined;
    for (const r of event.retiredRefresh ?? []) if (timingSafeEqual(given, Buffer.from(r.hash, 'hex'))) retired = r;
    if (!current && !retired) throw invalid('idp.refresh.secret');
    if (event.clientId !== clientId) throw invalid('idp.refresh.client');
    if (event.revoked) throw notAuthorized(MSG.refreshRevoked, 'idp.refresh.revoked');
    if ((event.refreshExpiresAt ?? 0) <= nowSeconds()) throw notAuthorized('Refresh Token has expired', 'idp.refresh.expired');
    if (!current && retired!.untilMs <= ctx.clock().getTime()) {
      throw idpError('RefreshTokenReuseException', MSG.refreshReused, { check: 'idp.refresh.rotated', expected: `use before ${new Date(retired!.untilMs).toISOString()}` });
    }
    return event;
  }

  /**
   * Refresh-token rotation (RefreshTokenRotation ENABLED): a new refresh token for the same
   * authentication (same origin_jti, same expiry); the presented one — and any other still
   * current — keeps working `graceSeconds` more, then is refused as reused. Concurrent rotations
   * each get a token (the record's compare-and-swap orders them; each retires the other's).
   */
  async function rotateRefreshToken(event: AuthEventRecord, graceSeconds: number): Promise<string> {
    const nowMs = ctx.clock().getTime();
    const secret = newOpaque(32, ctx.random);
    const refreshHash = sha256(secret).toString('hex');
    const untilMs = nowMs + graceSeconds * 1000;
    await ctx.stores.authEvents.update(event.originJti, (e) => {
      const kept = (e.retiredRefresh ?? []).filter((r) => r.hash !== e.refreshHash);
      const retired = e.refreshHash ? [...kept, { hash: e.refreshHash, untilMs }] : kept;
      return { ...e, refreshHash, retiredRefresh: retired.slice(-MAX_RETIRED_REFRESH) };
    });
    return `${event.originJti}.${secret}`;
  }

  async function revoke(originJti: string): Promise<void> {
    await ctx.stores.authEvents.update(originJti, (e) => ({ ...e, revoked: true })).catch(() => undefined);
  }

  /** Whether an authentication was revoked (RevokeToken) or predates the user's last GlobalSignOut. */
  function isRevoked(event: AuthEventRecord | undefined, user: UserRecord | undefined): boolean {
    if (!event || !user) return true;
    return event.revoked === true || (user.tokensRevokedBeforeMs !== undefined && event.issuedAtMs <= user.tokensRevokedBeforeMs);
  }

  /** Pool id from an `iss` of ours, or undefined. */
  function poolOfIssuer(iss: unknown): string | undefined {
    if (typeof iss !== 'string' || !iss.startsWith(`${ctx.publicUrl}/`)) return undefined;
    const id = iss.slice(ctx.publicUrl.length + 1);
    return /^[\w-]+_[0-9a-zA-Z]+$/.test(id) ? id : undefined;
  }

  /** Signature, iss, exp (no skew for access tokens, as Cognito) — claims or a Refusal. */
  async function verifySigned(userPoolId: string, token: string, skew: number): Promise<Record<string, unknown>> {
    const { claims } = await ring(userPoolId).verifyJwt(token, { issuer: issuer(userPoolId), clockSkewSeconds: skew });
    return claims;
  }

  return { ring, issuer, issue, sign, signClientCredentials, openRefreshToken, rotateRefreshToken, revoke, isRevoked, poolOfIssuer, verifySigned, groupsOf };
}

export type Tokens = ReturnType<typeof createTokens>;

/** Unverified JWT payload, or undefined when the token is not a three-part JWS with a JSON payload. */
export function peekClaims(token: string): Record<string, unknown> | undefined {
  // The one strict decoder of src/tokens (nothing remembered; never used for a decision).
  try {
    return decodeUnverified(token).claims;
  } catch {
    return undefined;
  }
}

export function isRefusal(e: unknown): e is Refusal {
  return e instanceof Refusal;
}

export { tokenRefusal };
