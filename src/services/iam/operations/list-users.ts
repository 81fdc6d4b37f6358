/** ListUsers (M-IAM): PathPrefix filter, Marker/MaxItems pagination, ordered by name. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { pageOutput, paginate } from '../pagination.js';
import { userShape } from '../shapes.js';

export const listUsersOperation = (env: IamEnv) =>
  defineOperation<{ PathPrefix?: string; Marker?: string; MaxItems?: number }>({
    service: 'iam',
    name: 'ListUsers',
    auth: 'sigv4',
    authorize: { resource: () => '*' },
    async handler(input) {
      const prefix = input.PathPrefix;
      const page = await paginate(env.store.users, {
        marker: input.Marker,
        maxItems: input.MaxItems,
        ...(prefix !== undefined ? { filter: (u) => u.path.startsWith(prefix) } : {}),
      });
      return { Users: page.items.map((u) => userShape(u, { tags: false })), ...pageOutput(page) };
    },
  });
