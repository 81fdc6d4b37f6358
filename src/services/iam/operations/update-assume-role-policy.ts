/** UpdateAssumeRolePolicy (M-IAM): replaces the role's trust policy after checking it. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireRole } from '../lookup.js';
import { updateOrNoSuchRole } from '../mutate.js';
import { checkTrustPolicy } from '../policy-text.js';
import { existingRoleResource } from '../resources.js';

export const updateAssumeRolePolicyOperation = (env: IamEnv) =>
  defineOperation<{ RoleName: string; PolicyDocument: string }>({
    service: 'iam',
    name: 'UpdateAssumeRolePolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => existingRoleResource(env, input.RoleName) },
    async handler(input) {
      // NoSuchEntity wins over a malformed document, as IAM looks the role up first.
      await requireRole(env.store, input.RoleName);
      checkTrustPolicy(input.PolicyDocument);
      await updateOrNoSuchRole(env, input.RoleName, (r) => ({ ...r, assumeRolePolicyDocument: input.PolicyDocument }));
      return {};
    },
  });
