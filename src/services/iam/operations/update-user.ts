/**
 * UpdateUser (M-IAM): NewPath and/or NewUserName. The user keeps its `AIDA…` id. A rename moves
 * what is stored under the user's name — inline policies, attachments, group memberships and
 * access keys — to the new name: the user is first created under the new name (so the database
 * refuses a taken name), its children are copied there, then the old user and the old copies are
 * deleted. Readers match children by the AIDA id, so a request signed during the move is
 * authorised with the same policies under either name.
 */
import { fail } from '../../../errors/index.js';
import { AlreadyExistsError, NotFoundError, type Collection } from '../../../storage/contract.js';
import { defineOperation } from '../../../wire/operation.js';
import { userArn } from '../arns.js';
import { sweepUserKeys } from '../access-keys.js';
import type { IamEnv } from '../env.js';
import { listAll } from '../lookup.js';
import { noSuchUser, requireUser, sweepOwnedPolicies, sweepUserMemberships } from '../owners.js';
import type { StoredUser } from '../records.js';
import { existingUserResource } from '../resources.js';
import { accessKeySlotId, membershipId, nameId, ownerPrefix } from '../store.js';

interface Input {
  UserName: string;
  NewPath?: string;
  NewUserName?: string;
}

/** Copies a document to `id`, replacing what a racing writer may have put there. */
async function put<D>(collection: Collection<D>, id: string, doc: D): Promise<void> {
  const { created } = await collection.createIfAbsent(id, doc);
  if (!created) await collection.update(id, () => doc);
}

/** Copies every child of `user` from its old name to `newName` (the old copies stay until swept). */
async function copyChildren(env: IamEnv, user: StoredUser, newName: string): Promise<void> {
  const oldPrefix = ownerPrefix(user.userName);
  const newPrefix = ownerPrefix(newName);
  for (const p of await listAll(env.store.userPolicies, oldPrefix)) {
    if (p.ownerId === user.userId) await put(env.store.userPolicies, `${newPrefix}${p.policyName}`, { ...p, ownerName: newName });
  }
  // Attachments keep the policies' AttachmentCount: the old copy is deleted without decrementing.
  for (const a of await listAll(env.store.userAttachments, oldPrefix)) {
    if (a.ownerId === user.userId) await put(env.store.userAttachments, `${newPrefix}${a.policyArn}`, { ...a, ownerName: newName });
  }
  for (const m of await listAll(env.store.userGroups, oldPrefix)) {
    if (m.userId !== user.userId) continue;
    const moved = { ...m, userName: newName };
    await put(env.store.groupMembers, membershipId(m.groupName, newName), moved);
    await put(env.store.userGroups, membershipId(newName, m.groupName), moved);
  }
  for (const k of await listAll(env.store.accessKeys, oldPrefix)) {
    if (k.userId !== user.userId) continue;
    await put(env.store.accessKeys, accessKeySlotId(newName, k.slot), { ...k, userName: newName });
    await put(env.store.accessKeyIds, k.accessKeyId, { userName: newName, userId: user.userId, slot: k.slot });
  }
}

/** Deletes the old copies after a rename (attachments without touching AttachmentCount). */
async function dropOldCopies(env: IamEnv, user: StoredUser): Promise<void> {
  const oldPrefix = ownerPrefix(user.userName);
  for (const a of await listAll(env.store.userAttachments, oldPrefix)) await env.store.userAttachments.delete(`${oldPrefix}${a.policyArn}`);
  for (const k of await listAll(env.store.accessKeys, oldPrefix)) {
    await env.store.accessKeys.delete(accessKeySlotId(user.userName, k.slot));
    // The id now points at the new slot; only a key that was not moved loses its id.
    const where = await env.store.accessKeyIds.get(k.accessKeyId);
    if (where && nameId(where.userName) === nameId(user.userName)) await env.store.accessKeyIds.delete(k.accessKeyId);
  }
  await sweepOwnedPolicies(env, 'user', user.userName);
  await sweepUserMemberships(env, user.userName);
  await sweepUserKeys(env, user.userName);
}

export const updateUserOperation = (env: IamEnv) =>
  defineOperation<Input>({
    service: 'iam',
    name: 'UpdateUser',
    auth: 'sigv4',
    authorize: { resource: (input) => existingUserResource(env, input.UserName) },
    async handler(input) {
      const user = await requireUser(env, input.UserName);
      const newName = input.NewUserName ?? user.userName;
      const path = input.NewPath ?? user.path;
      const next = (u: StoredUser): StoredUser => ({ ...u, userName: newName, path, arn: userArn(env.accountId, path, newName) });
      if (nameId(newName) === nameId(user.userName)) {
        try {
          await env.store.users.update(nameId(user.userName), (u) => (u.userId === user.userId ? next(u) : u));
        } catch (e) {
          if (e instanceof NotFoundError) noSuchUser(input.UserName, e);
          throw e;
        }
        return {};
      }
      try {
        await env.store.users.create(nameId(newName), next(user));
      } catch (e) {
        if (e instanceof AlreadyExistsError) {
          fail('EntityAlreadyExists', `User with name ${newName} already exists.`, { reason: { check: 'iam.user.unique', actual: newName }, cause: e });
        }
        throw e;
      }
      await copyChildren(env, user, newName);
      if (!(await env.store.users.delete(nameId(user.userName)))) {
        // Deleted meanwhile: the rename never happened; undo the new user and its copies.
        await env.store.users.delete(nameId(newName));
        await dropOldCopies(env, { ...user, userName: newName });
        noSuchUser(input.UserName);
      }
      await dropOldCopies(env, user);
      return {};
    },
  });
