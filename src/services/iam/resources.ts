/**
 * The resource ARNs IAM authorises each operation against (Service Authorization Reference,
 * "Actions defined by AWS Identity and Access Management": role-scoped actions take the `role`
 * resource, provider actions the `oidc-provider` / `saml-provider` resource, policy actions the
 * `policy` resource, account-wide listings `*`).
 *
 * A role named only by RoleName is authorised with its real path (`role/team/<RoleName>`), read
 * before the handler runs; a role that does not exist is authorised as `role/<RoleName>`, so the
 * caller learns it is missing only if it may act on that name. Users and groups likewise
 * (`user/<path><UserName>`, `group/<path><GroupName>`); access key operations act on the user.
 */
import { groupArn, oidcProviderArn, policyArn, roleArn, samlProviderArn, userArn } from './arns.js';
import type { IamEnv } from './env.js';
import { nameId, roleId } from './store.js';

export function roleResource(env: IamEnv, roleName: string, path = '/'): string {
  return roleArn(env.accountId, path, roleName);
}

/** The ARN of an existing role (with its path), else `role/<RoleName>`. */
export async function existingRoleResource(env: IamEnv, roleName: string): Promise<string> {
  const role = await env.store.roles.get(roleId(roleName));
  return roleArn(env.accountId, role?.path ?? '/', role?.roleName ?? roleName);
}

export function policyResource(env: IamEnv, path: string, policyName: string): string {
  return policyArn(env.accountId, path, policyName);
}

/** Unvalidated on purpose: the handler refuses a bad URL; authorisation only needs the name. */
export function oidcResourceFromUrl(env: IamEnv, url: string): string {
  return oidcProviderArn(env.accountId, url.replace(/^https:\/\//, ''));
}

export function samlResource(env: IamEnv, name: string): string {
  return samlProviderArn(env.accountId, name);
}

/** The ARN of an existing user (with its path), else `user/<UserName>`. */
export async function existingUserResource(env: IamEnv, userName: string): Promise<string> {
  const user = await env.store.users.get(nameId(userName));
  return userArn(env.accountId, user?.path ?? '/', user?.userName ?? userName);
}

/** The ARN of an existing group (with its path), else `group/<GroupName>`. */
export async function existingGroupResource(env: IamEnv, groupName: string): Promise<string> {
  const group = await env.store.groups.get(nameId(groupName));
  return groupArn(env.accountId, group?.path ?? '/', group?.groupName ?? groupName);
}
