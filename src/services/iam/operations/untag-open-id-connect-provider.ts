/** UntagOpenIDConnectProvider (M-IAM): removes the named keys; absent keys are ignored. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { updateOidcProvider } from '../mutate.js';
import { removeTags } from '../tags.js';

export const untagOpenIDConnectProviderOperation = (env: IamEnv) =>
  defineOperation<{ OpenIDConnectProviderArn: string; TagKeys: string[] }>({
    service: 'iam',
    name: 'UntagOpenIDConnectProvider',
    auth: 'sigv4',
    authorize: { resource: (input) => input.OpenIDConnectProviderArn },
    async handler(input) {
      await updateOidcProvider(env, input.OpenIDConnectProviderArn, (p) => ({ ...p, tags: removeTags(p.tags, input.TagKeys ?? []) }));
      return {};
    },
  });
