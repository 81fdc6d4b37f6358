/**
 * UpdateAccessKey (M-IAM): Active or Inactive. An Inactive key is refused from the next request
 * on, on every node (authentication reads the key from storage each time), as AWS refuses an
 * unknown key.
 */
import { NotFoundError } from '../../../storage/contract.js';
import { defineOperation } from '../../../wire/operation.js';
import { noSuchAccessKey, requireUserKey } from '../access-keys.js';
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
      await requireUserKey(env, user, input.AccessKeyId);
      try {
        await env.store.accessKeys.update(input.AccessKeyId, (k) => ({ ...k, status: input.Status }));
      } catch (e) {
        if (e instanceof NotFoundError) noSuchAccessKey(input.AccessKeyId);
        throw e;
      }
      return {};
    },
  });
