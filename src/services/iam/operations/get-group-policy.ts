/** GetGroupPolicy (M-IAM): one inline policy, its document URL-encoded as IAM returns it. */
import { defineOperation } from '../../../wire/operation.js';
import { encodePolicyDocument } from '../encoding.js';
import type { IamEnv } from '../env.js';
import { getOwnedPolicy } from '../owners.js';
import { existingGroupResource } from '../resources.js';

export const getGroupPolicyOperation = (env: IamEnv) =>
  defineOperation<{ GroupName: string; PolicyName: string }>({
    service: 'iam',
    name: 'GetGroupPolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => existingGroupResource(env, input.GroupName) },
    async handler(input) {
      const { owner, policy } = await getOwnedPolicy(env, 'group', input.GroupName, input.PolicyName);
      return { GroupName: owner.name, PolicyName: policy.policyName, PolicyDocument: encodePolicyDocument(policy.document) };
    },
  });
