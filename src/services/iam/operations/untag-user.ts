/** UntagUser (M-IAM): removes the named keys; absent keys are ignored. */
import { NotFoundError } from '../../../storage/contract.js';
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { noSuchUser } from '../owners.js';
import { existingUserResource } from '../resources.js';
import { nameId } from '../store.js';
import { removeTags } from '../tags.js';

export const untagUserOperation = (env: IamEnv) =>
  defineOperation<{ UserName: string; TagKeys: string[] }>({
    service: 'iam',
    name: 'UntagUser',
    auth: 'sigv4',
    authorize: { resource: (input) => existingUserResource(env, input.UserName) },
    async handler(input) {
      try {
        await env.store.users.update(nameId(input.UserName), (u) => ({ ...u, tags: removeTags(u.tags, input.TagKeys ?? []) }));
      } catch (e) {
        if (e instanceof NotFoundError) noSuchUser(input.UserName, e);
        throw e;
      }
      return {};
    },
  });
