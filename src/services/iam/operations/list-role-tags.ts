/** ListRoleTags (M-IAM): the role's tags, paginated. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireRole } from '../lookup.js';
import { pageOutput, paginateArray } from '../pagination.js';
import { existingRoleResource } from '../resources.js';
import { tagsShape } from '../shapes.js';

export const listRoleTagsOperation = (env: IamEnv) =>
  defineOperation<{ RoleName: string; Marker?: string; MaxItems?: number }>({
    service: 'iam',
    name: 'ListRoleTags',
    auth: 'sigv4',
    authorize: { resource: (input) => existingRoleResource(env, input.RoleName) },
    async handler(input) {
      const role = await requireRole(env.store, input.RoleName);
      const page = paginateArray(role.tags, input.Marker, input.MaxItems);
      return { Tags: tagsShape(page.items), ...pageOutput(page) };
    },
  });
