/**
 * AttachUserPolicy (M-IAM): at most 10 managed policies per user (IAMG:reference_iam-quotas);
 * attaching an already attached policy changes nothing. The policy's AttachmentCount follows.
 */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { attachOwnedPolicy } from '../owners.js';
import { existingUserResource } from '../resources.js';

export const attachUserPolicyOperation = (env: IamEnv) =>
  defineOperation<{ UserName: string; PolicyArn: string }>({
    service: 'iam',
    name: 'AttachUserPolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => existingUserResource(env, input.UserName) },
    async handler(input) {
      await attachOwnedPolicy(env, 'user', input.UserName, input.PolicyArn);
      return {};
    },
  });
