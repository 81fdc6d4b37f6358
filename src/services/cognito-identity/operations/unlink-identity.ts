/**
 * UnlinkIdentity (unsigned; M-CI, aws-surface.md §4.5): with a valid login of the identity, removes
 * its logins of the providers in LoginsToRemove. Unlinked logins "will be considered new
 * identities next time they are seen"; removing the last one makes the identity inaccessible.
 */
import { defineOperation } from '../../../wire/operation.js';
import type { CognitoIdentityContext } from '../deps.js';
import { MSG, identityNotFound, notAuthorized } from '../errors.js';
import { toLinked, verifyLogins } from '../logins.js';
import { getPool } from '../pools.js';

export function unlinkIdentity(c: CognitoIdentityContext) {
  return defineOperation<{ IdentityId: string; Logins: Record<string, string>; LoginsToRemove: string[] }>({
    service: 'cognito-identity',
    name: 'UnlinkIdentity',
    auth: 'none',
    authorize: false,
    async handler(input) {
      const identity = await c.engine.resolve(input.IdentityId);
      if (!identity) throw identityNotFound(input.IdentityId);
      const pool = await getPool(c.store, identity.poolId);
      const verified = await verifyLogins(c, pool, input.Logins);
      let proven = false;
      for (const v of verified) {
        if (v.providerKind === 'cognito-identity') {
          const named = v.identityId === identity.identityId ? identity : v.identityId ? await c.engine.resolve(v.identityId) : undefined;
          if (named?.identityId === identity.identityId) proven = true;
        } else if ((await c.engine.resolveLogin(pool.poolId, toLinked(v), identity))?.identityId === identity.identityId) {
          proven = true;
        }
      }
      if (!proven) throw notAuthorized(MSG.loginsDontMatch, { check: 'ci.unlink.proof', expected: `a valid login of ${identity.identityId}` });
      const remove = new Set(input.LoginsToRemove);
      // The developer identifier is managed by the developer's backend (UnlinkDeveloperIdentity).
      await c.engine.unlink(identity, (l) => remove.has(l.providerKey) && l.providerKey !== pool.developerProviderName);
      return {};
    },
  });
}
