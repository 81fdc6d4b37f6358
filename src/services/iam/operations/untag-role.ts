/** UntagRole (M-IAM): removes the named keys; absent keys are ignored. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { updateOrNoSuchRole } from '../mutate.js';
import { existingRoleResource } from '../resources.js';
import { removeTags } from '../tags.js';

export const untagRoleOperation = (env: IamEnv) =>
  defineOperation<{ RoleName: string; TagKeys: string[] }>({
    service: 'iam',
    name: 'UntagRole',
    auth: 'sigv4',
    authorize: { resource: (input) => existingRoleResource(env, input.RoleName) },
    async handler(input) {
      await updateOrNoSuchRole(env, input.RoleName, (r) => ({ ...r, tags: removeTags(r.tags, input.TagKeys ?? []) }));
      return {};
    },
  });
