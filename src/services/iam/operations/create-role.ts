/** CreateRole (M-IAM): a role with a trust policy; names unique case-insensitively. */
import { fail } from '../../../errors/index.js';
import { AlreadyExistsError } from '../../../storage/contract.js';
import { defineOperation } from '../../../wire/operation.js';
import { roleArn } from '../arns.js';
import type { IamEnv } from '../env.js';
import { roleUniqueId } from '../ids.js';
import { checkTrustPolicy } from '../policy-text.js';
import type { StoredRole, Tag } from '../records.js';
import { roleResource } from '../resources.js';
import { roleShape } from '../shapes.js';
import { roleId } from '../store.js';
import { initialTags } from '../tags.js';

/** IAMG:reference_iam-quotas "Roles in an AWS account". */
export const ROLES_PER_ACCOUNT = 1000;
/** M-IAM CreateRole.MaxSessionDuration default. */
export const DEFAULT_MAX_SESSION_DURATION = 3600;

interface Input {
  Path?: string;
  RoleName: string;
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration?: number;
  PermissionsBoundary?: string;
  Tags?: Tag[];
}

export const createRoleOperation = (env: IamEnv) =>
  defineOperation<Input>({
    service: 'iam',
    name: 'CreateRole',
    auth: 'sigv4',
    authorize: { resource: (input) => roleResource(env, input.RoleName, input.Path ?? '/') },
    async handler(input, ctx) {
      // The policy engine does not evaluate permissions boundaries; accepting one silently would
      // grant more than the caller meant, so it is refused.
      if (input.PermissionsBoundary !== undefined) {
        fail('InvalidInput', 'Permissions boundaries are not supported by this server.', { reason: { check: 'iam.permissions-boundary.unsupported' } });
      }
      checkTrustPolicy(input.AssumeRolePolicyDocument);
      const tags = initialTags(input.Tags);
      const count = await env.store.roles.count();
      if (count >= ROLES_PER_ACCOUNT) {
        fail('LimitExceeded', `Cannot exceed quota for RolesPerAccount: ${ROLES_PER_ACCOUNT}`, { reason: { check: 'iam.quota.roles', expected: ROLES_PER_ACCOUNT, actual: count } });
      }
      const path = input.Path ?? '/';
      const role: StoredRole = {
        roleName: input.RoleName,
        roleId: roleUniqueId(env.random),
        arn: roleArn(env.accountId, path, input.RoleName),
        path,
        assumeRolePolicyDocument: input.AssumeRolePolicyDocument,
        maxSessionDuration: input.MaxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
        tags,
        createDate: ctx.now.toISOString(),
      };
      if (input.Description !== undefined) role.description = input.Description;
      try {
        await env.store.roles.create(roleId(input.RoleName), role);
      } catch (e) {
        if (e instanceof AlreadyExistsError) {
          fail('EntityAlreadyExists', `Role with name ${input.RoleName} already exists.`, { reason: { check: 'iam.role.unique', actual: input.RoleName }, cause: e });
        }
        throw e;
      }
      return { Role: roleShape(role, { tags: true }) };
    },
  });
