/**
 * Administrator user and group operations (SigV4, authorised on the pool ARN): AdminCreateUser,
 * AdminSetUserPassword, AdminGetUser, AdminSetUserMFAPreference, AdminDeleteUser, AdminConfirmSignUp, AdminDisableUser,
 * AdminEnableUser, AdminUpdateUserAttributes, AdminUserGlobalSignOut, ListUsers,
 * AdminLinkProviderForUser, and groups with roles and precedence (CreateGroup, GetGroup,
 * UpdateGroup, ListGroups, DeleteGroup, AdminAddUserToGroup, AdminRemoveUserFromGroup,
 * AdminListGroupsForUser, ListUsersInGroup). aws-surface.md §7.1, §7.3, §9.4.
 */
import { defineOperation, type Operation } from '../../../wire/operation.js';
import { idpError, invalidParameter, MSG, notAuthorized, userNotFound } from '../errors.js';
import { checkPasswordPolicy, generateTemporaryPassword } from '../passwords.js';
import { checkAttributes, checkRequired } from '../schema.js';
import { ids, pageOf } from '../store.js';
import { parseUserFilter } from './filter.js';
import { attributeList, groupShape, poolResource, userShape, type OpsDeps } from './shapes.js';

const MAX_GROUPS_PER_USER = 100;

export function userOperations(deps: OpsDeps): Operation[] {
  const { directory, users, stores, log, random, clock, mfa } = deps.userPools.internals;
  const admin = { authorize: { resource: poolResource(deps) } } as const;
  const op = (name: string, handler: (input: any) => Promise<unknown>): Operation =>
    defineOperation({ service: 'cognito-idp', name, auth: 'sigv4', ...admin, handler: handler as Operation['handler'] });

  async function poolAndUser(input: { UserPoolId: string; Username: string }) {
    const pool = await directory.requirePool(input.UserPoolId);
    return { pool, user: await users.require(pool, input.Username) };
  }

  return [
    op('AdminCreateUser', async (input) => {
      const pool = await directory.requirePool(input.UserPoolId);
      const temporary: string = input.TemporaryPassword ?? generateTemporaryPassword(pool.passwordPolicy, random);
      checkPasswordPolicy(temporary, pool.passwordPolicy);
      let user;
      if (input.MessageAction === 'RESEND') {
        user = await users.require(pool, input.Username);
        if (user.status !== 'FORCE_CHANGE_PASSWORD') throw idpError('UnsupportedUserStateException', 'Resend not possible.', { check: 'idp.user.resend' });
      } else {
        const attributes = checkAttributes(pool, input.UserAttributes, 'create');
        checkRequired(pool, attributes);
        user = await users.create(pool, { username: input.Username, attributes, status: 'FORCE_CHANGE_PASSWORD' });
      }
      user = await users.setPassword(pool, user, temporary, 'FORCE_CHANGE_PASSWORD');
      if (input.MessageAction !== 'SUPPRESS' && input.TemporaryPassword === undefined) {
        // The invitation message AWS would send; no mail leaves this server.
        log.info({ userPoolId: pool.id, username: user.username, temporaryPassword: temporary }, 'cognito-idp invitation (no message is sent)');
      }
      return { User: userShape(user) };
    }),
    op('AdminSetUserPassword', async (input) => {
      const { pool, user } = await poolAndUser(input);
      await users.setPassword(pool, user, input.Password, input.Permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD');
      return {};
    }),
    op('AdminGetUser', async (input) => {
      const { user } = await poolAndUser(input);
      const s = userShape(user);
      return { Username: s.Username, UserAttributes: s.Attributes, UserCreateDate: s.UserCreateDate, UserLastModifiedDate: s.UserLastModifiedDate, Enabled: s.Enabled, UserStatus: s.UserStatus, ...mfa.settingsOf(user) };
    }),
    op('AdminSetUserMFAPreference', async (input) => {
      const { pool, user } = await poolAndUser(input);
      await mfa.setPreference(pool, user, input);
      return {};
    }),
    op('AdminDeleteUser', async (input) => {
      const { pool, user } = await poolAndUser(input);
      await users.remove(pool, user);
      return {};
    }),
    op('AdminConfirmSignUp', async (input) => {
      const { pool, user } = await poolAndUser(input);
      if (user.status !== 'UNCONFIRMED') throw notAuthorized(`User cannot be confirmed. Current status is ${user.status}`, 'idp.user.confirm', user.status);
      await users.update(pool, user.username, (u) => ({ ...u, status: 'CONFIRMED' }));
      return {};
    }),
    op('AdminDisableUser', async (input) => {
      const { pool, user } = await poolAndUser(input);
      await users.update(pool, user.username, (u) => ({ ...u, enabled: false }));
      return {};
    }),
    op('AdminEnableUser', async (input) => {
      const { pool, user } = await poolAndUser(input);
      await users.update(pool, user.username, (u) => ({ ...u, enabled: true }));
      return {};
    }),
    op('AdminUpdateUserAttributes', async (input) => {
      const { pool, user } = await poolAndUser(input);
      await users.setAttributes(pool, user, checkAttributes(pool, input.UserAttributes, 'update'));
      return {};
    }),
    op('AdminUserGlobalSignOut', async (input) => {
      const { pool, user } = await poolAndUser(input);
      const at = clock().getTime();
      await users.update(pool, user.username, (u) => ({ ...u, tokensRevokedBeforeMs: Math.max(u.tokensRevokedBeforeMs ?? 0, at) }));
      return {};
    }),
    op('ListUsers', async (input) => {
      const pool = await directory.requirePool(input.UserPoolId);
      const keep = parseUserFilter(input.Filter);
      const page = await pageOf(stores.users, ids.poolPrefix(pool.id), input.Limit || 60, input.PaginationToken, keep);
      return { Users: page.items.map((u) => userShape(u, input.AttributesToGet)), ...(page.next ? { PaginationToken: page.next } : {}) };
    }),
    op('AdminLinkProviderForUser', async (input) => {
      const pool = await directory.requirePool(input.UserPoolId);
      const dest = input.DestinationUser;
      const src = input.SourceUser;
      if (dest.ProviderName !== 'Cognito' || !dest.ProviderAttributeValue) {
        throw invalidParameter('DestinationUser must be a native Cognito user (ProviderName "Cognito").', 'idp.link.destination');
      }
      if (!src.ProviderName || !src.ProviderAttributeName || !src.ProviderAttributeValue) {
        throw invalidParameter('SourceUser requires ProviderName, ProviderAttributeName and ProviderAttributeValue.', 'idp.link.source');
      }
      const idp = await stores.idps.get(ids.inPool(pool.id, src.ProviderName));
      if (!idp) throw idpError('ResourceNotFoundException', `Identity provider ${src.ProviderName} does not exist.`, { check: 'idp.link.provider' });
      if (idp.providerType !== 'SAML' && src.ProviderAttributeName !== 'Cognito_Subject') {
        throw invalidParameter('ProviderAttributeName must be Cognito_Subject for OIDC and social identity providers.', 'idp.link.attribute', src.ProviderAttributeName);
      }
      const destination = await users.find(pool, dest.ProviderAttributeValue);
      if (!destination) throw userNotFound(dest.ProviderAttributeValue);
      if (destination.status === 'EXTERNAL_PROVIDER') throw invalidParameter('DestinationUser must be a native Cognito user.', 'idp.link.destination-federated');
      await users.link(pool, destination, {
        providerName: idp.providerName,
        providerType: idp.providerType,
        attributeName: src.ProviderAttributeName,
        attributeValue: src.ProviderAttributeValue,
      });
      return {};
    }),

    // ---- groups ------------------------------------------------------------------------------
    op('CreateGroup', async (input) => ({ Group: groupShape(await directory.createGroup(input)) })),
    op('GetGroup', async (input) => ({ Group: groupShape(await directory.requireGroup(input.UserPoolId, input.GroupName)) })),
    op('UpdateGroup', async (input) => ({ Group: groupShape(await directory.updateGroup(input)) })),
    op('DeleteGroup', async (input) => {
      await directory.deleteGroup(input.UserPoolId, input.GroupName);
      return {};
    }),
    op('ListGroups', async (input) => {
      const page = await directory.listGroups(input.UserPoolId, input.Limit || 60, input.NextToken);
      return { Groups: page.items.map(groupShape), ...(page.next ? { NextToken: page.next } : {}) };
    }),
    op('AdminAddUserToGroup', async (input) => {
      const { pool, user } = await poolAndUser(input);
      await directory.requireGroup(pool.id, input.GroupName);
      if (!user.groups.includes(input.GroupName) && user.groups.length >= MAX_GROUPS_PER_USER) {
        throw idpError('LimitExceededException', 'A user can be a member of at most 100 groups.', { check: 'idp.group.limit' });
      }
      await users.update(pool, user.username, (u) => ({ ...u, groups: u.groups.includes(input.GroupName) ? u.groups : [...u.groups, input.GroupName] }));
      return {};
    }),
    op('AdminRemoveUserFromGroup', async (input) => {
      const { pool, user } = await poolAndUser(input);
      await directory.requireGroup(pool.id, input.GroupName);
      await users.update(pool, user.username, (u) => ({ ...u, groups: u.groups.filter((g) => g !== input.GroupName) }));
      return {};
    }),
    op('AdminListGroupsForUser', async (input) => {
      const { pool, user } = await poolAndUser(input);
      const limit: number = input.Limit || 60;
      const names = [...user.groups].sort();
      const start = input.NextToken ? names.findIndex((n) => n > String(input.NextToken)) : 0;
      if (start < 0 && input.NextToken) return { Groups: [] };
      const slice = names.slice(start, start + limit);
      const groups = [];
      for (const n of slice) {
        const g = await stores.groups.get(ids.inPool(pool.id, n));
        if (g) groups.push(groupShape(g));
      }
      return { Groups: groups, ...(start + limit < names.length ? { NextToken: slice[slice.length - 1] } : {}) };
    }),
    op('ListUsersInGroup', async (input) => {
      const pool = await directory.requirePool(input.UserPoolId);
      await directory.requireGroup(pool.id, input.GroupName);
      const page = await pageOf(stores.users, ids.poolPrefix(pool.id), input.Limit || 60, input.NextToken, (u) => u.groups.includes(input.GroupName));
      return { Users: page.items.map((u) => userShape(u)), ...(page.next ? { NextToken: page.next } : {}) };
    }),
  ];
}

export { attributeList, MSG };
