/**
 * From a `Logins` map to the identity it proves (aws-surface.md §4.3, §4.5): every token is
 * verified (any invalid token fails the whole call), Tessera's own `cognito-identity.amazonaws.com`
 * tokens name their identity directly, every other login is linked through the identity engine.
 *
 * Guarding against identity takeover: logins may be attached to an identity given by id only
 * when that identity is unauthenticated (the guest → authenticated upgrade, CG:switching-identities)
 * or when at least one supplied login already belongs to it. Knowing an authenticated identity's
 * id is never enough to link a new login to it.
 */
import type { VerifiedLogin } from '../../tokens/logins/index.js';
import { MSG, checkStorable, identityNotFound, invalidParameter, loginRefusal, notAuthorized } from './errors.js';
import { loginConfig } from './pools.js';
import type { CognitoIdentityContext } from './deps.js';
import type { IdentityRecord, LinkedLogin, PoolRecord } from './store.js';

export const COGNITO_IDENTITY_PROVIDER = 'cognito-identity.amazonaws.com';

/** Verifies all logins (none → []); the developer provider name is not a Logins key here (§4.5). */
export async function verifyLogins(c: CognitoIdentityContext, pool: PoolRecord, logins: Record<string, string> | undefined): Promise<VerifiedLogin[]> {
  if (!logins || Object.keys(logins).length === 0) return [];
  if (pool.developerProviderName !== undefined && pool.developerProviderName in logins) {
    throw notAuthorized('Token is not from a supported provider of this identity pool.', {
      check: 'ci.logins.developer-key',
      detail: 'the developer provider name is only accepted by GetOpenIdTokenForDeveloperIdentity',
      actual: pool.developerProviderName,
    });
  }
  let verified: VerifiedLogin[];
  try {
    verified = await c.logins.verify(logins, loginConfig(pool));
  } catch (err) {
    loginRefusal(err);
  }
  for (const v of verified) if (v.providerKind !== 'cognito-identity') checkStorable('The login subject', v.subject);
  return verified;
}

export function toLinked(v: VerifiedLogin): LinkedLogin {
  return { providerKey: v.providerKey, subject: v.subject, publicProvider: v.publicProvider };
}

/**
 * The active identity a Tessera OpenID token names, which must be of this pool. `known` is the
 * identity the request already holds: when the token names it, it is not read again.
 */
async function tokenIdentity(c: CognitoIdentityContext, pool: PoolRecord, v: VerifiedLogin, known: IdentityRecord | undefined): Promise<IdentityRecord> {
  const rec = known && v.identityId === known.identityId ? known : v.identityId ? await c.engine.resolve(v.identityId) : undefined;
  if (!rec || rec.poolId !== pool.poolId) {
    throw notAuthorized(MSG.loginsDontMatch, { check: 'ci.logins.token-identity', expected: `an identity of ${pool.poolId}`, actual: v.identityId });
  }
  return rec;
}

/**
 * The identity these verified logins prove, linking (and merging) as §4.5 describes. `target`
 * is the identity named by the request (GetOpenIdToken / GetCredentialsForIdentity), if any.
 */
export async function bindLogins(
  c: CognitoIdentityContext,
  pool: PoolRecord,
  verified: VerifiedLogin[],
  target: IdentityRecord | undefined,
): Promise<IdentityRecord> {
  let anchor = target;
  let proven = false;
  for (const v of verified.filter((x) => x.providerKind === 'cognito-identity')) {
    const named = await tokenIdentity(c, pool, v, anchor);
    if (anchor && anchor.identityId !== named.identityId) {
      throw notAuthorized(MSG.loginsDontMatch, { check: 'ci.logins.token-identity', expected: anchor.identityId, actual: named.identityId });
    }
    anchor = named;
    proven = true;
  }
  const linked = verified.filter((x) => x.providerKind !== 'cognito-identity').map(toLinked);
  if (!linked.length) {
    if (!anchor) throw invalidParameter('Logins must not be empty.', { check: 'ci.logins.empty' });
    return anchor;
  }
  if (anchor && anchor.authenticated && !proven) {
    // Takeover guard: an authenticated identity accepts new logins only alongside one of its own.
    const owners: Array<IdentityRecord | undefined> = [];
    for (const l of linked) owners.push(await c.engine.resolveLogin(pool.poolId, l, anchor));
    const own = owners.filter((o): o is IdentityRecord => o?.identityId === anchor.identityId);
    if (!own.length) throw notAuthorized(MSG.loginsDontMatch, { check: 'ci.logins.identity', expected: `a login of ${anchor.identityId}`, actual: linked.map((l) => l.providerKey) });
    // Every login already belongs to the anchor (the steady-state sign-in): nothing to link or
    // merge, which is what link() would conclude from these same reads (issue 5).
    if (own.length === linked.length) return own[own.length - 1]!;
    return c.engine.link(pool.poolId, linked, { target: anchor, resolved: owners, onOwnedElsewhere: 'merge' });
  }
  return c.engine.link(pool.poolId, linked, { ...(anchor ? { target: anchor } : {}), onOwnedElsewhere: 'merge' });
}

/**
 * SAML logins (security.md S16): an assertion is bound to the first identity it proves, and is
 * accepted again only for that identity within its validity (GetId then GetCredentialsForIdentity,
 * as Cognito allows); the database decides, so it holds on every node.
 */
export async function claimSingleUse(c: CognitoIdentityContext, verified: VerifiedLogin[], identity: IdentityRecord): Promise<void> {
  for (const v of verified) {
    if (!v.singleUse) continue;
    const ok = c.samlAssertions ? await c.samlAssertions.claim(v.singleUse.issuer, v.singleUse.assertionId, v.singleUse.expiresAt, identity.identityId) : false;
    if (!ok) {
      throw notAuthorized('Invalid login token. The SAML assertion has already been used for another identity.', {
        check: 'ci.logins.saml-replay',
        expected: 'an assertion not used for another identity',
        actual: v.singleUse.assertionId,
      });
    }
  }
}

/**
 * The identity a public call names plus the proof it brings: unknown → ResourceNotFound; no
 * Logins → only a guest identity of a pool that allows guests (§4.3, security.md A02).
 */
export async function identityForCall(
  c: CognitoIdentityContext,
  identityId: string,
  logins: Record<string, string> | undefined,
  getPool: (poolId: string) => Promise<PoolRecord>,
  beforeVerify?: (pool: PoolRecord) => void,
): Promise<{ pool: PoolRecord; identity: IdentityRecord; verified: VerifiedLogin[] }> {
  const named = await c.engine.resolve(identityId);
  if (!named) throw identityNotFound(identityId);
  const pool = await getPool(named.poolId);
  beforeVerify?.(pool);
  const verified = await verifyLogins(c, pool, logins);
  if (!verified.length) {
    if (named.authenticated) throw notAuthorized(MSG.loginsDontMatch, { check: 'ci.logins.missing', expected: 'a valid login of this identity' });
    if (!pool.allowUnauthenticated) throw notAuthorized(MSG.unauthNotSupported, { check: 'ci.pool.unauthenticated', expected: true, actual: false });
    return { pool, identity: named, verified };
  }
  const identity = await bindLogins(c, pool, verified, named);
  await claimSingleUse(c, verified, identity);
  return { pool, identity, verified };
}
