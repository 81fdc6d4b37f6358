/** ListGroups (M-IAM): PathPrefix filter, Marker/MaxItems pagination, ordered by name. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { pageOutput, paginate } from '../pagination.js';
import { groupShape } from '../shapes.js';

export const listGroupsOperation = (env: IamEnv) =>
  defineOperation<{ PathPrefix?: string; Marker?: string; MaxItems?: number }>({
    service: 'iam',
    name: 'ListGroups',
    auth: 'sigv4',
    authorize: { resource: () => '*' },
    async handler(input) {
      const prefix = input.PathPrefix;
      const page = await paginate(env.store.groups, {
        marker: input.Marker,
        maxItems: input.MaxItems,
        ...(prefix !== undefined ? { filter: (g) => g.path.startsWith(prefix) } : {}),
      });
      return { Groups: page.items.map(groupShape), ...pageOutput(page) };
    },
  });
