/** ListUserTags (M-IAM): the user's tags, paginated. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireUser } from '../owners.js';
import { pageOutput, paginateArray } from '../pagination.js';
import { existingUserResource } from '../resources.js';
import { tagsShape } from '../shapes.js';

export const listUserTagsOperation = (env: IamEnv) =>
  defineOperation<{ UserName: string; Marker?: string; MaxItems?: number }>({
    service: 'iam',
    name: 'ListUserTags',
    auth: 'sigv4',
    authorize: { resource: (input) => existingUserResource(env, input.UserName) },
    async handler(input) {
      const user = await requireUser(env, input.UserName);
      const page = paginateArray(user.tags, input.Marker, input.MaxItems);
      return { Tags: tagsShape(page.items), ...pageOutput(page) };
    },
  });
