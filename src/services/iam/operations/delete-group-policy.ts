/** DeleteGroupPolicy (M-IAM). */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { deleteOwnedPolicy } from '../owners.js';
import { existingGroupResource } from '../resources.js';

export const deleteGroupPolicyOperation = (env: IamEnv) =>
  defineOperation<{ GroupName: string; PolicyName: string }>({
    service: 'iam',
    name: 'DeleteGroupPolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => existingGroupResource(env, input.GroupName) },
    async handler(input) {
      await deleteOwnedPolicy(env, 'group', input.GroupName, input.PolicyName);
      return {};
    },
  });
