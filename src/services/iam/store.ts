/**
 * Typed access to the IAM collections (names and id schemes documented in records.ts), plus
 * the id helpers every operation shares so that an id is computed in exactly one place.
 */
import type { Collection, Storage } from '../../storage/contract.js';
import type {
  StoredAccessKey,
  StoredAccessKeyId,
  StoredAttachment,
  StoredGroup,
  StoredMembership,
  StoredOwnedAttachment,
  StoredOwnedPolicy,
  StoredUser,
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
  users: Collection<StoredUser>;
  userPolicies: Collection<StoredOwnedPolicy>;
  userAttachments: Collection<StoredOwnedAttachment>;
  groups: Collection<StoredGroup>;
  groupPolicies: Collection<StoredOwnedPolicy>;
  groupAttachments: Collection<StoredOwnedAttachment>;
  groupMembers: Collection<StoredMembership>;
  userGroups: Collection<StoredMembership>;
  accessKeys: Collection<StoredAccessKey>;
  accessKeyIds: Collection<StoredAccessKeyId>;
}

export function iamStore(storage: Storage): IamStore {
  return {
    roles: storage.collection<StoredRole>('iam.roles'),
    rolePolicies: storage.collection<StoredRolePolicy>('iam.role-policies'),
    policies: storage.collection<StoredManagedPolicy>('iam.policies'),
    attachments: storage.collection<StoredAttachment>('iam.role-attachments'),
    oidcProviders: storage.collection<StoredOidcProvider>('iam.oidc-providers'),
    samlProviders: storage.collection<StoredSamlProvider>('iam.saml-providers'),
    users: storage.collection<StoredUser>('iam.users'),
    userPolicies: storage.collection<StoredOwnedPolicy>('iam.user-policies'),
    userAttachments: storage.collection<StoredOwnedAttachment>('iam.user-attachments'),
    groups: storage.collection<StoredGroup>('iam.groups'),
    groupPolicies: storage.collection<StoredOwnedPolicy>('iam.group-policies'),
    groupAttachments: storage.collection<StoredOwnedAttachment>('iam.group-attachments'),
    groupMembers: storage.collection<StoredMembership>('iam.group-members'),
    userGroups: storage.collection<StoredMembership>('iam.user-groups'),
    accessKeys: storage.collection<StoredAccessKey>('iam.access-keys'),
    accessKeyIds: storage.collection<StoredAccessKeyId>('iam.access-key-ids'),
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

/** User and group names are unique case-insensitively, as role names are. */
export function nameId(name: string): string {
  return name.toLowerCase();
}

/** Prefix selecting every child document (policies, attachments, memberships, slots) of a user or group. */
export function ownerPrefix(name: string): string {
  return `${nameId(name)}/`;
}

export function membershipId(first: string, second: string): string {
  return `${ownerPrefix(first)}${nameId(second)}`;
}

/** The slot of `iam.access-keys` holding one of a user's (at most two) keys. */
export function accessKeySlotId(userName: string, slot: number): string {
  return `${ownerPrefix(userName)}${slot}`;
}
