/**
 * Resource servers of a user pool and the custom scopes they define (M-IDP
 * CreateResourceServer … DeleteResourceServer; aws-surface.md §7.1, §8.1 `scope`).
 *
 * A custom scope is `<Identifier>/<ScopeName>` (CG:cognito-user-pools-define-resource-servers);
 * app clients may list it in AllowedOAuthScopes once it exists, and the token endpoint grants it
 * (client_credentials, §8.2). Identifiers may themselves contain `/` (`https://api.example.com`),
 * so scopes are matched as whole strings against what the pool defines, never split.
 *
 * Limits (aws-surface.md §10, CG:limits): 25 resource servers per pool → LimitExceededException;
 * ≤ 100 scopes each (the model's list bound, checked by the pipeline). Scope names must be unique
 * within a server. UpdateResourceServer replaces Name and Scopes (omitted Scopes → none), as
 * AWS's update operations reset what the request omits.
 */
import { AlreadyExistsError } from '../../storage/contract.js';
import { idpError, invalidParameter, poolNotFound } from './errors.js';
import type { ResourceServerRecord } from './records.js';
import { ids, listAll, pageOf, type Stores } from './store.js';

export const MAX_RESOURCE_SERVERS = 25;

export interface ResourceServerInput {
  UserPoolId: string;
  Identifier: string;
  Name: string;
  Scopes?: Array<{ ScopeName: string; ScopeDescription: string }>;
}

export function createResourceServers(ctx: { stores: Stores; clock: () => Date }) {
  const { stores } = ctx;
  const now = () => Math.floor(ctx.clock().getTime() / 1000);

  async function requirePool(userPoolId: string): Promise<void> {
    if (!(await stores.pools.get(userPoolId))) throw poolNotFound(userPoolId);
  }

  function checkScopes(scopes: ResourceServerInput['Scopes']): Array<{ ScopeName: string; ScopeDescription: string }> {
    const list = (scopes ?? []).map((s) => ({ ScopeName: s.ScopeName, ScopeDescription: s.ScopeDescription }));
    const seen = new Set<string>();
    for (const s of list) {
      if (seen.has(s.ScopeName)) throw invalidParameter(`Duplicate scope name ${s.ScopeName}.`, 'idp.resource-server.scopes', s.ScopeName);
      seen.add(s.ScopeName);
    }
    return list;
  }

  async function create(input: ResourceServerInput): Promise<ResourceServerRecord> {
    await requirePool(input.UserPoolId);
    const scopes = checkScopes(input.Scopes);
    if ((await stores.resourceServers.count(ids.poolPrefix(input.UserPoolId))) >= MAX_RESOURCE_SERVERS) {
      throw idpError('LimitExceededException', `A user pool can have at most ${MAX_RESOURCE_SERVERS} resource servers.`, { check: 'idp.resource-server.limit' });
    }
    const t = now();
    const record: ResourceServerRecord = { userPoolId: input.UserPoolId, identifier: input.Identifier, name: input.Name, scopes, createdAt: t, lastModifiedAt: t };
    try {
      await stores.resourceServers.create(ids.inPool(input.UserPoolId, input.Identifier), record);
    } catch (err) {
      if (err instanceof AlreadyExistsError) {
        throw invalidParameter(`${input.Identifier} already exists in ${input.UserPoolId}`, 'idp.resource-server.exists', input.Identifier);
      }
      throw err;
    }
    return record;
  }

  async function require(userPoolId: string, identifier: string): Promise<ResourceServerRecord> {
    await requirePool(userPoolId);
    const rs = await stores.resourceServers.get(ids.inPool(userPoolId, identifier));
    if (!rs) throw idpError('ResourceNotFoundException', `Resource server ${identifier} does not exist.`, { check: 'idp.resource-server', actual: identifier });
    return rs;
  }

  async function update(input: ResourceServerInput): Promise<ResourceServerRecord> {
    await require(input.UserPoolId, input.Identifier);
    const scopes = checkScopes(input.Scopes);
    const t = now();
    return stores.resourceServers.update(ids.inPool(input.UserPoolId, input.Identifier), (rs) => ({ ...rs, name: input.Name, scopes, lastModifiedAt: t }));
  }

  async function remove(userPoolId: string, identifier: string): Promise<void> {
    await require(userPoolId, identifier);
    await stores.resourceServers.delete(ids.inPool(userPoolId, identifier));
  }

  async function list(userPoolId: string, limit: number, token: string | undefined) {
    await requirePool(userPoolId);
    return pageOf(stores.resourceServers, ids.poolPrefix(userPoolId), limit, token);
  }

  /** Every custom scope the pool defines now, as `<identifier>/<ScopeName>`. */
  async function customScopes(userPoolId: string): Promise<Set<string>> {
    const out = new Set<string>();
    for (const { doc } of await listAll(stores.resourceServers, ids.poolPrefix(userPoolId))) {
      for (const s of doc.scopes) out.add(`${doc.identifier}/${s.ScopeName}`);
    }
    return out;
  }

  return { create, require, update, remove, list, customScopes };
}

export type ResourceServers = ReturnType<typeof createResourceServers>;
