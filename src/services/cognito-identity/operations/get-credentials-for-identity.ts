/**
 * GetCredentialsForIdentity (unsigned; M-CI, aws-surface.md §4.4–4.6): the enhanced flow. The
 * identity must exist in a pool; an authenticated identity needs a valid login of its own; new
 * logins are linked (guest → authenticated upgrade, merges); then credentials.ts resolves the
 * role, evaluates its trust policy and mints. `SecretKey`, not `SecretAccessKey`.
 */
import { defineOperation } from '../../../wire/operation.js';
import type { CognitoIdentityContext } from '../deps.js';
import { credentialsForIdentity } from '../credentials.js';
import { identityForCall } from '../logins.js';
import { getPool } from '../pools.js';

export function getCredentialsForIdentity(c: CognitoIdentityContext) {
  return defineOperation<{ IdentityId: string; Logins?: Record<string, string>; CustomRoleArn?: string }>({
    service: 'cognito-identity',
    name: 'GetCredentialsForIdentity',
    auth: 'none',
    authorize: false,
    async handler(input, ctx) {
      const { pool, identity, verified } = await identityForCall(c, input.IdentityId, input.Logins, (id) => getPool(c.store, id));
      return credentialsForIdentity(c, {
        pool,
        identity,
        verified,
        ...(input.CustomRoleArn !== undefined ? { customRoleArn: input.CustomRoleArn } : {}),
        requestContext: ctx.requestContext,
      });
    },
  });
}
