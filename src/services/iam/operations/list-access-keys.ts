/** ListAccessKeys (M-IAM): the keys of the named user, or the calling user; never the secrets. */
import { defineOperation } from '../../../wire/operation.js';
import { listUserKeys } from '../access-keys.js';
import type { IamEnv } from '../env.js';
import { requireUser, subjectUserName, subjectUserResource } from '../owners.js';
import { pageOutput, paginateArray } from '../pagination.js';
import { accessKeyMetadataShape } from '../shapes.js';

export const listAccessKeysOperation = (env: IamEnv) =>
  defineOperation<{ UserName?: string; Marker?: string; MaxItems?: number }>({
    service: 'iam',
    name: 'ListAccessKeys',
    auth: 'sigv4',
    authorize: { resource: (input, ctx) => subjectUserResource(env, input.UserName, ctx.principal) },
    async handler(input, ctx) {
      const user = await requireUser(env, subjectUserName(input.UserName, ctx.principal));
      const page = paginateArray(await listUserKeys(env, user), input.Marker, input.MaxItems);
      return { AccessKeyMetadata: page.items.map(accessKeyMetadataShape), ...pageOutput(page) };
    },
  });
