/** RemoveClientIDFromOpenIDConnectProvider (M-IAM): removing an absent client id is not an error. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { updateOidcProvider } from '../mutate.js';

export const removeClientIDFromOpenIDConnectProviderOperation = (env: IamEnv) =>
  defineOperation<{ OpenIDConnectProviderArn: string; ClientID: string }>({
    service: 'iam',
    name: 'RemoveClientIDFromOpenIDConnectProvider',
    auth: 'sigv4',
    authorize: { resource: (input) => input.OpenIDConnectProviderArn },
    async handler(input) {
      await updateOidcProvider(env, input.OpenIDConnectProviderArn, (p) => ({ ...p, clientIds: p.clientIds.filter((c) => c !== input.ClientID) }));
      return {};
    },
  });
