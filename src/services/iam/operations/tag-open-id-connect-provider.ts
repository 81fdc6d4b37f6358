/** TagOpenIDConnectProvider (M-IAM): adds or overwrites tags; at most 50. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { updateOidcProvider } from '../mutate.js';
import type { Tag } from '../records.js';
import { mergeTags } from '../tags.js';

export const tagOpenIDConnectProviderOperation = (env: IamEnv) =>
  defineOperation<{ OpenIDConnectProviderArn: string; Tags: Tag[] }>({
    service: 'iam',
    name: 'TagOpenIDConnectProvider',
    auth: 'sigv4',
    authorize: { resource: (input) => input.OpenIDConnectProviderArn },
    async handler(input) {
      await updateOidcProvider(env, input.OpenIDConnectProviderArn, (p) => ({ ...p, tags: mergeTags(p.tags, input.Tags ?? []) }));
      return {};
    },
  });
