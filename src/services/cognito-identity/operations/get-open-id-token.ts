/**
 * GetOpenIdToken (unsigned; the basic/classic flow, M-CI, aws-surface.md §4.4, §4.8): refused when
 * the pool has AllowClassicFlow false or any RoleMappings; otherwise the same identity checks as
 * GetCredentialsForIdentity, then a 10-minute Tessera OpenID token for the identity.
 */
import { defineOperation } from '../../../wire/operation.js';
import type { CognitoIdentityContext } from '../deps.js';
import { MSG, invalidParameter } from '../errors.js';
import { identityForCall } from '../logins.js';
import { amrFor, OPEN_ID_TOKEN_SECONDS, signOpenIdToken } from '../openid-token.js';
import { getPool } from '../pools.js';

export function getOpenIdToken(c: CognitoIdentityContext) {
  return defineOperation<{ IdentityId: string; Logins?: Record<string, string> }>({
    service: 'cognito-identity',
    name: 'GetOpenIdToken',
    auth: 'none',
    authorize: false,
    async handler(input) {
      const { pool, identity, verified } = await identityForCall(c, input.IdentityId, input.Logins, (id) => getPool(c.store, id), (p) => {
        // Absent AllowClassicFlow still serves the basic flow (aws-cli#7652, §4.4 quirk).
        if (p.allowClassicFlow === false) throw invalidParameter(MSG.classicDisabled, { check: 'ci.pool.classic-flow', expected: true, actual: false });
        if (Object.keys(p.roleMappings).length) throw invalidParameter(MSG.classicWithRoleMappings, { check: 'ci.pool.classic-flow.role-mappings', actual: Object.keys(p.roleMappings) });
      });
      const token = await signOpenIdToken(c, { poolId: pool.poolId, identityId: identity.identityId, amr: amrFor(verified), durationSeconds: OPEN_ID_TOKEN_SECONDS });
      return { IdentityId: identity.identityId, Token: token };
    },
  });
}
