/**
 * PutUserPolicy (M-IAM): creates or replaces an inline policy of the user; all inline policies of
 * one user together may hold 2,048 non-whitespace characters (IAMG:reference_iam-quotas).
 */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { putOwnedPolicy } from '../owners.js';
import { existingUserResource } from '../resources.js';

export const putUserPolicyOperation = (env: IamEnv) =>
  defineOperation<{ UserName: string; PolicyName: string; PolicyDocument: string }>({
    service: 'iam',
    name: 'PutUserPolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => existingUserResource(env, input.UserName) },
    async handler(input) {
      await putOwnedPolicy(env, 'user', input.UserName, input.PolicyName, input.PolicyDocument);
      return {};
    },
  });
