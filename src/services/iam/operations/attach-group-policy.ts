/**
 * AttachGroupPolicy (M-IAM): at most 10 managed policies per group (IAMG:reference_iam-quotas);
 * attaching an already attached policy changes nothing. The policy's AttachmentCount follows.
 */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { attachOwnedPolicy } from '../owners.js';
import { existingGroupResource } from '../resources.js';

export const attachGroupPolicyOperation = (env: IamEnv) =>
  defineOperation<{ GroupName: string; PolicyArn: string }>({
    service: 'iam',
    name: 'AttachGroupPolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => existingGroupResource(env, input.GroupName) },
    async handler(input) {
      await attachOwnedPolicy(env, 'group', input.GroupName, input.PolicyArn);
      return {};
    },
  });
