/**
 * SetPrincipalTagAttributeMap / GetPrincipalTagAttributeMap (M-CI; aws-surface.md §4.7): per
 * provider of the pool, tag key → claim name, and UseDefaults. A provider never configured
 * reports UseDefaults false and no tags — and gets no principal tags.
 */
import { defineOperation } from '../../../wire/operation.js';
import type { CognitoIdentityContext } from '../deps.js';
import { invalidParameter } from '../errors.js';
import { getPool, poolProviderNames } from '../pools.js';
import { poolResource } from './shared.js';

interface Input {
  IdentityPoolId: string;
  IdentityProviderName: string;
  UseDefaults?: boolean;
  PrincipalTags?: Record<string, string>;
}

export function principalTagOperations(c: CognitoIdentityContext) {
  return [
    defineOperation<Input>({
      service: 'cognito-identity',
      name: 'SetPrincipalTagAttributeMap',
      auth: 'sigv4',
      authorize: { resource: poolResource(c) },
      async handler(input) {
        const pool = await getPool(c.store, input.IdentityPoolId);
        if (!poolProviderNames(pool).has(input.IdentityProviderName)) {
          throw invalidParameter(`${input.IdentityProviderName.slice(0, 300)} is not a provider of this identity pool.`, { check: 'ci.principal-tags.provider', actual: input.IdentityProviderName });
        }
        const map = { useDefaults: input.UseDefaults ?? false, tags: { ...(input.PrincipalTags ?? {}) } };
        await c.store.pools.update(pool.poolId, (cur) => ({ ...cur, principalTagMaps: { ...cur.principalTagMaps, [input.IdentityProviderName]: map } }));
        return { IdentityPoolId: pool.poolId, IdentityProviderName: input.IdentityProviderName, UseDefaults: map.useDefaults, PrincipalTags: map.tags };
      },
    }),
    defineOperation<Input>({
      service: 'cognito-identity',
      name: 'GetPrincipalTagAttributeMap',
      auth: 'sigv4',
      authorize: { resource: poolResource(c) },
      async handler(input) {
        const pool = await getPool(c.store, input.IdentityPoolId);
        const map = pool.principalTagMaps[input.IdentityProviderName];
        return { IdentityPoolId: pool.poolId, IdentityProviderName: input.IdentityProviderName, UseDefaults: map?.useDefaults ?? false, PrincipalTags: map?.tags ?? {} };
      },
    }),
  ];
}
