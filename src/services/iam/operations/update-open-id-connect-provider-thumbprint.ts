/** UpdateOpenIDConnectProviderThumbprint (M-IAM): replaces the whole thumbprint list. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { updateOidcProvider } from '../mutate.js';
import { normaliseThumbprints } from '../oidc-lists.js';

export const updateOpenIDConnectProviderThumbprintOperation = (env: IamEnv) =>
  defineOperation<{ OpenIDConnectProviderArn: string; ThumbprintList: string[] }>({
    service: 'iam',
    name: 'UpdateOpenIDConnectProviderThumbprint',
    auth: 'sigv4',
    authorize: { resource: (input) => input.OpenIDConnectProviderArn },
    async handler(input) {
      const thumbprints = normaliseThumbprints(input.ThumbprintList);
      await updateOidcProvider(env, input.OpenIDConnectProviderArn, (p) => ({ ...p, thumbprints }));
      return {};
    },
  });
