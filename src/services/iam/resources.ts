/**
 * The resource ARNs IAM authorises each operation against (Service Authorization Reference,
 * "Actions defined by AWS Identity and Access Management": role-scoped actions take the `role`
 * resource, provider actions the `oidc-provider` / `saml-provider` resource, policy actions the
 * `policy` resource, account-wide listings `*`).
 *
 * A role named only by RoleName is authorised with its real path (`role/team/<RoleName>`), read
 * before the handler runs; a role that does not exist is authorised as `role/<RoleName>`, so the
 * caller learns it is missing only if it may act on that name.
 */
import { oidcProviderArn, policyArn, roleArn, samlProviderArn } from './arns.js';
import type { IamEnv } from './env.js';
import { roleId } from './store.js';

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
