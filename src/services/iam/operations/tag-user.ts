/** TagUser (M-IAM): adds or overwrites tags; at most 50 per user. Tags are aws:PrincipalTag/… of the user's requests. */
import { NotFoundError } from '../../../storage/contract.js';
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { noSuchUser } from '../owners.js';
import type { Tag } from '../records.js';
import { existingUserResource } from '../resources.js';
import { nameId } from '../store.js';
import { mergeTags } from '../tags.js';

export const tagUserOperation = (env: IamEnv) =>
  defineOperation<{ UserName: string; Tags: Tag[] }>({
    service: 'iam',
    name: 'TagUser',
    auth: 'sigv4',
    authorize: { resource: (input) => existingUserResource(env, input.UserName) },
    async handler(input) {
      try {
        await env.store.users.update(nameId(input.UserName), (u) => ({ ...u, tags: mergeTags(u.tags, input.Tags ?? []) }));
      } catch (e) {
        if (e instanceof NotFoundError) noSuchUser(input.UserName, e);
        throw e;
      }
      return {};
    },
  });
