/**
 * The resource ARNs IAM authorises each operation against (Service Authorization Reference,
 * "Actions defined by AWS Identity and Access Management": role-scoped actions take the `role`
 * resource, provider actions the `oidc-provider` / `saml-provider` resource, policy actions the
 * `policy` resource, account-wide listings `*`).
 *
 * The pipeline asks for the resource synchronously, before the handler runs, so a role named
 * only by RoleName is authorised as `role/<RoleName>` — its path is not known yet. Roles created
 * under a non-default path are therefore authorised without their path (listed in the IAM
 * compatibility notes).
 */
import { oidcProviderArn, policyArn, roleArn, samlProviderArn } from './arns.js';
import type { IamEnv } from './env.js';

export function roleResource(env: IamEnv, roleName: string, path = '/'): string {
  return roleArn(env.accountId, path, roleName);
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
