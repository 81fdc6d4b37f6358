/**
 * Stored documents rendered as IAM output structures (member names from the 2010-05-08 model;
 * timestamps as Date, the wire renders ISO 8601). Policy documents leave URL-encoded
 * (encoding.ts).
 */
import { encodePolicyDocument } from './encoding.js';
import type { StoredAccessKey, StoredGroup, StoredManagedPolicy, StoredRole, StoredUser, Tag } from './records.js';

/**
 * `Role`. GetRole/CreateRole include Tags; ListRoles omits them, as IAM does ("Tags … not
 * returned" in M-IAM ListRoles docs).
 */
export function roleShape(role: StoredRole, options: { tags: boolean }): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: new Date(role.createDate),
    AssumeRolePolicyDocument: encodePolicyDocument(role.assumeRolePolicyDocument),
    MaxSessionDuration: role.maxSessionDuration,
  };
  if (role.description !== undefined) out.Description = role.description;
  if (options.tags && role.tags.length > 0) out.Tags = tagsShape(role.tags);
  return out;
}

/** `Policy`. */
export function policyShape(policy: StoredManagedPolicy, options: { tags: boolean }): Record<string, unknown> {
  const out: Record<string, unknown> = {
    PolicyName: policy.policyName,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: policy.attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    CreateDate: new Date(policy.createDate),
    UpdateDate: new Date(policy.updateDate),
  };
  if (policy.description !== undefined) out.Description = policy.description;
  if (options.tags && policy.tags.length > 0) out.Tags = tagsShape(policy.tags);
  return out;
}

export function tagsShape(tags: readonly Tag[]): Tag[] {
  return tags.map((t) => ({ Key: t.Key, Value: t.Value }));
}

/** `User`. GetUser/CreateUser include Tags; ListUsers omits them, as IAM does. */
export function userShape(user: StoredUser, options: { tags: boolean }): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Path: user.path,
    UserName: user.userName,
    UserId: user.userId,
    Arn: user.arn,
    CreateDate: new Date(user.createDate),
  };
  if (options.tags && user.tags.length > 0) out.Tags = tagsShape(user.tags);
  return out;
}

/** `Group`. */
export function groupShape(group: StoredGroup): Record<string, unknown> {
  return { Path: group.path, GroupName: group.groupName, GroupId: group.groupId, Arn: group.arn, CreateDate: new Date(group.createDate) };
}

/** `AccessKeyMetadata` (ListAccessKeys): never the secret. */
export function accessKeyMetadataShape(key: StoredAccessKey): Record<string, unknown> {
  return { UserName: key.userName, AccessKeyId: key.accessKeyId, Status: key.status, CreateDate: new Date(key.createDate) };
}
