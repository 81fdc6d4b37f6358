/**
 * AddUserToGroup (M-IAM): adding a member again changes nothing; a user may be in at most 10
 * groups (IAMG:reference_iam-quotas). The membership is written under the group (GetGroup,
 * DeleteGroup) and then under the user (what authorising the user's requests reads), and undone
 * if either was deleted meanwhile.
 */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { confirmOwnerStillThere, GROUPS_PER_USER, requireGroup, requireUser } from '../owners.js';
import type { StoredMembership } from '../records.js';
import { existingGroupResource } from '../resources.js';
import { membershipId, ownerPrefix } from '../store.js';

export const addUserToGroupOperation = (env: IamEnv) =>
  defineOperation<{ GroupName: string; UserName: string }>({
    service: 'iam',
    name: 'AddUserToGroup',
    auth: 'sigv4',
    authorize: { resource: (input) => existingGroupResource(env, input.GroupName) },
    async handler(input) {
      const group = await requireGroup(env, input.GroupName);
      const user = await requireUser(env, input.UserName);
      const doc: StoredMembership = { groupName: group.groupName, groupId: group.groupId, userName: user.userName, userId: user.userId };
      const underGroup = membershipId(input.GroupName, input.UserName);
      const underUser = membershipId(input.UserName, input.GroupName);
      const current = await env.store.userGroups.get(underUser);
      if (!current || current.userId !== user.userId || current.groupId !== group.groupId) {
        const memberships = (await env.store.userGroups.list({ prefix: ownerPrefix(input.UserName), limit: 1000 })).items.filter((m) => m.doc.userId === user.userId);
        if (memberships.length >= GROUPS_PER_USER) {
          fail('LimitExceeded', `Cannot exceed quota for GroupsPerUser: ${GROUPS_PER_USER}`, { reason: { check: 'iam.quota.groups-per-user', expected: GROUPS_PER_USER, actual: memberships.length } });
        }
      }
      for (const [collection, id] of [[env.store.groupMembers, underGroup], [env.store.userGroups, underUser]] as const) {
        const { created } = await collection.createIfAbsent(id, doc);
        if (!created) await collection.update(id, () => doc);
      }
      const undo = async () => {
        await env.store.userGroups.delete(underUser);
        await env.store.groupMembers.delete(underGroup);
      };
      await confirmOwnerStillThere(env, 'group', input.GroupName, group.groupId, undo);
      await confirmOwnerStillThere(env, 'user', input.UserName, user.userId, undo);
      return {};
    },
  });
