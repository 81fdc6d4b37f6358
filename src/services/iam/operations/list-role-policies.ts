/** ListRolePolicies (M-IAM): names of the role's inline policies, paginated. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireRole } from '../lookup.js';
import { pageOutput, paginate } from '../pagination.js';
import { existingRoleResource } from '../resources.js';
import { rolePrefix } from '../store.js';

export const listRolePoliciesOperation = (env: IamEnv) =>
  defineOperation<{ RoleName: string; Marker?: string; MaxItems?: number }>({
    service: 'iam',
    name: 'ListRolePolicies',
    auth: 'sigv4',
    authorize: { resource: (input) => existingRoleResource(env, input.RoleName) },
    async handler(input) {
      const role = await requireRole(env.store, input.RoleName);
      const page = await paginate(env.store.rolePolicies, {
        prefix: rolePrefix(input.RoleName),
        marker: input.Marker,
        maxItems: input.MaxItems,
        filter: (p) => p.roleId === role.roleId,
      });
      return { PolicyNames: page.items.map((p) => p.policyName), ...pageOutput(page) };
    },
  });
