/** DeleteRolePolicy (M-IAM). */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireRole } from '../lookup.js';
import { existingRoleResource } from '../resources.js';
import { rolePolicyId } from '../store.js';

export const deleteRolePolicyOperation = (env: IamEnv) =>
  defineOperation<{ RoleName: string; PolicyName: string }>({
    service: 'iam',
    name: 'DeleteRolePolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => existingRoleResource(env, input.RoleName) },
    async handler(input) {
      await requireRole(env.store, input.RoleName);
      if (!(await env.store.rolePolicies.delete(rolePolicyId(input.RoleName, input.PolicyName)))) {
        fail('NoSuchEntity', `The role policy with name ${input.PolicyName} cannot be found.`, { reason: { check: 'iam.role-policy.exists', actual: input.PolicyName } });
      }
      return {};
    },
  });
