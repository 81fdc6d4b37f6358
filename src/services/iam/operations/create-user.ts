/** CreateUser (M-IAM): a user with an `AIDA…` id; names unique case-insensitively. */
import { fail } from '../../../errors/index.js';
import { AlreadyExistsError } from '../../../storage/contract.js';
import { defineOperation } from '../../../wire/operation.js';
import { userArn } from '../arns.js';
import type { IamEnv } from '../env.js';
import { userUniqueId } from '../ids.js';
import type { StoredUser, Tag } from '../records.js';
import { userShape } from '../shapes.js';
import { nameId } from '../store.js';
import { initialTags } from '../tags.js';

/** IAMG:reference_iam-quotas "IAM users per AWS account". */
export const USERS_PER_ACCOUNT = 5000;

interface Input {
  Path?: string;
  UserName: string;
  PermissionsBoundary?: string;
  Tags?: Tag[];
}

export const createUserOperation = (env: IamEnv) =>
  defineOperation<Input>({
    service: 'iam',
    name: 'CreateUser',
    auth: 'sigv4',
    authorize: { resource: (input) => userArn(env.accountId, input.Path ?? '/', input.UserName) },
    async handler(input, ctx) {
      // Permissions boundaries are not attached to principals here; accepting one silently would
      // grant more than the caller meant, so it is refused.
      if (input.PermissionsBoundary !== undefined) {
        fail('InvalidInput', 'Permissions boundaries are not supported by this server.', { reason: { check: 'iam.permissions-boundary.unsupported' } });
      }
      const tags = initialTags(input.Tags);
      const count = await env.store.users.count();
      if (count >= USERS_PER_ACCOUNT) {
        fail('LimitExceeded', `Cannot exceed quota for UsersPerAccount: ${USERS_PER_ACCOUNT}`, { reason: { check: 'iam.quota.users', expected: USERS_PER_ACCOUNT, actual: count } });
      }
      const path = input.Path ?? '/';
      const user: StoredUser = {
        userName: input.UserName,
        userId: userUniqueId(env.random),
        arn: userArn(env.accountId, path, input.UserName),
        path,
        tags,
        createDate: ctx.now.toISOString(),
      };
      try {
        await env.store.users.create(nameId(input.UserName), user);
      } catch (e) {
        if (e instanceof AlreadyExistsError) {
          fail('EntityAlreadyExists', `User with name ${input.UserName} already exists.`, { reason: { check: 'iam.user.unique', actual: input.UserName }, cause: e });
        }
        throw e;
      }
      return { User: userShape(user, { tags: true }) };
    },
  });
