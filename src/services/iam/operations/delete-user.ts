/**
 * DeleteUser (M-IAM): refused with DeleteConflict while the user still has access keys, inline
 * or attached policies, or group memberships (IAMG:id_users_manage "Deleting an IAM user (AWS
 * API)": those must be removed first).
 */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import { hasAccessKeys, sweepUserKeys } from '../access-keys.js';
import type { IamEnv } from '../env.js';
import { checkNoPolicies, noSuchUser, requireUser, sweepOwnedPolicies, sweepUserMemberships } from '../owners.js';
import { existingUserResource } from '../resources.js';
import { nameId, ownerPrefix } from '../store.js';

export const deleteUserOperation = (env: IamEnv) =>
  defineOperation<{ UserName: string }>({
    service: 'iam',
    name: 'DeleteUser',
    auth: 'sigv4',
    authorize: { resource: (input) => existingUserResource(env, input.UserName) },
    async handler(input) {
      const user = await requireUser(env, input.UserName);
      if (await hasAccessKeys(env, user)) {
        fail('DeleteConflict', 'Cannot delete entity, must delete access keys first.', { reason: { check: 'iam.user.delete.access-keys' } });
      }
      await checkNoPolicies(env, 'user', input.UserName);
      if ((await env.store.userGroups.count(ownerPrefix(input.UserName))) > 0) {
        fail('DeleteConflict', 'Cannot delete entity, must remove users from group first.', { reason: { check: 'iam.user.delete.groups' } });
      }
      if (!(await env.store.users.delete(nameId(input.UserName)))) noSuchUser(input.UserName);
      // A write racing with this delete may have landed after the checks; nothing may outlive
      // the user (owners.ts).
      await sweepUserKeys(env, input.UserName);
      await sweepOwnedPolicies(env, 'user', input.UserName);
      await sweepUserMemberships(env, input.UserName);
      return {};
    },
  });
