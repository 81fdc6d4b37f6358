/** GetUser (M-IAM): the named user, or without UserName the calling user. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireUser, subjectUserName, subjectUserResource } from '../owners.js';
import { userShape } from '../shapes.js';

export const getUserOperation = (env: IamEnv) =>
  defineOperation<{ UserName?: string }>({
    service: 'iam',
    name: 'GetUser',
    auth: 'sigv4',
    authorize: { resource: (input, ctx) => subjectUserResource(env, input.UserName, ctx.principal) },
    async handler(input, ctx) {
      const user = await requireUser(env, subjectUserName(input.UserName, ctx.principal));
      return { User: userShape(user, { tags: true }) };
    },
  });
