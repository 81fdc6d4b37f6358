/**
 * Users of a pool: creation (SignUp, AdminCreateUser, federation), lookup by username, alias or
 * sub, attribute writes, passwords (scrypt hash + SRP verifier), one-time codes, group
 * membership, AdminLinkProviderForUser links, and the status machine of aws-surface.md §7.3
 * (UNCONFIRMED → CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, EXTERNAL_PROVIDER).
 *
 * No mail or SMS is sent: a code is written to the log (level info, `code` field) and kept for
 * the admin read path `lastCodes`.
 */
import type { Logger } from 'pino';
import { AlreadyExistsError, NotFoundError, UpdateContentionError } from '../../storage/contract.js';
import { idpError, invalidParameter, MSG, userNotFound } from './errors.js';
import { newCode, newUuid, type Random } from './ids.js';
import { afterFailure, lockedUntil, type SignInFailures } from './lockout.js';
import { checkPasswordPolicy, type PasswordHasher } from './passwords.js';
import type { CodePurpose, CodeRecord, FederatedIdentity, IdentityProviderRecord, UserPoolRecord, UserRecord, UserStatus } from './records.js';
import { makeVerifier } from './srp.js';
import { ids, type Stores } from './store.js';

export interface UsersContext {
  stores: Stores;
  clock: () => Date;
  random: Random;
  log: Logger;
  /** The instance's password hasher and its derivation queue (passwords.ts). */
  passwords: PasswordHasher;
}

/** Code lifetimes (CG:limits): sign-up codes 24 h, forgot-password codes 1 h. */
const CODE_TTL: Record<CodePurpose, number> = { signup: 86_400, 'forgot-password': 3600 };
/** Wrong guesses before a code is burnt (CG:limits allows ConfirmSignUp 15 tries an hour). */
const MAX_CODE_ATTEMPTS = 5;

const ALIAS_ATTRIBUTES = ['email', 'phone_number', 'preferred_username'] as const;

export function createUsers(ctx: UsersContext) {
  const { stores } = ctx;
  const now = () => Math.floor(ctx.clock().getTime() / 1000);
  const key = (pool: UserPoolRecord, username: string) => ids.inPool(pool.id, ids.userKey(pool.usernameCaseSensitive, username));

  /** Attributes that act as sign-in names in this pool (UsernameAttributes or AliasAttributes). */
  const aliasesOf = (pool: UserPoolRecord) => [...new Set([...pool.usernameAttributes, ...pool.aliasAttributes])].filter((a) => (ALIAS_ATTRIBUTES as readonly string[]).includes(a));

  /** By username, then sub, then a sign-in alias (email / phone / preferred_username). */
  async function find(pool: UserPoolRecord, name: string): Promise<UserRecord | undefined> {
    const direct = await stores.users.get(key(pool, name));
    if (direct) return direct;
    const bySub = await stores.userSubs.get(ids.inPool(pool.id, name));
    if (bySub) return stores.users.get(key(pool, bySub.username));
    for (const attribute of aliasesOf(pool)) {
      const alias = await stores.aliases.get(ids.alias(pool.id, attribute, name));
      if (alias) {
        const user = await stores.users.get(key(pool, alias.username));
        // An alias only counts once verified (CG: "Amazon Cognito uses a verified alias").
        if (user && (attribute === 'preferred_username' || user.attributes[`${attribute}_verified`] === 'true' || pool.usernameAttributes.includes(attribute))) return user;
      }
    }
    return undefined;
  }

  async function require(pool: UserPoolRecord, name: string): Promise<UserRecord> {
    const u = await find(pool, name);
    if (!u) throw userNotFound(name);
    return u;
  }

  /**
   * Creates a user. With UsernameAttributes the given name must be an email / phone number and
   * the stored username is the sub (as Cognito does); the value becomes the attribute and alias.
   */
  async function create(
    pool: UserPoolRecord,
    input: { username: string; attributes: Record<string, string>; status: UserStatus; enabled?: boolean; identities?: FederatedIdentity[]; sub?: string },
  ): Promise<UserRecord> {
    const sub = input.sub ?? newUuid(ctx.random);
    let username = input.username;
    const attributes = { ...input.attributes };
    if (pool.usernameAttributes.length > 0 && input.status !== 'EXTERNAL_PROVIDER') {
      const attr = input.username.includes('@') ? 'email' : input.username.startsWith('+') ? 'phone_number' : undefined;
      if (!attr || !pool.usernameAttributes.includes(attr)) {
        throw invalidParameter(`Username should be ${pool.usernameAttributes.join(' or ')}.`, 'idp.user.username-attribute', input.username);
      }
      attributes[attr] ??= input.username;
      username = sub;
    }
    const t = now();
    const user: UserRecord = {
      userPoolId: pool.id,
      username,
      sub,
      attributes: { sub, ...attributes },
      status: input.status,
      enabled: input.enabled ?? true,
      createdAt: t,
      lastModifiedAt: t,
      groups: [],
      ...(input.identities ? { identities: input.identities, } : {}),
    };
    if (input.identities) user.attributes.identities = JSON.stringify(input.identities);
    await claimAliases(pool, user, {});
    try {
      await stores.users.create(key(pool, username), user);
    } catch (err) {
      await releaseAliases(pool, user);
      if (err instanceof AlreadyExistsError) throw idpError('UsernameExistsException', MSG.userExists, { check: 'idp.user.exists', actual: username });
      throw err;
    }
    await stores.userSubs.create(ids.inPool(pool.id, sub), { username });
    return user;
  }

  /** Claims alias ids for attributes that are sign-in names; a taken alias is AliasExists/UsernameExists. */
  async function claimAliases(pool: UserPoolRecord, user: UserRecord, before: Record<string, string>) {
    for (const attribute of aliasesOf(pool)) {
      const value = user.attributes[attribute];
      if (!value || value === before[attribute]) continue;
      const id = ids.alias(pool.id, attribute, value);
      const { doc, created } = await stores.aliases.createIfAbsent(id, { username: user.username });
      if (!created && doc.username !== user.username) {
        if (pool.usernameAttributes.includes(attribute)) {
          throw idpError('UsernameExistsException', `An account with the given ${attribute === 'email' ? 'email' : 'phone_number'} already exists.`, { check: 'idp.user.alias', actual: value });
        }
        throw idpError('AliasExistsException', 'An account with the given email already exists.', { check: 'idp.user.alias', actual: value });
      }
    }
  }

  async function releaseAliases(pool: UserPoolRecord, user: Pick<UserRecord, 'attributes' | 'username'>, only?: string[]) {
    for (const attribute of aliasesOf(pool)) {
      if (only && !only.includes(attribute)) continue;
      const value = user.attributes[attribute];
      if (!value) continue;
      const id = ids.alias(pool.id, attribute, value);
      const doc = await stores.aliases.get(id);
      if (doc?.username === user.username) await stores.aliases.delete(id);
    }
  }

  async function update(pool: UserPoolRecord, username: string, change: (u: UserRecord) => UserRecord): Promise<UserRecord> {
    const t = now();
    return stores.users.update(key(pool, username), (u) => ({ ...change(u), lastModifiedAt: t }));
  }

  /** Writes attributes; a changed email / phone number becomes unverified unless the caller set *_verified. */
  async function setAttributes(pool: UserPoolRecord, user: UserRecord, attributes: Record<string, string>): Promise<UserRecord> {
    const next = { ...user.attributes, ...attributes };
    for (const a of ['email', 'phone_number'] as const) {
      if (attributes[a] !== undefined && attributes[a] !== user.attributes[a] && attributes[`${a}_verified`] === undefined) next[`${a}_verified`] = 'false';
    }
    const changed = aliasesOf(pool).filter((a) => attributes[a] !== undefined && attributes[a] !== user.attributes[a]);
    await claimAliases(pool, { ...user, attributes: next }, user.attributes);
    const updated = await update(pool, user.username, (u) => ({ ...u, attributes: { ...u.attributes, ...Object.fromEntries(Object.keys(next).map((k) => [k, next[k]!])) } }));
    await releaseAliases(pool, user, changed);
    return updated;
  }

  async function remove(pool: UserPoolRecord, user: UserRecord): Promise<void> {
    await stores.users.delete(key(pool, user.username));
    await stores.userSubs.delete(ids.inPool(pool.id, user.sub));
    await releaseAliases(pool, user);
    for (const purpose of Object.keys(CODE_TTL) as CodePurpose[]) await stores.codes.delete(ids.code(pool.id, purpose, ids.userKey(pool.usernameCaseSensitive, user.username)));
  }

  /**
   * Sets a password after the policy check: scrypt hash for USER_PASSWORD_AUTH and the hosted
   * login, SRP salt + verifier for USER_SRP_AUTH. `status` is the user's next status.
   */
  async function setPassword(pool: UserPoolRecord, user: UserRecord, password: string, status: UserStatus): Promise<UserRecord> {
    checkPasswordPolicy(password, pool.passwordPolicy);
    const hash = await ctx.passwords.hash(password);
    const srp = makeVerifier(pool.id, user.username, password, ctx.random);
    const temporaryUntil = status === 'FORCE_CHANGE_PASSWORD' ? now() + pool.passwordPolicy.TemporaryPasswordValidityDays * 86_400 : undefined;
    return update(pool, user.username, (u) => {
      const { temporaryPasswordExpiresAt: _drop, ...rest } = u;
      return { ...rest, password: hash, srp, status, ...(temporaryUntil !== undefined ? { temporaryPasswordExpiresAt: temporaryUntil } : {}) };
    });
  }

  // ---- lockout (lockout.ts) ---------------------------------------------------------------
  /**
   * Refuses a password check while the user is locked out, before any password is looked at: a
   * sign-in with NotAuthorizedException "Password attempts exceeded", ChangePassword with
   * LimitExceededException "Attempt limit exceeded, please try after some time." (what Cognito
   * answers there).
   */
  function checkLockout(user: UserRecord, during: 'sign-in' | 'change-password' = 'sign-in'): void {
    const nowMs = ctx.clock().getTime();
    const until = lockedUntil(user.signInFailures, nowMs);
    if (until === undefined) return;
    const [code, message] = during === 'sign-in' ? (['NotAuthorizedException', MSG.attemptsExceeded] as const) : (['LimitExceededException', MSG.attemptLimit] as const);
    throw idpError(code, message, {
      check: 'idp.user.locked-out',
      expected: `no sign-in before ${new Date(until).toISOString()}`,
      actual: new Date(nowMs).toISOString(),
      detail: `${user.signInFailures!.count} consecutive wrong passwords`,
    });
  }

  /**
   * Rewrites the failure count on the stored record (compare-and-swap, so concurrent failures all
   * count); the record's last-modified date is not touched, since nothing the user owns changed.
   * A user deleted meanwhile has nothing left to count. A record other requests keep winning past
   * the storage's retry budget (a flood on a database without a single writer) is left as it is,
   * with a warning: the sign-in still gets its own answer, never a 5xx for this.
   */
  async function rewriteFailures(pool: UserPoolRecord, user: UserRecord, next: (current: SignInFailures | undefined) => SignInFailures | undefined, leftAsItIs: string): Promise<void> {
    try {
      await stores.users.update(key(pool, user.username), (u) => {
        const { signInFailures: current, ...rest } = u;
        const updated = next(current);
        return updated === undefined ? rest : { ...rest, signInFailures: updated };
      });
    } catch (err) {
      if (err instanceof NotFoundError) return;
      if (err instanceof UpdateContentionError) {
        ctx.log.warn({ userPoolId: pool.id, username: user.username, attempts: err.attempts }, leftAsItIs);
        return;
      }
      throw err;
    }
  }

  /** Counts one wrong password. */
  function recordFailure(pool: UserPoolRecord, user: UserRecord): Promise<void> {
    const nowMs = ctx.clock().getTime();
    return rewriteFailures(pool, user, (current) => afterFailure(current, nowMs), 'cognito-idp wrong password not counted: the user record stayed contended');
  }

  /** A proven password: forgets counted failures (a write only when there are any). */
  async function clearFailures(pool: UserPoolRecord, user: UserRecord): Promise<void> {
    if (user.signInFailures === undefined) return;
    await rewriteFailures(pool, user, () => undefined, 'cognito-idp wrong-password count not cleared: the user record stayed contended');
  }

  // ---- codes -----------------------------------------------------------------------------
  async function issueCode(pool: UserPoolRecord, user: UserRecord, purpose: CodePurpose): Promise<CodeRecord> {
    const t = now();
    const record: CodeRecord = { userPoolId: pool.id, username: user.username, purpose, code: newCode(ctx.random), issuedAt: t, expiresAt: t + CODE_TTL[purpose], attempts: 0 };
    const id = ids.code(pool.id, purpose, ids.userKey(pool.usernameCaseSensitive, user.username));
    await stores.codes.delete(id);
    await stores.codes.createIfAbsent(id, record);
    ctx.log.info({ userPoolId: pool.id, username: user.username, purpose, code: record.code }, `cognito-idp ${purpose} code issued (no message is sent; read it here or via lastCodes)`);
    return record;
  }

  /** Checks and burns a code: CodeMismatch for a wrong one, ExpiredCode when none is live. */
  async function consumeCode(pool: UserPoolRecord, user: UserRecord, purpose: CodePurpose, code: string): Promise<void> {
    const id = ids.code(pool.id, purpose, ids.userKey(pool.usernameCaseSensitive, user.username));
    const record = await stores.codes.get(id);
    if (!record || record.expiresAt <= now() || record.attempts >= MAX_CODE_ATTEMPTS) {
      throw idpError('ExpiredCodeException', MSG.codeExpired, { check: 'idp.code.expired', actual: purpose });
    }
    if (!constantTimeEqual(record.code, code)) {
      await stores.codes.update(id, (r) => ({ ...r, attempts: r.attempts + 1 })).catch(() => undefined);
      throw idpError('CodeMismatchException', MSG.codeMismatch, { check: 'idp.code.mismatch', actual: purpose });
    }
    // Single use: only the request that deletes the code proceeds.
    if (!(await stores.codes.delete(id))) throw idpError('ExpiredCodeException', MSG.codeExpired, { check: 'idp.code.used', actual: purpose });
  }

  async function lastCodes(pool: UserPoolRecord, username: string): Promise<CodeRecord[]> {
    const user = await find(pool, username);
    const name = user?.username ?? username;
    const out: CodeRecord[] = [];
    for (const purpose of Object.keys(CODE_TTL) as CodePurpose[]) {
      const r = await stores.codes.get(ids.code(pool.id, purpose, ids.userKey(pool.usernameCaseSensitive, name)));
      if (r) out.push(r);
    }
    return out;
  }

  // ---- federation ------------------------------------------------------------------------
  /**
   * A sign-in through an external IdP (aws-surface.md §9.3–9.4). The caller has already applied
   * the IdP's AttributeMapping (`attributes` are user-pool attribute names). If an
   * AdminLinkProviderForUser link names this identity, the linked native user is returned.
   * Otherwise the user `<ProviderName>_<sub>` (EXTERNAL_PROVIDER) is created or its mapped
   * attributes rewritten, and it is put in the group `<userPoolId>_<ProviderName>`.
   */
  async function upsertFederated(
    pool: UserPoolRecord,
    idp: Pick<IdentityProviderRecord, 'providerName' | 'providerType'>,
    input: { subject: string; issuer?: string; attributes: Record<string, string> },
  ): Promise<UserRecord> {
    // OIDC/social links name the subject (Cognito_Subject); SAML links may name any mapped attribute.
    const candidates: Array<[string, string]> = [['Cognito_Subject', input.subject], ...Object.entries(input.attributes)];
    for (const [name, value] of candidates) {
      const link = await stores.links.get(ids.link(pool.id, idp.providerName, name, value));
      const native = link ? await find(pool, link.username) : undefined;
      if (native) return native;
    }
    const attributes = Object.fromEntries(
      Object.entries(input.attributes).filter(([k, v]) => k !== 'sub' && k !== 'identities' && k !== 'username' && typeof v === 'string' && pool.schema.some((s) => s.Name === k)),
    );
    const username = `${idp.providerName}_${input.subject}`;
    const identity: FederatedIdentity = {
      userId: input.subject,
      providerName: idp.providerName,
      providerType: idp.providerType,
      issuer: input.issuer ?? null,
      primary: 'true',
      dateCreated: String(ctx.clock().getTime()),
    };
    let user = await stores.users.get(key(pool, username));
    if (!user) {
      try {
        user = await create(pool, { username, attributes, status: 'EXTERNAL_PROVIDER', identities: [identity] });
      } catch (err) {
        if ((err as { code?: string }).code !== 'UsernameExistsException') throw err;
        user = (await stores.users.get(key(pool, username)))!;
      }
    } else {
      // Mapped attributes are rewritten at every sign-in; claims missing now are left unchanged.
      user = await setAttributes(pool, user, attributes);
    }
    const group = `${pool.id}_${idp.providerName}`;
    await stores.groups.createIfAbsent(ids.inPool(pool.id, group), { userPoolId: pool.id, groupName: group, createdAt: now(), lastModifiedAt: now() });
    if (!user.groups.includes(group)) user = await update(pool, user.username, (u) => ({ ...u, groups: u.groups.includes(group) ? u.groups : [...u.groups, group] }));
    return user;
  }

  /** AdminLinkProviderForUser (aws-surface.md §9.4): at most 5 identities per native user. */
  async function link(pool: UserPoolRecord, destination: UserRecord, source: { providerName: string; providerType: string; attributeName: string; attributeValue: string }) {
    const identities = destination.identities ?? [];
    if (identities.length >= 5) throw idpError('LimitExceededException', 'Too many linked identities for this user.', { check: 'idp.link.limit' });
    const existing = await stores.links.get(ids.link(pool.id, source.providerName, source.attributeName, source.attributeValue));
    if (existing && existing.username !== destination.username) {
      throw idpError('AliasExistsException', 'This identity is already linked to another user.', { check: 'idp.link.exists', actual: existing.username });
    }
    // A federated user that already exists for this identity would shadow the link (AWS refuses too).
    if (source.attributeName === 'Cognito_Subject' && (await stores.users.get(key(pool, `${source.providerName}_${source.attributeValue}`)))) {
      throw invalidParameter(`Merging is not currently supported, provide a SourceUser that has not been used before.`, 'idp.link.source-exists');
    }
    await stores.links.createIfAbsent(ids.link(pool.id, source.providerName, source.attributeName, source.attributeValue), {
      userPoolId: pool.id,
      providerName: source.providerName,
      attributeName: source.attributeName,
      attributeValue: source.attributeValue,
      username: destination.username,
      createdAt: now(),
    });
    const identity: FederatedIdentity = {
      userId: source.attributeValue,
      providerName: source.providerName,
      providerType: source.providerType,
      issuer: null,
      primary: 'false',
      dateCreated: String(ctx.clock().getTime()),
    };
    return update(pool, destination.username, (u) => {
      const list = [...(u.identities ?? []).filter((i) => !(i.providerName === identity.providerName && i.userId === identity.userId)), identity];
      return { ...u, identities: list, attributes: { ...u.attributes, identities: JSON.stringify(list) } };
    });
  }

  return { find, require, create, update, setAttributes, remove, setPassword, checkLockout, recordFailure, clearFailures, issueCode, consumeCode, lastCodes, upsertFederated, link, key };
}

export type Users = ReturnType<typeof createUsers>;

function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i % (x.length || 1)] ?? 0) ^ (y[i % (y.length || 1)] ?? 0);
  return diff === 0;
}
