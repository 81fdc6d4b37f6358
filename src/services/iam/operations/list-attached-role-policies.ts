/** ListAttachedRolePolicies (M-IAM): the role's managed policies, PathPrefix-filtered, paginated. */
import { defineOperation } from '../../../wire/operation.js';
import { parseIamArn } from '../arns.js';
import type { IamEnv } from '../env.js';
import { requireRole } from '../lookup.js';
import { pageOutput, paginate } from '../pagination.js';
import type { StoredAttachment } from '../records.js';
import { existingRoleResource } from '../resources.js';
import { rolePrefix } from '../store.js';

/** Path of a policy from its ARN: `policy/a/b/Name` → `/a/b/`. */
function pathOf(a: StoredAttachment): string {
  const rest = parseIamArn(a.policyArn)?.rest ?? a.policyName;
  return `/${rest.slice(0, rest.length - a.policyName.length)}`;
}

export const listAttachedRolePoliciesOperation = (env: IamEnv) =>
  defineOperation<{ RoleName: string; PathPrefix?: string; Marker?: string; MaxItems?: number }>({
    service: 'iam',
    name: 'ListAttachedRolePolicies',
    auth: 'sigv4',
    authorize: { resource: (input) => existingRoleResource(env, input.RoleName) },
    async handler(input) {
      const role = await requireRole(env.store, input.RoleName);
      const prefix = input.PathPrefix;
      const page = await paginate(env.store.attachments, {
        prefix: rolePrefix(input.RoleName),
        marker: input.Marker,
        maxItems: input.MaxItems,
        filter: (a: StoredAttachment) => a.roleId === role.roleId && (prefix === undefined || pathOf(a).startsWith(prefix)),
      });
      return { AttachedPolicies: page.items.map((a) => ({ PolicyName: a.policyName, PolicyArn: a.policyArn })), ...pageOutput(page) };
    },
  });
