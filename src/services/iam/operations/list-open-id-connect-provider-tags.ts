/** ListOpenIDConnectProviderTags (M-IAM): the provider's tags, paginated. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireOidcProvider } from '../lookup.js';
import { pageOutput, paginateArray } from '../pagination.js';
import { tagsShape } from '../shapes.js';

export const listOpenIDConnectProviderTagsOperation = (env: IamEnv) =>
  defineOperation<{ OpenIDConnectProviderArn: string; Marker?: string; MaxItems?: number }>({
    service: 'iam',
    name: 'ListOpenIDConnectProviderTags',
    auth: 'sigv4',
    authorize: { resource: (input) => input.OpenIDConnectProviderArn },
    async handler(input) {
      const p = await requireOidcProvider(env.store, env.accountId, input.OpenIDConnectProviderArn);
      const page = paginateArray(p.tags, input.Marker, input.MaxItems);
      return { Tags: tagsShape(page.items), ...pageOutput(page) };
    },
  });
