/** DetachRolePolicy (M-IAM): NoSuchEntity when the policy is not attached to the role. */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import { requireIamArn } from '../arns.js';
import type { IamEnv } from '../env.js';
import { requireRole } from '../lookup.js';
import { existingRoleResource } from '../resources.js';
import { decrementAttachmentCount } from '../role-children.js';
import { attachmentId } from '../store.js';

export const detachRolePolicyOperation = (env: IamEnv) =>
  defineOperation<{ RoleName: string; PolicyArn: string }>({
    service: 'iam',
    name: 'DetachRolePolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => existingRoleResource(env, input.RoleName) },
    async handler(input) {
      await requireRole(env.store, input.RoleName);
      requireIamArn(input.PolicyArn, 'policy');
      if (!(await env.store.attachments.delete(attachmentId(input.RoleName, input.PolicyArn)))) {
        fail('NoSuchEntity', `Policy ${input.PolicyArn} was not found.`, { reason: { check: 'iam.attachment.exists', actual: input.PolicyArn } });
      }
      await decrementAttachmentCount(env, input.PolicyArn);
      return {};
    },
  });
