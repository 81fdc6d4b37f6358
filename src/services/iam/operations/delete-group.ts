/** DeleteGroup (M-IAM): refused with DeleteConflict while the group has users or policies. */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { checkNoPolicies, noSuchGroup, requireGroup, sweepGroupMemberships, sweepOwnedPolicies } from '../owners.js';
import { existingGroupResource } from '../resources.js';
import { nameId, ownerPrefix } from '../store.js';

export const deleteGroupOperation = (env: IamEnv) =>
  defineOperation<{ GroupName: string }>({
    service: 'iam',
    name: 'DeleteGroup',
    auth: 'sigv4',
    authorize: { resource: (input) => existingGroupResource(env, input.GroupName) },
    async handler(input) {
      await requireGroup(env, input.GroupName);
      if ((await env.store.groupMembers.count(ownerPrefix(input.GroupName))) > 0) {
        fail('DeleteConflict', 'Cannot delete entity, must remove users from group first.', { reason: { check: 'iam.group.delete.users' } });
      }
      await checkNoPolicies(env, 'group', input.GroupName);
      if (!(await env.store.groups.delete(nameId(input.GroupName)))) noSuchGroup(input.GroupName);
      await sweepOwnedPolicies(env, 'group', input.GroupName);
      await sweepGroupMemberships(env, input.GroupName);
      return {};
    },
  });
