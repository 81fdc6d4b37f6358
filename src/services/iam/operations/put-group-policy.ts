/**
 * PutGroupPolicy (M-IAM): creates or replaces an inline policy of the group; all inline policies of
 * one group together may hold 5,120 non-whitespace characters (IAMG:reference_iam-quotas).
 */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { putOwnedPolicy } from '../owners.js';
import { existingGroupResource } from '../resources.js';

export const putGroupPolicyOperation = (env: IamEnv) =>
  defineOperation<{ GroupName: string; PolicyName: string; PolicyDocument: string }>({
    service: 'iam',
    name: 'PutGroupPolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => existingGroupResource(env, input.GroupName) },
    async handler(input) {
      await putOwnedPolicy(env, 'group', input.GroupName, input.PolicyName, input.PolicyDocument);
      return {};
    },
  });
