/** TagRole (M-IAM): adds or overwrites tags; at most 50 per role. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { updateOrNoSuchRole } from '../mutate.js';
import type { Tag } from '../records.js';
import { existingRoleResource } from '../resources.js';
import { mergeTags } from '../tags.js';

export const tagRoleOperation = (env: IamEnv) =>
  defineOperation<{ RoleName: string; Tags: Tag[] }>({
    service: 'iam',
    name: 'TagRole',
    auth: 'sigv4',
    authorize: { resource: (input) => existingRoleResource(env, input.RoleName) },
    async handler(input) {
      await updateOrNoSuchRole(env, input.RoleName, (r) => ({ ...r, tags: mergeTags(r.tags, input.Tags ?? []) }));
      return {};
    },
  });
