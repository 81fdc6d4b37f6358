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
  /** Text of the only version, `v1` (policy versions other than the first are not supported). */
  document: string;
  defaultVersionId: string;
  attachmentCount: number;
  tags: Tag[];
  createDate: string;
  updateDate: string;
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
