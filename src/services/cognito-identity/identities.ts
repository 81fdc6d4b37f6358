/**
 * The identity engine: creating identities, resolving logins to them, linking, merging,
 * unlinking and deleting (aws-surface.md §4.5), on the collections described in store.ts.
 *
 * Invariants and the write orders that keep them across crashes (the storage contract has no
 * multi-document transactions, only createIfAbsentInOrder, whose entries are stored in order, so
 * every sequence is ordered so that a partial write is either harmless or repaired by the next
 * call that touches it):
 *
 * 1. A login maps to at most one identity: its `ci.logins` document, created with
 *    createIfAbsent; concurrent first logins get the winner's identity (security.md R1).
 * 2. New identity from a login: createIfAbsent(login → X) first, then, only if that created it,
 *    the pool index entry, then the identity record, in that order in one createIfAbsentInOrder
 *    (store.createLoginIdentity: on SQLite one commit; on PostgreSQL the login, then the other
 *    two in one statement; a repair writes those two with store.createIdentity). A crash after
 *    the login write leaves a login pointing at a missing identity; `resolveLogin` re-creates the
 *    index entry and record (createIfAbsent, so racing repairers agree). Until then the identity
 *    id alone finds nothing: fail-closed.
 * 3. Linking a login to an existing identity: first the identity record lists the login and is
 *    marked authenticated (intent), then createIfAbsent(login → identity). If another identity
 *    won, the intent is withdrawn. A crash in between leaves an extra entry on an identity that is
 *    now authenticated — it never makes an identity look *less* authenticated than it is.
 * 4. Merge of Y into X (the older identity survives, so concurrent merges cannot form a cycle):
 *    X lists Y's logins (intent), then Y is disabled with `mergedInto = X`, then each of Y's
 *    login documents is re-pointed to X. Resolution follows `mergedInto` and re-points lazily, so
 *    a crash anywhere heals on the next use of any of those logins.
 * 5. Delete: login documents first (so nothing can resurrect the identity), then the record,
 *    then the index entry (ListIdentities skips index entries whose record is gone).
 *
 * Reads (issue 5, bench/results/2026-11-23-analysis.md item 3): a request reads each document at
 * most once where it can. Callers hand down the records they already hold (`known` for
 * resolveLogin, `target` and `resolved` for link) instead of ids to look up again. That is safe
 * because nothing here trusts a record for longer than a read would be trusted anyway: every
 * write is a compare-and-swap that re-checks the current document (addLogins follows merges,
 * merge refuses an already disabled loser, linkOne lets createIfAbsent pick the owner), and any
 * surprise throws Retry, whose next round reads everything afresh. No record outlives its request
 * (no cache), so several nodes stay as consistent as before.
 */
import { ServiceError } from '../../errors/index.js';
import { NotFoundError } from '../../storage/contract.js';
import { MSG, identityNotFound } from './errors.js';
import { newIdentityId } from './ids.js';
import { loginId, poolIdentityId, type CognitoIdentityStore, type IdentityRecord, type LinkedLogin, type LoginRecord } from './store.js';

/** Follows at most this many merges (each hop goes to a strictly older identity, so chains end). */
const MAX_MERGE_HOPS = 16;
/** Retries of the link loop when concurrent writers keep changing the picture. */
const MAX_LINK_ROUNDS = 8;

export interface EngineOptions {
  store: CognitoIdentityStore;
  region: string;
  clock: () => Date;
  uuid?: () => string;
}

export type OnOwnedElsewhere = 'merge' | 'developer-conflict';

class Retry extends Error {}

export function createIdentityEngine(o: EngineOptions) {
  const { store } = o;
  const now = () => o.clock().toISOString();
  const sameLogin = (a: LinkedLogin, b: LinkedLogin) => a.providerKey === b.providerKey && a.subject === b.subject;
  const older = (a: IdentityRecord, b: IdentityRecord) =>
    a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.identityId < b.identityId) ? a : b;

  /** The active identity an id leads to (following merges); undefined when absent. */
  async function resolve(identityId: string): Promise<IdentityRecord | undefined> {
    let id = identityId;
    const seen: IdentityRecord[] = [];
    for (let hop = 0; hop <= MAX_MERGE_HOPS; hop++) {
      const rec = await store.identities.get(id);
      if (!rec) return undefined;
      if (!rec.disabled || !rec.mergedInto) return rec;
      if (seen.some((s) => s.identityId === rec.identityId)) {
        // Only an explicit MergeDeveloperIdentities racing the opposite merge can close a cycle;
        // the oldest member then stands for the whole cycle rather than failing every call.
        return seen.reduce(older);
      }
      seen.push(rec);
      id = rec.mergedInto;
    }
    throw new Error(`identity ${identityId}: merge chain longer than ${MAX_MERGE_HOPS}`);
  }

  /** Writes the index entry then the record, as one write (order 2/5: every record is listed). */
  function materialise(rec: IdentityRecord): Promise<IdentityRecord> {
    return store.createIdentity(rec);
  }

  /** Adds logins to an identity, following merges if it was merged away meanwhile. */
  async function addLogins(
    identityId: string,
    logins: LinkedLogin[],
    authenticated: boolean,
    check?: (current: IdentityRecord) => void,
  ): Promise<IdentityRecord> {
    let id = identityId;
    for (let hop = 0; hop <= MAX_MERGE_HOPS; hop++) {
      let forward: string | undefined;
      const updated = await store.identities.update(id, (cur) => {
        forward = undefined;
        if (cur.disabled && cur.mergedInto) {
          forward = cur.mergedInto;
          return cur;
        }
        check?.(cur);
        const missing = logins.filter((l) => !cur.logins.some((c) => sameLogin(c, l)));
        if (!missing.length && (cur.authenticated || !authenticated)) return cur;
        return { ...cur, logins: [...cur.logins, ...missing], authenticated: cur.authenticated || authenticated, lastModifiedAt: now() };
      });
      if (forward === undefined) return updated;
      id = forward;
    }
    throw new Error(`identity ${identityId}: merge chain longer than ${MAX_MERGE_HOPS}`);
  }

  /**
   * The active identity a login belongs to, repairing what a crash may have left behind
   * (missing record, missing list entry, login still pointing at a merged-away identity).
   * `known` is an identity record this request has already read: when the login document points
   * at it, it stands in for reading that record again.
   */
  async function resolveLogin(poolId: string, login: LinkedLogin, known?: IdentityRecord): Promise<IdentityRecord | undefined> {
    const id = loginId(poolId, login.providerKey, login.subject);
    const doc = await store.logins.get(id);
    if (!doc) return undefined;
    return repairLogin(id, doc, known);
  }

  async function repairLogin(id: string, doc: LoginRecord, known?: IdentityRecord): Promise<IdentityRecord> {
    const linked: LinkedLogin = { providerKey: doc.providerKey, subject: doc.subject, publicProvider: doc.publicProvider };
    let rec = known?.identityId === doc.identityId ? known : await store.identities.get(doc.identityId);
    if (!rec) {
      rec = await materialise({
        identityId: doc.identityId,
        poolId: doc.poolId,
        logins: [linked],
        authenticated: true,
        createdAt: doc.linkedAt,
        lastModifiedAt: doc.linkedAt,
      });
    }
    const active = rec.disabled && rec.mergedInto ? await resolve(rec.mergedInto) : rec;
    if (!active) throw new Error(`login ${id}: merged into a missing identity`);
    if (!active.logins.some((l) => sameLogin(l, linked)) || !active.authenticated) {
      const updated = await addLogins(active.identityId, [linked], true);
      if (updated.identityId !== active.identityId) return repairLogin(id, doc);
    }
    if (active.identityId !== doc.identityId) {
      await store.logins
        .update(id, (cur) => (cur.identityId === doc.identityId ? { ...cur, identityId: active.identityId } : cur))
        .catch((err) => {
          if (!(err instanceof NotFoundError)) throw err;
        });
    }
    return active;
  }

  function checkPublicConflict(a: LinkedLogin[], b: LinkedLogin[]): void {
    for (const x of a) {
      if (!x.publicProvider) continue;
      const clash = b.find((y) => y.providerKey === x.providerKey && y.subject !== x.subject);
      if (clash) {
        throw new ServiceError('ResourceConflictException', MSG.onePerPublicProvider, {
          reason: { check: 'ci.link.public-provider', expected: `one login of ${x.providerKey}`, actual: [x.subject, clash.subject] },
        });
      }
    }
  }

  /** Merges `loser` into `survivor` (order 4). Returns the survivor as it is afterwards. */
  async function merge(survivor: IdentityRecord, loser: IdentityRecord): Promise<IdentityRecord> {
    const target = await addLogins(survivor.identityId, loser.logins, loser.authenticated, (cur) => checkPublicConflict(loser.logins, cur.logins));
    if (target.identityId !== survivor.identityId) throw new Retry();
    let disabled: IdentityRecord | undefined;
    await store.identities.update(loser.identityId, (cur) => {
      disabled = undefined;
      if (cur.disabled) return cur;
      disabled = { ...cur, disabled: true, mergedInto: survivor.identityId, lastModifiedAt: now() };
      return disabled;
    });
    if (!disabled) throw new Retry();
    // Logins linked to the loser between the intent above and its disabling follow here too.
    const late = disabled.logins.filter((l) => !target.logins.some((t) => sameLogin(t, l)));
    if (late.length) await addLogins(survivor.identityId, late, true);
    for (const l of disabled.logins) {
      await store.logins
        .update(loginId(loser.poolId, l.providerKey, l.subject), (cur) => (cur.identityId === loser.identityId ? { ...cur, identityId: survivor.identityId } : cur))
        .catch((err) => {
          if (!(err instanceof NotFoundError)) throw err;
        });
    }
    return (await resolve(survivor.identityId)) ?? target;
  }

  /** Links one unowned login to an identity (order 3). Returns the owner afterwards. */
  async function linkOne(identity: IdentityRecord, login: LinkedLogin): Promise<IdentityRecord> {
    const withIntent = await addLogins(identity.identityId, [login], true, (cur) => checkPublicConflict([login], cur.logins));
    if (withIntent.identityId !== identity.identityId) throw new Retry();
    const at = now();
    const id = loginId(identity.poolId, login.providerKey, login.subject);
    const { doc, created } = await store.logins.createIfAbsent(id, {
      poolId: identity.poolId,
      providerKey: login.providerKey,
      subject: login.subject,
      identityId: identity.identityId,
      publicProvider: login.publicProvider,
      linkedAt: at,
    });
    if (created || doc.identityId === identity.identityId) return withIntent;
    // Someone else linked it first: withdraw the intent and let the caller look again.
    await store.identities.update(identity.identityId, (cur) => ({ ...cur, logins: cur.logins.filter((l) => !sameLogin(l, login)) }));
    throw new Retry();
  }

  /** A new identity owning `first` (order 2); the winner's identity if another caller got there first. */
  async function createForLogin(poolId: string, first: LinkedLogin): Promise<IdentityRecord> {
    const identityId = newIdentityId(o.region, o.uuid);
    const at = now();
    const id = loginId(poolId, first.providerKey, first.subject);
    const candidate: LoginRecord = { poolId, providerKey: first.providerKey, subject: first.subject, identityId, publicProvider: first.publicProvider, linkedAt: at };
    // The record repairLogin would materialise for this login document, written with it.
    const linked: LinkedLogin = { providerKey: first.providerKey, subject: first.subject, publicProvider: first.publicProvider };
    const { login, identity } = await store.createLoginIdentity(id, candidate, {
      identityId,
      poolId,
      logins: [linked],
      authenticated: true,
      createdAt: at,
      lastModifiedAt: at,
    });
    // Lost the race (or a stale identity id): the winner's document decides, repaired as needed.
    return repairLogin(id, login, identity);
  }

  return {
    resolve,
    resolveLogin,

    /** A new unauthenticated identity (GetId without Logins: a new one on every call, §4.4). */
    async createGuest(poolId: string): Promise<IdentityRecord> {
      const at = now();
      return materialise({ identityId: newIdentityId(o.region, o.uuid), poolId, logins: [], authenticated: false, createdAt: at, lastModifiedAt: at });
    },

    /**
     * Makes every login in `logins` belong to one identity and returns it: the identity they (or
     * `target`) already belong to, merged when they belong to several (`merge`), or refused with
     * DeveloperUserAlreadyRegisteredException (`developer-conflict`); a new identity when none.
     *
     * `target` is a record the caller resolved in this request, and `resolved` (index-aligned with
     * `logins`) what resolveLogin returned for each login in this request, if the caller already
     * asked. The first round uses them as they are; retries read everything again.
     */
    async link(
      poolId: string,
      logins: LinkedLogin[],
      options: { target?: IdentityRecord; resolved?: ReadonlyArray<IdentityRecord | undefined>; onOwnedElsewhere: OnOwnedElsewhere },
    ): Promise<IdentityRecord> {
      if (options.resolved && options.resolved.length !== logins.length) throw new Error('link(): resolved must be index-aligned with logins');
      for (let round = 0; round < MAX_LINK_ROUNDS; round++) {
        try {
          const owners = new Map<string, IdentityRecord>();
          const unowned: LinkedLogin[] = [];
          const given = options.target;
          // A merged-away record (only resolve()'s cycle fallback returns one) is followed again.
          const target = given && (round > 0 || (given.disabled && given.mergedInto)) ? await resolve(given.identityId) : given;
          if (given && !target) throw identityNotFound(given.identityId);
          for (const [i, l] of logins.entries()) {
            const owner = round === 0 && options.resolved ? options.resolved[i] : await resolveLogin(poolId, l, target);
            if (owner) owners.set(owner.identityId, owner);
            else unowned.push(l);
          }
          if (target && options.onOwnedElsewhere === 'developer-conflict' && [...owners.keys()].some((id) => id !== target!.identityId)) {
            throw new ServiceError('DeveloperUserAlreadyRegisteredException', MSG.developerAlreadyRegistered, {
              reason: { check: 'ci.developer.registered', expected: target.identityId, actual: [...owners.keys()] },
            });
          }
          const all = [...owners.values(), ...(target && !owners.has(target.identityId) ? [target] : [])];
          let survivor: IdentityRecord;
          if (all.length === 0) {
            if (!unowned.length) throw new Error('link() needs a login or a target');
            survivor = await createForLogin(poolId, unowned.shift()!);
          } else {
            survivor = all.reduce(older);
            for (const other of all) if (other.identityId !== survivor.identityId) survivor = await merge(survivor, other);
          }
          for (const l of unowned) {
            if (survivor.logins.some((s) => sameLogin(s, l))) {
              // Listed (intent) but not yet owned: claim it now.
              survivor = await linkOne({ ...survivor, logins: survivor.logins.filter((s) => !sameLogin(s, l)) }, l);
            } else survivor = await linkOne(survivor, l);
          }
          return survivor;
        } catch (err) {
          if (err instanceof Retry) continue;
          // The target was deleted (DeleteIdentities) after this request read it.
          if (err instanceof NotFoundError && options.target && err.id === options.target.identityId) throw identityNotFound(options.target.identityId);
          throw err;
        }
      }
      throw new ServiceError('TooManyRequestsException', 'Too many concurrent changes to this identity; try again.', { reason: { check: 'ci.link.contention' } });
    },

    /**
     * MergeDeveloperIdentities: `loser` into `survivor` as the caller asked (not by age). Returns
     * the survivor as it is afterwards.
     */
    async mergeInto(survivor: IdentityRecord, loser: IdentityRecord): Promise<IdentityRecord> {
      for (let round = 0; round < MAX_LINK_ROUNDS; round++) {
        try {
          const s = await resolve(survivor.identityId);
          const l = await resolve(loser.identityId);
          if (!s) throw identityNotFound(survivor.identityId);
          if (!l || l.identityId === s.identityId) return s;
          return await merge(s, l);
        } catch (err) {
          if (err instanceof Retry) continue;
          throw err;
        }
      }
      throw new ServiceError('TooManyRequestsException', 'Too many concurrent changes to this identity; try again.', { reason: { check: 'ci.merge.contention' } });
    },

    /** Removes logins by provider key (UnlinkIdentity / UnlinkDeveloperIdentity), documents first. */
    async unlink(identity: IdentityRecord, remove: (l: LinkedLogin) => boolean): Promise<IdentityRecord> {
      const doomed = identity.logins.filter(remove);
      for (const l of doomed) {
        const id = loginId(identity.poolId, l.providerKey, l.subject);
        const doc = await store.logins.get(id);
        if (doc && doc.identityId === identity.identityId) await store.logins.delete(id);
      }
      return store.identities.update(identity.identityId, (cur) => ({
        ...cur,
        logins: cur.logins.filter((l) => !doomed.some((d) => sameLogin(d, l))),
        lastModifiedAt: now(),
      }));
    },

    /** Deletes an identity (order 5). Returns false when it did not exist. */
    async delete(identityId: string): Promise<boolean> {
      const rec = await store.identities.get(identityId);
      if (!rec) return false;
      for (const l of rec.logins) {
        const id = loginId(rec.poolId, l.providerKey, l.subject);
        const doc = await store.logins.get(id);
        if (doc && doc.identityId === identityId) await store.logins.delete(id);
      }
      await store.identities.delete(identityId);
      await store.poolIdentities.delete(poolIdentityId(rec.poolId, identityId));
      return true;
    },
  };
}

export type IdentityEngine = ReturnType<typeof createIdentityEngine>;
