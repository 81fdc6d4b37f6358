/**
 * CreateAccessKey (M-IAM): an Active `AKIA…` key for the named user, or the calling user. The
 * secret is in this response only; it is stored sealed (access-keys.ts). At most 2 per user.
 */
import { defineOperation } from '../../../wire/operation.js';
import { createAccessKey } from '../access-keys.js';
import type { IamEnv } from '../env.js';
import { requireUser, subjectUserName, subjectUserResource } from '../owners.js';

export const createAccessKeyOperation = (env: IamEnv) =>
  defineOperation<{ UserName?: string }>({
    service: 'iam',
    name: 'CreateAccessKey',
    auth: 'sigv4',
    authorize: { resource: (input, ctx) => subjectUserResource(env, input.UserName, ctx.principal) },
    async handler(input, ctx) {
      const user = await requireUser(env, subjectUserName(input.UserName, ctx.principal));
      const { key, secretAccessKey } = await createAccessKey(env, user, ctx.now);
      return {
        AccessKey: {
          UserName: key.userName,
          AccessKeyId: key.accessKeyId,
          Status: key.status,
          SecretAccessKey: secretAccessKey,
          CreateDate: new Date(key.createDate),
        },
      };
    },
  });
