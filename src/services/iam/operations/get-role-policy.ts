/** GetRolePolicy (M-IAM): one inline policy, its document URL-encoded as IAM returns it. */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import { encodePolicyDocument } from '../encoding.js';
import type { IamEnv } from '../env.js';
import { requireRole } from '../lookup.js';
import { existingRoleResource } from '../resources.js';
import { rolePolicyId } from '../store.js';

export const getRolePolicyOperation = (env: IamEnv) =>
  defineOperation<{ RoleName: string; PolicyName: string }>({
    service: 'iam',
    name: 'GetRolePolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => existingRoleResource(env, input.RoleName) },
    async handler(input) {
      const role = await requireRole(env.store, input.RoleName);
      const policy = await env.store.rolePolicies.get(rolePolicyId(input.RoleName, input.PolicyName));
      if (!policy || policy.roleId !== role.roleId) {
        fail('NoSuchEntity', `The role policy with name ${input.PolicyName} cannot be found.`, { reason: { check: 'iam.role-policy.exists', actual: input.PolicyName } });
      }
      return { RoleName: role.roleName, PolicyName: policy.policyName, PolicyDocument: encodePolicyDocument(policy.document) };
    },
  });
