/**
 * Finding IAM entities by name or ARN, shared by the operations (which turn a miss into IAM's
 * NoSuchEntity text) and the directory (which answers `undefined`). An ARN resolves only when it
 * names this account and matches the stored ARN exactly — a role reached through the wrong path
 * (`role/a/x` for `role/b/x`) is not that role.
 */
import { fail } from '../../errors/index.js';
import type { Collection } from '../../storage/contract.js';
import { nameFromRest, parseIamArn, requireIamArn } from './arns.js';
import type { StoredManagedPolicy, StoredOidcProvider, StoredRole, StoredSamlProvider } from './records.js';
import { policyId, roleId, type IamStore } from './store.js';

export async function findRole(store: IamStore, roleName: string): Promise<StoredRole | undefined> {
  return store.roles.get(roleId(roleName));
}

export async function requireRole(store: IamStore, roleName: string): Promise<StoredRole> {
  const role = await findRole(store, roleName);
  if (!role) fail('NoSuchEntity', `The role with name ${roleName} cannot be found.`, { reason: { check: 'iam.role.exists', actual: roleName } });
  return role;
}

export async function findRoleByArn(store: IamStore, accountId: string, arn: string): Promise<StoredRole | undefined> {
  const parsed = parseIamArn(arn);
  if (!parsed || parsed.type !== 'role' || parsed.account !== accountId) return undefined;
  const role = await store.roles.get(roleId(nameFromRest(parsed.rest)));
  return role && role.arn === arn ? role : undefined;
}

/** Customer managed policy by ARN; undefined for AWS-managed, foreign or unknown ARNs. */
export async function findPolicyByArn(store: IamStore, accountId: string, arn: string): Promise<StoredManagedPolicy | undefined> {
  const parsed = parseIamArn(arn);
  if (!parsed || parsed.type !== 'policy' || parsed.account !== accountId) return undefined;
  const policy = await store.policies.get(policyId(nameFromRest(parsed.rest)));
  return policy && policy.arn === arn ? policy : undefined;
}

/** GetPolicy / DeletePolicy: InvalidInput for a malformed ARN, NoSuchEntity "…was not found." otherwise. */
export async function requirePolicy(store: IamStore, accountId: string, arn: string): Promise<StoredManagedPolicy> {
  requireIamArn(arn, 'policy');
  const policy = await findPolicyByArn(store, accountId, arn);
  if (!policy) fail('NoSuchEntity', `Policy ${arn} was not found.`, { reason: { check: 'iam.policy.exists', actual: arn } });
  return policy;
}

async function byArn<D extends { arn: string }>(collection: Collection<D>, accountId: string, arn: string, type: string): Promise<D | undefined> {
  const parsed = parseIamArn(arn);
  if (!parsed || parsed.type !== type || parsed.account !== accountId) return undefined;
  const doc = await collection.get(parsed.rest);
  return doc && doc.arn === arn ? doc : undefined;
}

export function findOidcProviderByArn(store: IamStore, accountId: string, arn: string): Promise<StoredOidcProvider | undefined> {
  return byArn(store.oidcProviders, accountId, arn, 'oidc-provider');
}

export async function requireOidcProvider(store: IamStore, accountId: string, arn: string): Promise<StoredOidcProvider> {
  requireIamArn(arn, 'oidc-provider');
  const provider = await findOidcProviderByArn(store, accountId, arn);
  if (!provider) fail('NoSuchEntity', `OpenIDConnect provider not found for arn ${arn}`, { reason: { check: 'iam.oidc-provider.exists', actual: arn } });
  return provider;
}

export function findSamlProviderByArn(store: IamStore, accountId: string, arn: string): Promise<StoredSamlProvider | undefined> {
  return byArn(store.samlProviders, accountId, arn, 'saml-provider');
}

export async function requireSamlProvider(store: IamStore, accountId: string, arn: string): Promise<StoredSamlProvider> {
  requireIamArn(arn, 'saml-provider');
  const provider = await findSamlProviderByArn(store, accountId, arn);
  if (!provider) fail('NoSuchEntity', `SAMLProvider not found for arn ${arn}`, { reason: { check: 'iam.saml-provider.exists', actual: arn } });
  return provider;
}

/** Every document under `prefix`, following storage pages. */
export async function listAll<D>(collection: Collection<D>, prefix?: string): Promise<D[]> {
  const out: D[] = [];
  let pageToken: string | undefined;
  do {
    const page = await collection.list({ limit: 1000, ...(prefix !== undefined ? { prefix } : {}), ...(pageToken !== undefined ? { pageToken } : {}) });
    for (const item of page.items) out.push(item.doc);
    pageToken = page.next;
  } while (pageToken !== undefined);
  return out;
}
