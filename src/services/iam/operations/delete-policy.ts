/** DeletePolicy (M-IAM): refused with DeleteConflict while the policy is attached or has versions besides the default. */
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
      if ((policy.versions?.length ?? 1) > 1) {
        fail('DeleteConflict', "This policy has more than one version. Before you delete a policy, you must delete the policy's versions.", {
          reason: { check: 'iam.policy.delete.versions', actual: policy.versions!.map((v) => v.versionId) },
        });
      }
      if (!(await env.store.policies.delete(policyId(policy.policyName)))) {
        fail('NoSuchEntity', `Policy ${input.PolicyArn} was not found.`, { reason: { check: 'iam.policy.exists', actual: input.PolicyArn } });
      }
      return {};
    },
  });
