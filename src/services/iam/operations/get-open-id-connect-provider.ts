/** GetOpenIDConnectProvider (M-IAM): Url is returned without its scheme, as IAM does. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireOidcProvider } from '../lookup.js';
import { tagsShape } from '../shapes.js';

export const getOpenIDConnectProviderOperation = (env: IamEnv) =>
  defineOperation<{ OpenIDConnectProviderArn: string }>({
    service: 'iam',
    name: 'GetOpenIDConnectProvider',
    auth: 'sigv4',
    authorize: { resource: (input) => input.OpenIDConnectProviderArn },
    async handler(input) {
      const p = await requireOidcProvider(env.store, env.accountId, input.OpenIDConnectProviderArn);
      return {
        Url: p.url,
        ClientIDList: [...p.clientIds],
        ThumbprintList: [...p.thumbprints],
        CreateDate: new Date(p.createDate),
        Tags: tagsShape(p.tags),
      };
    },
  });
