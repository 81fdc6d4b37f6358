/** ListGroupsForUser (M-IAM): the groups the user is a member of, paginated. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireUser } from '../owners.js';
import { pageOutput, paginate } from '../pagination.js';
import type { StoredGroup } from '../records.js';
import { existingUserResource } from '../resources.js';
import { groupShape } from '../shapes.js';
import { nameId, ownerPrefix } from '../store.js';

export const listGroupsForUserOperation = (env: IamEnv) =>
  defineOperation<{ UserName: string; Marker?: string; MaxItems?: number }>({
    service: 'iam',
    name: 'ListGroupsForUser',
    auth: 'sigv4',
    authorize: { resource: (input) => existingUserResource(env, input.UserName) },
    async handler(input) {
      const user = await requireUser(env, input.UserName);
      const page = await paginate(env.store.userGroups, {
        prefix: ownerPrefix(input.UserName),
        marker: input.Marker,
        maxItems: input.MaxItems,
        filter: (m) => m.userId === user.userId,
      });
      const groups = await Promise.all(page.items.map((m) => env.store.groups.get(nameId(m.groupName)).then((g) => (g && g.groupId === m.groupId ? g : undefined))));
      return { Groups: groups.filter((g): g is StoredGroup => g !== undefined).map(groupShape), ...pageOutput(page) };
    },
  });
