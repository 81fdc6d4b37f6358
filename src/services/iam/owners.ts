/**
 * Users and groups (IAMG:id_users, id_groups) and what hangs off them: inline policies and
 * attached managed policies, shared by the user and group operations (the role operations keep
 * their own files, role-children.ts). The same two rules as for roles close the races between
 * deleting an owner and writing its children, since storage has no transactions across
 * collections: a writer re-reads the owner after writing and undoes its write if the owner is
 * gone or was replaced by a namesake (other AIDA/AGPA id); a delete sweeps whatever was written
 * under the name meanwhile; readers ignore children whose ownerId is not the current owner's.
 */
import { fail } from '../../errors/index.js';
import { NotFoundError, type Collection } from '../../storage/contract.js';
import { parseIamArn, requireIamArn } from './arns.js';
import type { IamEnv } from './env.js';
import { findPolicyByArn, listAll } from './lookup.js';
import { checkPolicyDocument, policySize } from './policy-text.js';
import { decrementAttachmentCount } from './role-children.js';
import type { StoredGroup, StoredOwnedAttachment, StoredOwnedPolicy, StoredUser } from './records.js';
import { existingUserResource } from './resources.js';
import { membershipId, nameId, ownerPrefix, policyId } from './store.js';
import type { Principal } from '../../credentials/principal.js';

export type OwnerKind = 'user' | 'group';

/** IAMG:reference_iam-quotas: inline policies of one user 2,048 characters together, of one group 5,120. */
export const USER_INLINE_AGGREGATE_MAX = 2048;
export const GROUP_INLINE_AGGREGATE_MAX = 5120;
/** Managed policies attached to one user or one group (default quota). */
export const MANAGED_POLICIES_PER_OWNER = 10;

export async function findUser(env: IamEnv, userName: string): Promise<StoredUser | undefined> {
  return env.store.users.get(nameId(userName));
}

export async function requireUser(env: IamEnv, userName: string): Promise<StoredUser> {
  const user = await findUser(env, userName);
  if (!user) noSuchUser(userName);
  return user;
}

export function noSuchUser(userName: string, cause?: unknown): never {
  return fail('NoSuchEntity', `The user with name ${userName} cannot be found.`, { reason: { check: 'iam.user.exists', actual: userName }, ...(cause ? { cause } : {}) });
}

export async function findGroup(env: IamEnv, groupName: string): Promise<StoredGroup | undefined> {
  return env.store.groups.get(nameId(groupName));
}

export async function requireGroup(env: IamEnv, groupName: string): Promise<StoredGroup> {
  const group = await findGroup(env, groupName);
  if (!group) noSuchGroup(groupName);
  return group;
}

export function noSuchGroup(groupName: string, cause?: unknown): never {
  return fail('NoSuchEntity', `The group with name ${groupName} cannot be found.`, { reason: { check: 'iam.group.exists', actual: groupName }, ...(cause ? { cause } : {}) });
}

interface Owner {
  name: string;
  id: string;
}

interface OwnerSpec {
  kind: OwnerKind;
  policies: Collection<StoredOwnedPolicy>;
  attachments: Collection<StoredOwnedAttachment>;
  inlineMax: number;
  require(name: string): Promise<Owner>;
  find(name: string): Promise<Owner | undefined>;
}

function spec(env: IamEnv, kind: OwnerKind): OwnerSpec {
  if (kind === 'user') {
    return {
      kind,
      policies: env.store.userPolicies,
      attachments: env.store.userAttachments,
      inlineMax: USER_INLINE_AGGREGATE_MAX,
      require: async (name) => {
        const u = await requireUser(env, name);
        return { name: u.userName, id: u.userId };
      },
      find: async (name) => {
        const u = await findUser(env, name);
        return u && { name: u.userName, id: u.userId };
      },
    };
  }
  return {
    kind,
    policies: env.store.groupPolicies,
    attachments: env.store.groupAttachments,
    inlineMax: GROUP_INLINE_AGGREGATE_MAX,
    require: async (name) => {
      const g = await requireGroup(env, name);
      return { name: g.groupName, id: g.groupId };
    },
    find: async (name) => {
      const g = await findGroup(env, name);
      return g && { name: g.groupName, id: g.groupId };
    },
  };
}

/** Throws NoSuchEntity (after `undo`) when the owner named `name` is no longer `ownerId`. */
export async function confirmOwnerStillThere(env: IamEnv, kind: OwnerKind, name: string, ownerId: string, undo: () => Promise<void>): Promise<void> {
  const now = await spec(env, kind).find(name);
  if (now && now.id === ownerId) return;
  await undo();
  if (kind === 'user') noSuchUser(name);
  noSuchGroup(name);
}

/** PutUserPolicy / PutGroupPolicy: creates or replaces an inline policy within the aggregate quota. */
export async function putOwnedPolicy(env: IamEnv, kind: OwnerKind, name: string, policyName: string, document: string): Promise<void> {
  const s = spec(env, kind);
  const owner = await s.require(name);
  checkPolicyDocument(document, 'identity');
  const others = (await listAll(s.policies, ownerPrefix(name))).filter((p) => p.ownerId === owner.id && p.policyName !== policyName);
  const total = others.reduce((n, p) => n + policySize(p.document), policySize(document));
  if (total > s.inlineMax) {
    fail('LimitExceeded', `Maximum policy size of ${s.inlineMax} bytes exceeded for ${kind} ${owner.name}`, {
      reason: { check: `iam.quota.${kind}-inline-policy-size`, expected: s.inlineMax, actual: total },
    });
  }
  const id = `${ownerPrefix(name)}${policyName}`;
  const doc: StoredOwnedPolicy = { ownerName: owner.name, ownerId: owner.id, policyName, document };
  const { created } = await s.policies.createIfAbsent(id, doc);
  if (!created) await s.policies.update(id, () => doc);
  await confirmOwnerStillThere(env, kind, name, owner.id, async () => {
    await s.policies.delete(id);
  });
}

function noSuchOwnedPolicy(kind: OwnerKind, policyName: string): never {
  return fail('NoSuchEntity', `The ${kind} policy with name ${policyName} cannot be found.`, { reason: { check: `iam.${kind}-policy.exists`, actual: policyName } });
}

export async function getOwnedPolicy(env: IamEnv, kind: OwnerKind, name: string, policyName: string): Promise<{ owner: Owner; policy: StoredOwnedPolicy }> {
  const s = spec(env, kind);
  const owner = await s.require(name);
  const policy = await s.policies.get(`${ownerPrefix(name)}${policyName}`);
  if (!policy || policy.ownerId !== owner.id) noSuchOwnedPolicy(kind, policyName);
  return { owner, policy };
}

export async function deleteOwnedPolicy(env: IamEnv, kind: OwnerKind, name: string, policyName: string): Promise<void> {
  const s = spec(env, kind);
  await s.require(name);
  if (!(await s.policies.delete(`${ownerPrefix(name)}${policyName}`))) noSuchOwnedPolicy(kind, policyName);
}

/** AttachUserPolicy / AttachGroupPolicy: at most 10; attaching again changes nothing. */
export async function attachOwnedPolicy(env: IamEnv, kind: OwnerKind, name: string, arn: string): Promise<void> {
  const s = spec(env, kind);
  const owner = await s.require(name);
  requireIamArn(arn, 'policy');
  const notAttachable: (cause?: unknown) => never = (cause) =>
    fail('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, { reason: { check: 'iam.policy.attachable', actual: arn }, cause });
  const policy = await findPolicyByArn(env.store, env.accountId, arn);
  if (!policy) notAttachable();
  const id = `${ownerPrefix(name)}${arn}`;
  const existing = await s.attachments.get(id);
  if (existing) {
    // A leftover of a deleted namesake is adopted: it is already counted in AttachmentCount.
    if (existing.ownerId !== owner.id) await s.attachments.update(id, (a) => ({ ...a, ownerName: owner.name, ownerId: owner.id }));
    return;
  }
  const attached = await s.attachments.count(ownerPrefix(name));
  if (attached >= MANAGED_POLICIES_PER_OWNER) {
    const quota = kind === 'user' ? 'PoliciesPerUser' : 'PoliciesPerGroup';
    fail('LimitExceeded', `Cannot exceed quota for ${quota}: ${MANAGED_POLICIES_PER_OWNER}`, {
      reason: { check: `iam.quota.policies-per-${kind}`, expected: MANAGED_POLICIES_PER_OWNER, actual: attached },
    });
  }
  const { created } = await s.attachments.createIfAbsent(id, { ownerName: owner.name, ownerId: owner.id, policyArn: policy.arn, policyName: policy.policyName });
  if (!created) return;
  try {
    await env.store.policies.update(policyId(policy.policyName), (p) => ({ ...p, attachmentCount: p.attachmentCount + 1 }));
  } catch (e) {
    if (e instanceof NotFoundError) {
      await s.attachments.delete(id);
      notAttachable(e);
    }
    throw e;
  }
  await confirmOwnerStillThere(env, kind, name, owner.id, async () => {
    if (await s.attachments.delete(id)) await decrementAttachmentCount(env, policy.arn);
  });
}

export async function detachOwnedPolicy(env: IamEnv, kind: OwnerKind, name: string, arn: string): Promise<void> {
  const s = spec(env, kind);
  await s.require(name);
  requireIamArn(arn, 'policy');
  if (!(await s.attachments.delete(`${ownerPrefix(name)}${arn}`))) {
    fail('NoSuchEntity', `Policy ${arn} was not found.`, { reason: { check: 'iam.attachment.exists', actual: arn } });
  }
  await decrementAttachmentCount(env, arn);
}

/** Path of a policy from its ARN: `policy/a/b/Name` → `/a/b/`. */
export function attachedPolicyPath(a: { policyArn: string; policyName: string }): string {
  const rest = parseIamArn(a.policyArn)?.rest ?? a.policyName;
  return `/${rest.slice(0, rest.length - a.policyName.length)}`;
}

/** The collections and current id a list operation pages through. */
export async function ownedCollections(env: IamEnv, kind: OwnerKind, name: string): Promise<{ owner: Owner; policies: Collection<StoredOwnedPolicy>; attachments: Collection<StoredOwnedAttachment> }> {
  const s = spec(env, kind);
  return { owner: await s.require(name), policies: s.policies, attachments: s.attachments };
}

/** Refuses deleting an owner that still has inline or attached policies (DeleteConflict, as AWS words it). */
export async function checkNoPolicies(env: IamEnv, kind: OwnerKind, name: string): Promise<void> {
  const s = spec(env, kind);
  if ((await s.policies.count(ownerPrefix(name))) > 0) {
    fail('DeleteConflict', 'Cannot delete entity, must delete policies first.', { reason: { check: `iam.${kind}.delete.inline-policies` } });
  }
  if ((await s.attachments.count(ownerPrefix(name))) > 0) {
    fail('DeleteConflict', 'Cannot delete entity, must detach all policies first.', { reason: { check: `iam.${kind}.delete.attached-policies` } });
  }
}

/** Removes every inline policy and attachment stored under `name` (after the owner was deleted). */
export async function sweepOwnedPolicies(env: IamEnv, kind: OwnerKind, name: string): Promise<void> {
  const s = spec(env, kind);
  const prefix = ownerPrefix(name);
  for (const p of await listAll(s.policies, prefix)) await s.policies.delete(`${prefix}${p.policyName}`);
  for (const a of await listAll(s.attachments, prefix)) {
    if (await s.attachments.delete(`${prefix}${a.policyArn}`)) await decrementAttachmentCount(env, a.policyArn);
  }
}

/**
 * The user an operation acts on: the one named, else the calling user (GetUser, the access key
 * operations). Other callers must name one, with AWS's wording.
 */
export function subjectUserName(given: string | undefined, principal: Principal | undefined): string {
  if (given !== undefined) return given;
  if (principal?.kind === 'user') return principal.userName;
  return fail('ValidationError', 'Must specify userName when calling with non-User credentials', { reason: { check: 'iam.user.implicit' } });
}

/** The resource of an operation on `given` user, or on the calling user when none is named. */
export async function subjectUserResource(env: IamEnv, given: string | undefined, principal: Principal | undefined): Promise<string> {
  if (given !== undefined) return existingUserResource(env, given);
  return principal?.kind === 'user' ? principal.arn : '*';
}

/** IAMG:reference_iam-quotas "Groups an IAM user can be a member of": 10. */
export const GROUPS_PER_USER = 10;

/** Removes every membership of `userName` (both copies) after the user was deleted. */
export async function sweepUserMemberships(env: IamEnv, userName: string): Promise<void> {
  for (const m of await listAll(env.store.userGroups, ownerPrefix(userName))) {
    await env.store.groupMembers.delete(membershipId(m.groupName, userName));
    await env.store.userGroups.delete(membershipId(userName, m.groupName));
  }
}

/** Removes every membership of `groupName` (both copies) after the group was deleted. */
export async function sweepGroupMemberships(env: IamEnv, groupName: string): Promise<void> {
  for (const m of await listAll(env.store.groupMembers, ownerPrefix(groupName))) {
    await env.store.userGroups.delete(membershipId(m.userName, groupName));
    await env.store.groupMembers.delete(membershipId(groupName, m.userName));
  }
}
