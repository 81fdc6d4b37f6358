/** DetachRolePolicy (M-IAM): NoSuchEntity when the policy is not attached to the role. */
import { fail } from '../../../errors/index.js';
import { NotFoundError } from '../../../storage/contract.js';
import { defineOperation } from '../../../wire/operation.js';
import { requireIamArn } from '../arns.js';
import type { IamEnv } from '../env.js';
import { findPolicyByArn, requireRole } from '../lookup.js';
import { roleResource } from '../resources.js';
import { attachmentId, policyId } from '../store.js';

export const detachRolePolicyOperation = (env: IamEnv) =>
  defineOperation<{ RoleName: string; PolicyArn: string }>({
    service: 'iam',
    name: 'DetachRolePolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => roleResource(env, input.RoleName) },
    async handler(input) {
      await requireRole(env.store, input.RoleName);
      requireIamArn(input.PolicyArn, 'policy');
      if (!(await env.store.attachments.delete(attachmentId(input.RoleName, input.PolicyArn)))) {
        fail('NoSuchEntity', `Policy ${input.PolicyArn} was not found.`, { reason: { check: 'iam.attachment.exists', actual: input.PolicyArn } });
      }
      const policy = await findPolicyByArn(env.store, env.accountId, input.PolicyArn);
      if (policy) {
        try {
          await env.store.policies.update(policyId(policy.policyName), (p) => ({ ...p, attachmentCount: Math.max(0, p.attachmentCount - 1) }));
        } catch (e) {
          if (!(e instanceof NotFoundError)) throw e;
        }
      }
      return {};
    },
  });
