/** ListRoles (M-IAM): PathPrefix filter, Marker/MaxItems pagination, ordered by name. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { pageOutput, paginate } from '../pagination.js';
import { roleShape } from '../shapes.js';

interface Input {
  PathPrefix?: string;
  Marker?: string;
  MaxItems?: number;
}

export const listRolesOperation = (env: IamEnv) =>
  defineOperation<Input>({
    service: 'iam',
    name: 'ListRoles',
    auth: 'sigv4',
    authorize: { resource: () => '*' },
    async handler(input) {
      const prefix = input.PathPrefix;
      const page = await paginate(env.store.roles, {
        marker: input.Marker,
        maxItems: input.MaxItems,
        ...(prefix !== undefined ? { filter: (r) => r.path.startsWith(prefix) } : {}),
      });
      return { Roles: page.items.map((r) => roleShape(r, { tags: false })), ...pageOutput(page) };
    },
  });
