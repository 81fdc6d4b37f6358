/** UpdateRoleDescription (M-IAM): replaces the description and returns the role. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { updateOrNoSuchRole } from '../mutate.js';
import { existingRoleResource } from '../resources.js';
import { roleShape } from '../shapes.js';

export const updateRoleDescriptionOperation = (env: IamEnv) =>
  defineOperation<{ RoleName: string; Description: string }>({
    service: 'iam',
    name: 'UpdateRoleDescription',
    auth: 'sigv4',
    authorize: { resource: (input) => existingRoleResource(env, input.RoleName) },
    async handler(input) {
      const role = await updateOrNoSuchRole(env, input.RoleName, (r) => ({ ...r, description: input.Description }));
      return { Role: roleShape(role, { tags: true }) };
    },
  });
