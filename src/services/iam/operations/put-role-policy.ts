/**
 * PutRolePolicy (M-IAM): creates or replaces an inline policy. All inline policies of a role
 * together may hold 10,240 non-whitespace characters (IAMG:reference_iam-quotas).
 */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { listAll, requireRole } from '../lookup.js';
import { checkPolicyDocument, policySize, ROLE_INLINE_AGGREGATE_MAX } from '../policy-text.js';
import type { StoredRolePolicy } from '../records.js';
import { existingRoleResource } from '../resources.js';
import { confirmRoleStillThere } from '../role-children.js';
import { rolePolicyId, rolePrefix } from '../store.js';

interface Input {
  RoleName: string;
  PolicyName: string;
  PolicyDocument: string;
}

export const putRolePolicyOperation = (env: IamEnv) =>
  defineOperation<Input>({
    service: 'iam',
    name: 'PutRolePolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => existingRoleResource(env, input.RoleName) },
    async handler(input) {
      const role = await requireRole(env.store, input.RoleName);
      checkPolicyDocument(input.PolicyDocument, 'identity');
      const others = (await listAll(env.store.rolePolicies, rolePrefix(input.RoleName))).filter((p) => p.policyName !== input.PolicyName);
      const total = others.reduce((n, p) => n + policySize(p.document), policySize(input.PolicyDocument));
      if (total > ROLE_INLINE_AGGREGATE_MAX) {
        fail('LimitExceeded', `Maximum policy size of ${ROLE_INLINE_AGGREGATE_MAX} bytes exceeded for role ${role.roleName}`, {
          reason: { check: 'iam.quota.role-inline-policy-size', expected: ROLE_INLINE_AGGREGATE_MAX, actual: total },
        });
      }
      const id = rolePolicyId(input.RoleName, input.PolicyName);
      const doc: StoredRolePolicy = { roleName: role.roleName, roleId: role.roleId, policyName: input.PolicyName, document: input.PolicyDocument };
      const { created } = await env.store.rolePolicies.createIfAbsent(id, doc);
      if (!created) await env.store.rolePolicies.update(id, () => doc);
      await confirmRoleStillThere(env, input.RoleName, role.roleId, async () => {
        await env.store.rolePolicies.delete(id);
      });
      return {};
    },
  });
