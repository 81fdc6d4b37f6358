/**
 * UpdateAccessKey (M-IAM): Active or Inactive. An Inactive key is refused from the next request
 * on, on every node (authentication reads the key from storage each time), as AWS refuses an
 * unknown key.
 */
import { defineOperation } from '../../../wire/operation.js';
import { requireUserKey, updateAccessKey } from '../access-keys.js';
import type { IamEnv } from '../env.js';
import { requireUser, subjectUserName, subjectUserResource } from '../owners.js';

export const updateAccessKeyOperation = (env: IamEnv) =>
  defineOperation<{ UserName?: string; AccessKeyId: string; Status: 'Active' | 'Inactive' }>({
    service: 'iam',
    name: 'UpdateAccessKey',
    auth: 'sigv4',
    authorize: { resource: (input, ctx) => subjectUserResource(env, input.UserName, ctx.principal) },
    async handler(input, ctx) {
      const user = await requireUser(env, subjectUserName(input.UserName, ctx.principal));
      const key = await requireUserKey(env, user, input.AccessKeyId);
      await updateAccessKey(env, key, (k) => ({ ...k, status: input.Status }));
      return {};
    },
  });
