/** GetPolicy (M-IAM): the policy's metadata (the document is read with GetPolicyVersion). */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requirePolicy } from '../lookup.js';
import { policyShape } from '../shapes.js';

export const getPolicyOperation = (env: IamEnv) =>
  defineOperation<{ PolicyArn: string }>({
    service: 'iam',
    name: 'GetPolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => input.PolicyArn },
    async handler(input) {
      const policy = await requirePolicy(env.store, env.accountId, input.PolicyArn);
      return { Policy: policyShape(policy, { tags: true }) };
    },
  });
