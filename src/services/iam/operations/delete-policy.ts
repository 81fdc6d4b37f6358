/** DeletePolicy (M-IAM): refused with DeleteConflict while the policy is attached to any role. */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requirePolicy } from '../lookup.js';
import { policyId } from '../store.js';

export const deletePolicyOperation = (env: IamEnv) =>
  defineOperation<{ PolicyArn: string }>({
    service: 'iam',
    name: 'DeletePolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => input.PolicyArn },
    async handler(input) {
      const policy = await requirePolicy(env.store, env.accountId, input.PolicyArn);
      if (policy.attachmentCount > 0) {
        fail('DeleteConflict', 'Cannot delete a policy attached to entities.', { reason: { check: 'iam.policy.delete.attached', actual: policy.attachmentCount } });
      }
      if (!(await env.store.policies.delete(policyId(policy.policyName)))) {
        fail('NoSuchEntity', `Policy ${input.PolicyArn} was not found.`, { reason: { check: 'iam.policy.exists', actual: input.PolicyArn } });
      }
      return {};
    },
  });
