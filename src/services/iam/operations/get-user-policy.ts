/** GetUserPolicy (M-IAM): one inline policy, its document URL-encoded as IAM returns it. */
import { defineOperation } from '../../../wire/operation.js';
import { encodePolicyDocument } from '../encoding.js';
import type { IamEnv } from '../env.js';
import { getOwnedPolicy } from '../owners.js';
import { existingUserResource } from '../resources.js';

export const getUserPolicyOperation = (env: IamEnv) =>
  defineOperation<{ UserName: string; PolicyName: string }>({
    service: 'iam',
    name: 'GetUserPolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => existingUserResource(env, input.UserName) },
    async handler(input) {
      const { owner, policy } = await getOwnedPolicy(env, 'user', input.UserName, input.PolicyName);
      return { UserName: owner.name, PolicyName: policy.policyName, PolicyDocument: encodePolicyDocument(policy.document) };
    },
  });
