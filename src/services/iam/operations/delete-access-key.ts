/** DeleteAccessKey (M-IAM): the key is refused from the next request on, on every node. */
import { defineOperation } from '../../../wire/operation.js';
import { deleteAccessKey, requireUserKey } from '../access-keys.js';
import type { IamEnv } from '../env.js';
import { requireUser, subjectUserName, subjectUserResource } from '../owners.js';

export const deleteAccessKeyOperation = (env: IamEnv) =>
  defineOperation<{ UserName?: string; AccessKeyId: string }>({
    service: 'iam',
    name: 'DeleteAccessKey',
    auth: 'sigv4',
    authorize: { resource: (input, ctx) => subjectUserResource(env, input.UserName, ctx.principal) },
    async handler(input, ctx) {
      const user = await requireUser(env, subjectUserName(input.UserName, ctx.principal));
      await deleteAccessKey(env, await requireUserKey(env, user, input.AccessKeyId));
      return {};
    },
  });
