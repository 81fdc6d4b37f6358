/**
 * DeleteRole (M-IAM): refused with DeleteConflict while the role still has inline or attached
 * policies (IAMG:id_roles_manage_delete — policies must be removed first).
 */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireRole } from '../lookup.js';
import { existingRoleResource } from '../resources.js';
import { sweepRoleChildren } from '../role-children.js';
import { roleId, rolePrefix } from '../store.js';

export const deleteRoleOperation = (env: IamEnv) =>
  defineOperation<{ RoleName: string }>({
    service: 'iam',
    name: 'DeleteRole',
    auth: 'sigv4',
    authorize: { resource: (input) => existingRoleResource(env, input.RoleName) },
    async handler(input) {
      await requireRole(env.store, input.RoleName);
      const prefix = rolePrefix(input.RoleName);
      if ((await env.store.rolePolicies.count(prefix)) > 0) {
        fail('DeleteConflict', 'Cannot delete entity, must delete policies first.', { reason: { check: 'iam.role.delete.inline-policies' } });
      }
      if ((await env.store.attachments.count(prefix)) > 0) {
        fail('DeleteConflict', 'Cannot delete entity, must detach all policies first.', { reason: { check: 'iam.role.delete.attached-policies' } });
      }
      if (!(await env.store.roles.delete(roleId(input.RoleName)))) {
        fail('NoSuchEntity', `The role with name ${input.RoleName} cannot be found.`, { reason: { check: 'iam.role.exists', actual: input.RoleName } });
      }
      // A PutRolePolicy/AttachRolePolicy racing with this delete may have written after the
      // checks above; nothing may outlive the role (role-children.ts).
      await sweepRoleChildren(env, input.RoleName);
      return {};
    },
  });
