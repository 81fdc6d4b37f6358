/**
 * CreateIdentityPool, DescribeIdentityPool, UpdateIdentityPool, DeleteIdentityPool,
 * ListIdentityPools (M-CI; aws-surface.md §3). Update is a full replace (omitted members revert
 * to defaults); roles, role mappings and principal-tag maps are kept (they have their own APIs),
 * and so are tags when IdentityPoolTags is omitted.
 */
import { defineOperation } from '../../../wire/operation.js';
import { ServiceError } from '../../../errors/index.js';
import type { CognitoIdentityContext } from '../deps.js';
import { invalidParameter } from '../errors.js';
import { newPoolId } from '../ids.js';
import { checkTags, getPool, poolConfig, poolToWire, type PoolConfigInput } from '../pools.js';
import { poolIdentityId, type PoolRecord } from '../store.js';
import { poolResource, withPageToken } from './shared.js';

/** "Identity pools per account/region: 1,000" (CG:limits, aws-surface.md §4.10). */
export const MAX_POOLS = 1000;

export function identityPoolOperations(c: CognitoIdentityContext) {
  return [
    defineOperation<PoolConfigInput>({
      service: 'cognito-identity',
      name: 'CreateIdentityPool',
      auth: 'sigv4',
      async handler(input) {
        const config = await poolConfig(input, c.iam);
        if ((await c.store.pools.count()) >= MAX_POOLS) {
          throw new ServiceError('LimitExceededException', `You have reached the limit of ${MAX_POOLS} identity pools.`, { reason: { check: 'ci.pool.limit' } });
        }
        const record: PoolRecord = {
          poolId: newPoolId(c.region),
          ...config,
          tags: checkTags(input.IdentityPoolTags ?? {}),
          roles: {},
          roleMappings: {},
          principalTagMaps: {},
          createdAt: c.clock().toISOString(),
        };
        await c.store.pools.create(record.poolId, record);
        return poolToWire(record);
      },
    }),
    defineOperation<{ IdentityPoolId: string }>({
      service: 'cognito-identity',
      name: 'DescribeIdentityPool',
      auth: 'sigv4',
      authorize: { resource: poolResource(c) },
      async handler(input) {
        return poolToWire(await getPool(c.store, input.IdentityPoolId));
      },
    }),
    defineOperation<PoolConfigInput & { IdentityPoolId: string }>({
      service: 'cognito-identity',
      name: 'UpdateIdentityPool',
      auth: 'sigv4',
      authorize: { resource: poolResource(c) },
      async handler(input) {
        await getPool(c.store, input.IdentityPoolId);
        const config = await poolConfig(input, c.iam);
        const tags = input.IdentityPoolTags !== undefined ? checkTags(input.IdentityPoolTags) : undefined;
        const updated = await c.store.pools.update(input.IdentityPoolId, (cur) => {
          if (cur.developerProviderName !== undefined && cur.developerProviderName !== config.developerProviderName) {
            // M-CI: "Once you have set a developer provider name, you cannot change it."
            throw invalidParameter('Developer provider name cannot be changed once it is set.', {
              check: 'ci.pool.developer-provider.immutable',
              expected: cur.developerProviderName,
              actual: config.developerProviderName ?? '(absent)',
            });
          }
          const { allowClassicFlow: _drop, developerProviderName: _dev, ...rest } = cur;
          return { ...rest, ...config, tags: tags ?? cur.tags };
        });
        return poolToWire(updated);
      },
    }),
    defineOperation<{ IdentityPoolId: string }>({
      service: 'cognito-identity',
      name: 'DeleteIdentityPool',
      auth: 'sigv4',
      authorize: { resource: poolResource(c) },
      async handler(input) {
        // The pool goes first: every identity operation loads the pool, so its identities are
        // unreachable from this moment; the purge below only reclaims space (and is repeatable).
        await getPool(c.store, input.IdentityPoolId);
        await c.store.pools.delete(input.IdentityPoolId);
        const prefix = `${input.IdentityPoolId}/`;
        for (;;) {
          const page = await c.store.poolIdentities.list({ prefix, limit: 100 });
          if (!page.items.length) break;
          for (const item of page.items) {
            const identityId = item.id.slice(prefix.length);
            await c.engine.delete(identityId);
            await c.store.poolIdentities.delete(poolIdentityId(input.IdentityPoolId, identityId));
          }
        }
        return {};
      },
    }),
    defineOperation<{ MaxResults: number; NextToken?: string }>({
      service: 'cognito-identity',
      name: 'ListIdentityPools',
      auth: 'sigv4',
      async handler(input) {
        const page = await withPageToken(input.NextToken, () =>
          c.store.pools.list({ limit: input.MaxResults, ...(input.NextToken !== undefined ? { pageToken: input.NextToken } : {}) }),
        );
        return {
          IdentityPools: page.items.map((i) => ({ IdentityPoolId: i.doc.poolId, IdentityPoolName: i.doc.name })),
          ...(page.next !== undefined ? { NextToken: page.next } : {}),
        };
      },
    }),
  ];
}
