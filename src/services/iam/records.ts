/**
 * The shapes IAM entities take at rest and the record shapes other services read through the
 * directory. Stored documents are JSON-safe (dates as ISO-8601 strings); records carry `Date`s.
 * Collection names and ids follow src/storage/contract.ts:
 *   iam.roles            id = lower-cased role name (names are unique case-insensitively, IAMG:reference_identifiers)
 *   iam.role-policies    id = `<lower role name>/<policy name>`
 *   iam.policies         id = lower-cased policy name (unique per account regardless of path)
 *   iam.role-attachments id = `<lower role name>/<policy arn>`
 *   iam.oidc-providers   id = provider URL without the `https://` scheme (the ARN's resource part)
 *   iam.saml-providers   id = provider name
 *   iam.users            id = lower-cased user name (unique case-insensitively)
 *   iam.user-policies    id = `<lower user name>/<policy name>`
 *   iam.user-attachments id = `<lower user name>/<policy arn>`
 *   iam.groups           id = lower-cased group name
 *   iam.group-policies   id = `<lower group name>/<policy name>`
 *   iam.group-attachments id = `<lower group name>/<policy arn>`
 *   iam.group-members    id = `<lower group name>/<lower user name>` (GetGroup, DeleteGroup)
 *   iam.user-groups      id = `<lower user name>/<lower group name>` (the same membership, read
 *                        when a user's request is authorised and by ListGroupsForUser)
 *   iam.access-keys      id = `<lower user name>/<1|2>`: a user's two key slots, each holding
 *                        one key's record, so that the database's primary key enforces "at most
 *                        2 access keys per user"
 *   iam.access-key-ids   id = access key id (`AKIA…`) → the slot holding it; read with the slot
 *                        on every request signed with the key
 */

export interface Tag {
  Key: string;
  Value: string;
}

export interface StoredRole {
  roleName: string;
  roleId: string;
  arn: string;
  path: string;
  /** As given by the caller (not URL-encoded). */
  assumeRolePolicyDocument: string;
  maxSessionDuration: number;
  description?: string;
  tags: Tag[];
  createDate: string;
}

export interface StoredRolePolicy {
  roleName: string;
  /** AROA id of the role this was written for: a later role of the same name is another role. */
  roleId: string;
  policyName: string;
  document: string;
}

export interface StoredManagedPolicy {
  policyName: string;
  policyId: string;
  arn: string;
  path: string;
  description?: string;
  /** Text of the default version (what the policy engine evaluates). */
  document: string;
  defaultVersionId: string;
  /**
   * Every version, the default one included, once a second version was created
   * (CreatePolicyVersion); absent while the policy has only `v1` (then `document` is v1's text).
   */
  versions?: StoredPolicyVersion[];
  /** The number of the next version id (ids are never reused); absent means 2. */
  nextVersion?: number;
  attachmentCount: number;
  tags: Tag[];
  createDate: string;
  updateDate: string;
}

export interface StoredPolicyVersion {
  versionId: string;
  document: string;
  createDate: string;
}

export interface StoredAttachment {
  roleName: string;
  /** AROA id of the role this was written for. */
  roleId: string;
  policyArn: string;
  policyName: string;
}

export interface StoredOidcProvider {
  arn: string;
  /** Without the scheme, exactly as IAM returns it (`example.com/path`). */
  url: string;
  clientIds: string[];
  /** Lower-case 40-hex SHA-1 thumbprints. */
  thumbprints: string[];
  tags: Tag[];
  createDate: string;
}

export interface StoredSamlProvider {
  arn: string;
  name: string;
  uuid: string;
  metadataDocument: string;
  validUntil: string;
  assertionEncryptionMode?: string;
  tags: Tag[];
  createDate: string;
}

export interface StoredUser {
  userName: string;
  /** `AIDA…` */
  userId: string;
  arn: string;
  path: string;
  tags: Tag[];
  createDate: string;
}

export interface StoredGroup {
  groupName: string;
  /** `AGPA…` */
  groupId: string;
  arn: string;
  path: string;
  createDate: string;
}

/** An inline policy of a user or group; `ownerId` is the AIDA/AGPA id it was written for. */
export interface StoredOwnedPolicy {
  ownerName: string;
  ownerId: string;
  policyName: string;
  document: string;
}

/** A managed policy attached to a user or group. */
export interface StoredOwnedAttachment {
  ownerName: string;
  ownerId: string;
  policyArn: string;
  policyName: string;
}

/** Membership of a user in a group (stored twice, once under each of them). */
export interface StoredMembership {
  groupName: string;
  groupId: string;
  userName: string;
  userId: string;
}

export interface StoredAccessKey {
  accessKeyId: string;
  userName: string;
  userId: string;
  /** The secret sealed with the server's sealing keys (credentials/access-key-secret.ts). */
  sealedSecret: string;
  status: 'Active' | 'Inactive';
  /** The slot of `iam.access-keys` holding this key (1 or 2). */
  slot: number;
  createDate: string;
  lastUsed?: { date: string; serviceName: string; region: string };
}

/** Where the record of an access key is: `iam.access-keys` id `<lower userName>/<slot>`. */
export interface StoredAccessKeyId {
  userName: string;
  userId: string;
  slot: number;
}

/** What STS and the authoriser see of a role: the stored record with a real Date. */
export type RoleRecord = Omit<StoredRole, 'createDate'> & { createDate: Date };

export interface OidcProviderRecord {
  arn: string;
  url: string;
  clientIds: string[];
  thumbprints: string[];
  tags: Tag[];
  createDate: Date;
}

export interface SamlProviderRecord {
  arn: string;
  name: string;
  metadataDocument: string;
  validUntil: Date;
  createDate: Date;
  tags: Tag[];
}

export function toRoleRecord(r: StoredRole): RoleRecord {
  const out: RoleRecord = {
    roleName: r.roleName,
    roleId: r.roleId,
    arn: r.arn,
    path: r.path,
    assumeRolePolicyDocument: r.assumeRolePolicyDocument,
    maxSessionDuration: r.maxSessionDuration,
    tags: r.tags.map((t) => ({ ...t })),
    createDate: new Date(r.createDate),
  };
  if (r.description !== undefined) out.description = r.description;
  return out;
}

export function toOidcProviderRecord(p: StoredOidcProvider): OidcProviderRecord {
  return {
    arn: p.arn,
    url: p.url,
    clientIds: [...p.clientIds],
    thumbprints: [...p.thumbprints],
    tags: p.tags.map((t) => ({ ...t })),
    createDate: new Date(p.createDate),
  };
}

export function toSamlProviderRecord(p: StoredSamlProvider): SamlProviderRecord {
  return {
    arn: p.arn,
    name: p.name,
    metadataDocument: p.metadataDocument,
    validUntil: new Date(p.validUntil),
    createDate: new Date(p.createDate),
    tags: p.tags.map((t) => ({ ...t })),
  };
}
