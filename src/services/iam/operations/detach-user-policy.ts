/** DetachUserPolicy (M-IAM): NoSuchEntity when the policy is not attached to the user. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { detachOwnedPolicy } from '../owners.js';
import { existingUserResource } from '../resources.js';

export const detachUserPolicyOperation = (env: IamEnv) =>
  defineOperation<{ UserName: string; PolicyArn: string }>({
    service: 'iam',
    name: 'DetachUserPolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => existingUserResource(env, input.UserName) },
    async handler(input) {
      await detachOwnedPolicy(env, 'user', input.UserName, input.PolicyArn);
      return {};
    },
  });
