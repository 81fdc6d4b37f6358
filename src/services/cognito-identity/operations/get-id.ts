/**
 * GetId (unsigned; M-CI, aws-surface.md §4.4–4.5): without Logins a **new** guest identity on
 * every call (when the pool allows guests); with Logins, every token is verified and the identity
 * they are linked to is returned — created (linking all of them) when there is none, merged when
 * they belong to several. Concurrent first calls for one login yield one identity (R1).
 */
import { defineOperation } from '../../../wire/operation.js';
import type { CognitoIdentityContext } from '../deps.js';
import { MSG, notAuthorized, poolNotFound } from '../errors.js';
import { bindLogins, claimSingleUse, verifyLogins } from '../logins.js';
import { getPool } from '../pools.js';

export function getId(c: CognitoIdentityContext) {
  return defineOperation<{ IdentityPoolId: string; AccountId?: string; Logins?: Record<string, string> }>({
    service: 'cognito-identity',
    name: 'GetId',
    auth: 'none',
    authorize: false,
    async handler(input) {
      if (input.AccountId !== undefined && input.AccountId !== c.accountId) throw poolNotFound(input.IdentityPoolId);
      const pool = await getPool(c.store, input.IdentityPoolId);
      const verified = await verifyLogins(c, pool, input.Logins);
      if (!verified.length) {
        if (!pool.allowUnauthenticated) throw notAuthorized(MSG.unauthNotSupported, { check: 'ci.pool.unauthenticated', expected: true, actual: false });
        return { IdentityId: (await c.engine.createGuest(pool.poolId)).identityId };
      }
      const identity = await bindLogins(c, pool, verified, undefined);
      await claimSingleUse(c, verified, identity);
      return { IdentityId: identity.identityId };
    },
  });
}
