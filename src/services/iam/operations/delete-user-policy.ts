/** DeleteUserPolicy (M-IAM). */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { deleteOwnedPolicy } from '../owners.js';
import { existingUserResource } from '../resources.js';

export const deleteUserPolicyOperation = (env: IamEnv) =>
  defineOperation<{ UserName: string; PolicyName: string }>({
    service: 'iam',
    name: 'DeleteUserPolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => existingUserResource(env, input.UserName) },
    async handler(input) {
      await deleteOwnedPolicy(env, 'user', input.UserName, input.PolicyName);
      return {};
    },
  });
