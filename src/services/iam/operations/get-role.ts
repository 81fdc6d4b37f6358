/** GetRole (M-IAM). */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireRole } from '../lookup.js';
import { existingRoleResource } from '../resources.js';
import { roleShape } from '../shapes.js';

export const getRoleOperation = (env: IamEnv) =>
  defineOperation<{ RoleName: string }>({
    service: 'iam',
    name: 'GetRole',
    auth: 'sigv4',
    authorize: { resource: (input) => existingRoleResource(env, input.RoleName) },
    async handler(input) {
      const role = await requireRole(env.store, input.RoleName);
      return { Role: roleShape(role, { tags: true }) };
    },
  });
