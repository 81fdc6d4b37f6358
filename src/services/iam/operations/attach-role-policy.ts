/**
 * AttachRolePolicy (M-IAM): at most 10 managed policies per role (IAMG:reference_iam-quotas);
 * attaching an already attached policy changes nothing. The policy's AttachmentCount follows.
 */
import { fail } from '../../../errors/index.js';
import { NotFoundError } from '../../../storage/contract.js';
import { defineOperation } from '../../../wire/operation.js';
import { requireIamArn } from '../arns.js';
import type { IamEnv } from '../env.js';
import { findPolicyByArn, requireRole } from '../lookup.js';
import { existingRoleResource } from '../resources.js';
import { confirmRoleStillThere, decrementAttachmentCount } from '../role-children.js';
import { attachmentId, policyId, rolePrefix } from '../store.js';

export const MANAGED_POLICIES_PER_ROLE = 10;

export const attachRolePolicyOperation = (env: IamEnv) =>
  defineOperation<{ RoleName: string; PolicyArn: string }>({
    service: 'iam',
    name: 'AttachRolePolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => existingRoleResource(env, input.RoleName) },
    async handler(input) {
      const role = await requireRole(env.store, input.RoleName);
      requireIamArn(input.PolicyArn, 'policy');
      const notAttachable: (cause?: unknown) => never = (cause) =>
        fail('NoSuchEntity', `Policy ${input.PolicyArn} does not exist or is not attachable.`, { reason: { check: 'iam.policy.attachable', actual: input.PolicyArn }, cause });
      const policy = await findPolicyByArn(env.store, env.accountId, input.PolicyArn);
      if (!policy) notAttachable();

      const id = attachmentId(input.RoleName, input.PolicyArn);
      const existing = await env.store.attachments.get(id);
      if (existing) {
        // Already attached. A leftover of a deleted namesake role (role-children.ts) is adopted:
        // it is already counted in AttachmentCount.
        if (existing.roleId !== role.roleId) await env.store.attachments.update(id, (a) => ({ ...a, roleName: role.roleName, roleId: role.roleId }));
        return {};
      }
      const attached = await env.store.attachments.count(rolePrefix(input.RoleName));
      if (attached >= MANAGED_POLICIES_PER_ROLE) {
        fail('LimitExceeded', `Cannot exceed quota for PoliciesPerRole: ${MANAGED_POLICIES_PER_ROLE}`, {
          reason: { check: 'iam.quota.policies-per-role', expected: MANAGED_POLICIES_PER_ROLE, actual: attached },
        });
      }
      const { created } = await env.store.attachments.createIfAbsent(id, { roleName: role.roleName, roleId: role.roleId, policyArn: policy.arn, policyName: policy.policyName });
      if (!created) return {};
      try {
        await env.store.policies.update(policyId(policy.policyName), (p) => ({ ...p, attachmentCount: p.attachmentCount + 1 }));
      } catch (e) {
        // The policy was deleted between the lookup and now: undo the attachment.
        if (e instanceof NotFoundError) {
          await env.store.attachments.delete(id);
          notAttachable(e);
        }
        throw e;
      }
      await confirmRoleStillThere(env, input.RoleName, role.roleId, async () => {
        if (await env.store.attachments.delete(id)) await decrementAttachmentCount(env, policy.arn);
      });
      return {};
    },
  });
