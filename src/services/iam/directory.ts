/**
 * The read side of IAM for the rest of Tessera: STS looks up roles and identity providers, the
 * authoriser reads a role's policies. Records are copies; nothing here writes.
 */
import type { Storage } from '../../storage/contract.js';
import {
  findOidcProviderByArn,
  findPolicyByArn,
  findRole,
  findRoleByArn,
  findSamlProviderByArn,
  listAll,
} from './lookup.js';
import {
  toOidcProviderRecord,
  toRoleRecord,
  toSamlProviderRecord,
  type OidcProviderRecord,
  type RoleRecord,
  type SamlProviderRecord,
} from './records.js';
import { iamStore, rolePrefix } from './store.js';

export type { OidcProviderRecord, RoleRecord, SamlProviderRecord, Tag } from './records.js';

export interface IamDirectory {
  getRole(name: string): Promise<RoleRecord | undefined>;
  getRoleByArn(arn: string): Promise<RoleRecord | undefined>;
  /** Inline policies (named by policy name) then attached managed policies (named by ARN), as text. */
  getRolePolicyDocuments(roleName: string): Promise<Array<{ name: string; document: string }>>;
  /** `urlWithoutScheme` as in the provider ARN, e.g. `idp.example.com:8443/realms/x`. */
  getOidcProviderByUrl(urlWithoutScheme: string): Promise<OidcProviderRecord | undefined>;
  getOidcProviderByArn(arn: string): Promise<OidcProviderRecord | undefined>;
  getSamlProviderByArn(arn: string): Promise<SamlProviderRecord | undefined>;
  /** Default version text of a customer managed policy of this account; undefined when absent. */
  getManagedPolicyDocument(arn: string): Promise<string | undefined>;
}

export function createIamDirectory(storage: Storage, accountId: string): IamDirectory {
  const store = iamStore(storage);
  return {
    async getRole(name) {
      const role = await findRole(store, name);
      return role && toRoleRecord(role);
    },
    async getRoleByArn(arn) {
      const role = await findRoleByArn(store, accountId, arn);
      return role && toRoleRecord(role);
    },
    async getRolePolicyDocuments(roleName) {
      const role = await findRole(store, roleName);
      if (!role) return [];
      const prefix = rolePrefix(roleName);
      const [allInline, allAttached] = await Promise.all([listAll(store.rolePolicies, prefix), listAll(store.attachments, prefix)]);
      // Only what was written for this very role (same AROA id), never a deleted namesake's.
      const inline = allInline.filter((p) => p.roleId === role.roleId);
      const attached = allAttached.filter((a) => a.roleId === role.roleId);
      const out = inline.map((p) => ({ name: p.policyName, document: p.document }));
      const managed = await Promise.all(attached.map((a) => findPolicyByArn(store, accountId, a.policyArn)));
      for (const policy of managed) if (policy) out.push({ name: policy.arn, document: policy.document });
      return out;
    },
    async getOidcProviderByUrl(urlWithoutScheme) {
      const provider = await store.oidcProviders.get(urlWithoutScheme);
      return provider && toOidcProviderRecord(provider);
    },
    async getOidcProviderByArn(arn) {
      const provider = await findOidcProviderByArn(store, accountId, arn);
      return provider && toOidcProviderRecord(provider);
    },
    async getSamlProviderByArn(arn) {
      const provider = await findSamlProviderByArn(store, accountId, arn);
      return provider && toSamlProviderRecord(provider);
    },
    async getManagedPolicyDocument(arn) {
      const policy = await findPolicyByArn(store, accountId, arn);
      return policy?.document;
    },
  };
}
