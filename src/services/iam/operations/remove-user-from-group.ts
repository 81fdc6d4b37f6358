/** RemoveUserFromGroup (M-IAM): NoSuchEntity when the user is not a member. */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireGroup, requireUser } from '../owners.js';
import { existingGroupResource } from '../resources.js';
import { membershipId } from '../store.js';

export const removeUserFromGroupOperation = (env: IamEnv) =>
  defineOperation<{ GroupName: string; UserName: string }>({
    service: 'iam',
    name: 'RemoveUserFromGroup',
    auth: 'sigv4',
    authorize: { resource: (input) => existingGroupResource(env, input.GroupName) },
    async handler(input) {
      await requireGroup(env, input.GroupName);
      await requireUser(env, input.UserName);
      // Under the user first: its requests stop carrying the group's policies at once.
      const fromUser = await env.store.userGroups.delete(membershipId(input.UserName, input.GroupName));
      const fromGroup = await env.store.groupMembers.delete(membershipId(input.GroupName, input.UserName));
      if (!fromUser && !fromGroup) {
        fail('NoSuchEntity', `User ${input.UserName} is not in group ${input.GroupName}.`, { reason: { check: 'iam.group.member', actual: input.UserName } });
      }
      return {};
    },
  });
