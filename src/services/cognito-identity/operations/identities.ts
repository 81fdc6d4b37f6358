/**
 * DescribeIdentity, ListIdentities, DeleteIdentities (M-CI; aws-surface.md §3, §4.5).
 * `Logins` lists provider names (not subjects); HideDisabled omits merged-away identities.
 */
import { defineOperation } from '../../../wire/operation.js';
import type { CognitoIdentityContext } from '../deps.js';
import { identityNotFound } from '../errors.js';
import { poolArn, regionOf } from '../ids.js';
import { getPool } from '../pools.js';
import type { IdentityRecord } from '../store.js';
import { poolResource, withPageToken } from './shared.js';

export function describe(rec: IdentityRecord) {
  return {
    IdentityId: rec.identityId,
    Logins: [...new Set(rec.logins.map((l) => l.providerKey))],
    CreationDate: new Date(rec.createdAt),
    LastModifiedDate: new Date(rec.lastModifiedAt),
  };
}

export function identityOperations(c: CognitoIdentityContext) {
  return [
    defineOperation<{ IdentityId: string }>({
      service: 'cognito-identity',
      name: 'DescribeIdentity',
      auth: 'sigv4',
      authorize: {
        async resource(input) {
          const rec = await c.store.identities.get(input.IdentityId);
          return rec ? poolArn(regionOf(rec.poolId), c.accountId, rec.poolId) : '*';
        },
      },
      async handler(input) {
        const rec = await c.store.identities.get(input.IdentityId);
        if (!rec || !(await c.store.pools.get(rec.poolId))) throw identityNotFound(input.IdentityId);
        return describe(rec);
      },
    }),
    defineOperation<{ IdentityPoolId: string; MaxResults: number; NextToken?: string; HideDisabled?: boolean }>({
      service: 'cognito-identity',
      name: 'ListIdentities',
      auth: 'sigv4',
      authorize: { resource: poolResource(c) },
      async handler(input) {
        const pool = await getPool(c.store, input.IdentityPoolId);
        const prefix = `${pool.poolId}/`;
        const page = await withPageToken(input.NextToken, () =>
          c.store.poolIdentities.list({ prefix, limit: input.MaxResults, ...(input.NextToken !== undefined ? { pageToken: input.NextToken } : {}) }),
        );
        const records = await Promise.all(page.items.map((i) => c.store.identities.get(i.id.slice(prefix.length))));
        // An index entry without a record is a delete (or create) cut short: skip it (identities.ts, order 2/5).
        const shown = records.filter((r): r is IdentityRecord => r !== undefined && !(input.HideDisabled && r.disabled));
        return {
          IdentityPoolId: pool.poolId,
          Identities: shown.map(describe),
          ...(page.next !== undefined ? { NextToken: page.next } : {}),
        };
      },
    }),
    defineOperation<{ IdentityIdsToDelete: string[] }>({
      service: 'cognito-identity',
      name: 'DeleteIdentities',
      auth: 'sigv4',
      async handler(input, ctx) {
        const unprocessed: Array<{ IdentityId: string; ErrorCode: 'InternalServerError' }> = [];
        for (const id of new Set(input.IdentityIdsToDelete)) {
          try {
            await c.engine.delete(id);
          } catch (err) {
            ctx.log.error({ err, identityId: id }, 'DeleteIdentities: identity not deleted');
            unprocessed.push({ IdentityId: id, ErrorCode: 'InternalServerError' });
          }
        }
        return { UnprocessedIdentityIds: unprocessed };
      },
    }),
  ];
}
