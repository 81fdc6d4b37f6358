/**
 * Developer-authenticated identities (SigV4; M-CI, aws-surface.md §4.2, §4.5):
 * GetOpenIdTokenForDeveloperIdentity, LookupDeveloperIdentity, MergeDeveloperIdentities,
 * UnlinkDeveloperIdentity. The developer user identifier is a login of provider
 * `DeveloperProviderName` (stored in `ci.logins` like any other, so R1 holds for it too). The
 * classic-flow switch does not apply to GetOpenIdTokenForDeveloperIdentity (§4.4).
 */
import { ServiceError } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import type { CognitoIdentityContext } from '../deps.js';
import { checkStorable, identityNotFound, invalidParameter } from '../errors.js';
import { guidOf, regionOf } from '../ids.js';
import { amrFor, signOpenIdToken } from '../openid-token.js';
import { bindLogins, verifyLogins } from '../logins.js';
import { getPool } from '../pools.js';
import type { IdentityRecord, LinkedLogin, PoolRecord } from '../store.js';
import { poolResource } from './shared.js';

/** "TokenDuration … default 15 minutes" (M-CI). */
export const DEFAULT_DEVELOPER_TOKEN_SECONDS = 900;
/** "The number of linked logins is limited to 20" (M-CI MergeDeveloperIdentities). */
export const MAX_LINKED_LOGINS = 20;

function developerName(pool: PoolRecord, given?: string): string {
  const name = pool.developerProviderName;
  if (name === undefined) throw invalidParameter('This identity pool has no developer provider name.', { check: 'ci.developer.provider', actual: given });
  if (given !== undefined && given !== name) {
    throw invalidParameter(`Developer provider name ${given.slice(0, 130)} does not match the identity pool's.`, { check: 'ci.developer.provider', expected: name, actual: given });
  }
  return name;
}

export function developerIdentityOperations(c: CognitoIdentityContext) {
  const identityInPool = async (identityId: string, pool: PoolRecord): Promise<IdentityRecord> => {
    const rec = await c.engine.resolve(identityId);
    if (!rec || rec.poolId !== pool.poolId) throw identityNotFound(identityId);
    return rec;
  };
  const ownerOf = async (pool: PoolRecord, dev: string, userId: string) => {
    checkStorable('DeveloperUserIdentifier', userId);
    return c.engine.resolveLogin(pool.poolId, { providerKey: dev, subject: userId, publicProvider: false });
  };
  return [
    defineOperation<{ IdentityPoolId: string; IdentityId?: string; Logins: Record<string, string>; PrincipalTags?: Record<string, string>; TokenDuration?: number }>({
      service: 'cognito-identity',
      name: 'GetOpenIdTokenForDeveloperIdentity',
      auth: 'sigv4',
      authorize: { resource: poolResource(c) },
      async handler(input) {
        const pool = await getPool(c.store, input.IdentityPoolId);
        const dev = developerName(pool);
        const userId = input.Logins[dev];
        if (userId === undefined) {
          throw invalidParameter(`Logins must contain exactly one developer provider: ${dev}.`, { check: 'ci.developer.logins', expected: dev, actual: Object.keys(input.Logins) });
        }
        checkStorable('DeveloperUserIdentifier', userId);
        const { [dev]: _dev, ...others } = input.Logins;
        // Every other key must be a provider token this pool accepts (a second developer provider is not).
        const verified = await verifyLogins(c, pool, others);
        const devLogin: LinkedLogin = { providerKey: dev, subject: userId, publicProvider: false };
        const target = input.IdentityId !== undefined ? await identityInPool(input.IdentityId, pool) : undefined;
        const owner = await c.engine.link(pool.poolId, [devLogin], { ...(target ? { target } : {}), onOwnedElsewhere: target ? 'developer-conflict' : 'merge' });
        const identity = verified.length ? await bindLogins(c, pool, verified, owner) : owner;
        const amr = amrFor(verified).filter((a) => a !== 'unauthenticated');
        if (!amr.length) amr.push('authenticated');
        amr.push(dev, `${dev}:${regionOf(pool.poolId)}:${guidOf(pool.poolId)}:${userId}`);
        const token = await signOpenIdToken(c, {
          poolId: pool.poolId,
          identityId: identity.identityId,
          amr: [...new Set(amr)],
          durationSeconds: input.TokenDuration ?? DEFAULT_DEVELOPER_TOKEN_SECONDS,
          ...(input.PrincipalTags ? { principalTags: input.PrincipalTags } : {}),
        });
        return { IdentityId: identity.identityId, Token: token };
      },
    }),
    defineOperation<{ IdentityPoolId: string; IdentityId?: string; DeveloperUserIdentifier?: string; MaxResults?: number; NextToken?: string }>({
      service: 'cognito-identity',
      name: 'LookupDeveloperIdentity',
      auth: 'sigv4',
      authorize: { resource: poolResource(c) },
      async handler(input) {
        const pool = await getPool(c.store, input.IdentityPoolId);
        const dev = developerName(pool);
        if (input.IdentityId === undefined && input.DeveloperUserIdentifier === undefined) {
          throw invalidParameter('Either IdentityId or DeveloperUserIdentifier is required.', { check: 'ci.developer.lookup' });
        }
        let identity: IdentityRecord | undefined;
        if (input.DeveloperUserIdentifier !== undefined) {
          identity = await ownerOf(pool, dev, input.DeveloperUserIdentifier);
          if (!identity) throw new ServiceError('ResourceNotFoundException', 'DeveloperUserIdentifier not found.', { reason: { check: 'ci.developer.lookup.user' } });
        }
        if (input.IdentityId !== undefined) {
          const byId = await identityInPool(input.IdentityId, pool);
          if (identity && identity.identityId !== byId.identityId) {
            throw new ServiceError('ResourceConflictException', 'The IdentityId and DeveloperUserIdentifier do not match.', {
              reason: { check: 'ci.developer.lookup.mismatch', expected: byId.identityId, actual: identity.identityId },
            });
          }
          identity = byId;
        }
        const all = identity!.logins.filter((l) => l.providerKey === dev).map((l) => l.subject).sort();
        // NextToken: the last identifier returned (base64url), so pages stay stable under inserts.
        let start = 0;
        if (input.NextToken !== undefined) {
          const after = Buffer.from(input.NextToken, 'base64url').toString('utf8');
          start = all.findIndex((s) => s > after);
          if (start < 0) start = all.length;
        }
        const limit = input.MaxResults ?? 60;
        const page = all.slice(start, start + limit);
        const more = start + limit < all.length;
        return {
          IdentityId: identity!.identityId,
          DeveloperUserIdentifierList: page,
          ...(more ? { NextToken: Buffer.from(page[page.length - 1]!, 'utf8').toString('base64url') } : {}),
        };
      },
    }),
    defineOperation<{ SourceUserIdentifier: string; DestinationUserIdentifier: string; DeveloperProviderName: string; IdentityPoolId: string }>({
      service: 'cognito-identity',
      name: 'MergeDeveloperIdentities',
      auth: 'sigv4',
      authorize: { resource: poolResource(c) },
      async handler(input) {
        const pool = await getPool(c.store, input.IdentityPoolId);
        const dev = developerName(pool, input.DeveloperProviderName);
        const source = await ownerOf(pool, dev, input.SourceUserIdentifier);
        const destination = await ownerOf(pool, dev, input.DestinationUserIdentifier);
        if (!source || !destination) {
          throw new ServiceError('ResourceNotFoundException', 'DeveloperUserIdentifier not found.', {
            reason: { check: 'ci.developer.merge.user', actual: { source: !!source, destination: !!destination } },
          });
        }
        if (source.identityId === destination.identityId) return { IdentityId: destination.identityId };
        if (source.logins.length + destination.logins.length > MAX_LINKED_LOGINS) {
          throw invalidParameter(`The number of linked logins is limited to ${MAX_LINKED_LOGINS}.`, {
            check: 'ci.developer.merge.limit',
            expected: `<= ${MAX_LINKED_LOGINS}`,
            actual: source.logins.length + destination.logins.length,
          });
        }
        const merged = await c.engine.mergeInto(destination, source);
        return { IdentityId: merged.identityId };
      },
    }),
    defineOperation<{ IdentityId: string; IdentityPoolId: string; DeveloperProviderName: string; DeveloperUserIdentifier: string }>({
      service: 'cognito-identity',
      name: 'UnlinkDeveloperIdentity',
      auth: 'sigv4',
      authorize: { resource: poolResource(c) },
      async handler(input) {
        const pool = await getPool(c.store, input.IdentityPoolId);
        const dev = developerName(pool, input.DeveloperProviderName);
        const identity = await identityInPool(input.IdentityId, pool);
        const owner = await ownerOf(pool, dev, input.DeveloperUserIdentifier);
        if (!owner || owner.identityId !== identity.identityId) {
          throw new ServiceError('ResourceConflictException', 'The developer user identifier is not linked to this identity.', {
            reason: { check: 'ci.developer.unlink', expected: identity.identityId, actual: owner?.identityId },
          });
        }
        const target: LinkedLogin = { providerKey: dev, subject: input.DeveloperUserIdentifier, publicProvider: false };
        await c.engine.unlink(identity, (l) => l.providerKey === target.providerKey && l.subject === target.subject);
        return {};
      },
    }),
  ];
}

