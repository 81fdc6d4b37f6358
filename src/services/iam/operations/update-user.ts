/**
 * UpdateUser (M-IAM): NewPath and/or NewUserName. The user keeps its `AIDA…` id. Renaming a user
 * that still has access keys, policies or group memberships is refused (InvalidInput): those are
 * stored under the user's name and are not moved by this server.
 */
import { fail } from '../../../errors/index.js';
import { AlreadyExistsError, NotFoundError } from '../../../storage/contract.js';
import { defineOperation } from '../../../wire/operation.js';
import { userArn } from '../arns.js';
import { hasAccessKeys } from '../access-keys.js';
import type { IamEnv } from '../env.js';
import { noSuchUser, requireUser, sweepOwnedPolicies, sweepUserMemberships } from '../owners.js';
import type { StoredUser } from '../records.js';
import { existingUserResource } from '../resources.js';
import { nameId, ownerPrefix } from '../store.js';

interface Input {
  UserName: string;
  NewPath?: string;
  NewUserName?: string;
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
      const prefix = ownerPrefix(user.userName);
      const children =
        (await hasAccessKeys(env, user)) ||
        (await env.store.userPolicies.count(prefix)) > 0 ||
        (await env.store.userAttachments.count(prefix)) > 0 ||
        (await env.store.userGroups.count(prefix)) > 0;
      if (children) {
        fail('InvalidInput', 'Renaming a user that has access keys, policies or group memberships is not supported by this server; remove them first.', {
          reason: { check: 'iam.user.rename.children', actual: user.userName },
        });
      }
      try {
        await env.store.users.create(nameId(newName), next(user));
      } catch (e) {
        if (e instanceof AlreadyExistsError) {
          fail('EntityAlreadyExists', `User with name ${newName} already exists.`, { reason: { check: 'iam.user.unique', actual: newName }, cause: e });
        }
        throw e;
      }
      await env.store.users.delete(nameId(user.userName));
      // Anything written under the old name meanwhile belongs to no user now.
      await sweepOwnedPolicies(env, 'user', user.userName);
      await sweepUserMemberships(env, user.userName);
      return {};
    },
  });
