/** GetGroup (M-IAM): the group and its users, paginated. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireGroup } from '../owners.js';
import { pageOutput, paginate } from '../pagination.js';
import type { StoredUser } from '../records.js';
import { existingGroupResource } from '../resources.js';
import { groupShape, userShape } from '../shapes.js';
import { nameId, ownerPrefix } from '../store.js';

export const getGroupOperation = (env: IamEnv) =>
  defineOperation<{ GroupName: string; Marker?: string; MaxItems?: number }>({
    service: 'iam',
    name: 'GetGroup',
    auth: 'sigv4',
    authorize: { resource: (input) => existingGroupResource(env, input.GroupName) },
    async handler(input) {
      const group = await requireGroup(env, input.GroupName);
      const page = await paginate(env.store.groupMembers, {
        prefix: ownerPrefix(input.GroupName),
        marker: input.Marker,
        maxItems: input.MaxItems,
        filter: (m) => m.groupId === group.groupId,
      });
      const users = await Promise.all(page.items.map((m) => env.store.users.get(nameId(m.userName)).then((u) => (u && u.userId === m.userId ? u : undefined))));
      return {
        Group: groupShape(group),
        Users: users.filter((u): u is StoredUser => u !== undefined).map((u) => userShape(u, { tags: false })),
        ...pageOutput(page),
      };
    },
  });
