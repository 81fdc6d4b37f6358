/**
 * Typed access to the IAM collections (names and id schemes documented in records.ts), plus
 * the id helpers every operation shares so that an id is computed in exactly one place.
 */
import type { Collection, Storage } from '../../storage/contract.js';
import type {
  StoredAttachment,
  StoredManagedPolicy,
  StoredOidcProvider,
  StoredRole,
  StoredRolePolicy,
  StoredSamlProvider,
} from './records.js';

export interface IamStore {
  roles: Collection<StoredRole>;
  rolePolicies: Collection<StoredRolePolicy>;
  policies: Collection<StoredManagedPolicy>;
  attachments: Collection<StoredAttachment>;
  oidcProviders: Collection<StoredOidcProvider>;
  samlProviders: Collection<StoredSamlProvider>;
}

export function iamStore(storage: Storage): IamStore {
  return {
    roles: storage.collection<StoredRole>('iam.roles'),
    rolePolicies: storage.collection<StoredRolePolicy>('iam.role-policies'),
    policies: storage.collection<StoredManagedPolicy>('iam.policies'),
    attachments: storage.collection<StoredAttachment>('iam.role-attachments'),
    oidcProviders: storage.collection<StoredOidcProvider>('iam.oidc-providers'),
    samlProviders: storage.collection<StoredSamlProvider>('iam.saml-providers'),
  };
}

/** Role names are unique case-insensitively (IAMG:reference_identifiers), so the id folds case. */
export function roleId(roleName: string): string {
  return roleName.toLowerCase();
}

/** Managed policy names are unique per account regardless of path and of case. */
export function policyId(policyName: string): string {
  return policyName.toLowerCase();
}

/** Prefix selecting every inline policy / attachment of one role. */
export function rolePrefix(roleName: string): string {
  return `${roleId(roleName)}/`;
}

export function rolePolicyId(roleName: string, policyName: string): string {
  return `${rolePrefix(roleName)}${policyName}`;
}

export function attachmentId(roleName: string, policyArn: string): string {
  return `${rolePrefix(roleName)}${policyArn}`;
}
