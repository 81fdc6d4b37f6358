/** DetachGroupPolicy (M-IAM): NoSuchEntity when the policy is not attached to the group. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { detachOwnedPolicy } from '../owners.js';
import { existingGroupResource } from '../resources.js';

export const detachGroupPolicyOperation = (env: IamEnv) =>
  defineOperation<{ GroupName: string; PolicyArn: string }>({
    service: 'iam',
    name: 'DetachGroupPolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => existingGroupResource(env, input.GroupName) },
    async handler(input) {
      await detachOwnedPolicy(env, 'group', input.GroupName, input.PolicyArn);
      return {};
    },
  });
