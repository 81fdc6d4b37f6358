/** AddClientIDToOpenIDConnectProvider (M-IAM): adding a client id already present changes nothing. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { updateOidcProvider } from '../mutate.js';
import { MAX_CLIENT_IDS, tooManyClientIds } from '../oidc-lists.js';

export const addClientIDToOpenIDConnectProviderOperation = (env: IamEnv) =>
  defineOperation<{ OpenIDConnectProviderArn: string; ClientID: string }>({
    service: 'iam',
    name: 'AddClientIDToOpenIDConnectProvider',
    auth: 'sigv4',
    authorize: { resource: (input) => input.OpenIDConnectProviderArn },
    async handler(input) {
      await updateOidcProvider(env, input.OpenIDConnectProviderArn, (p) => {
        if (p.clientIds.includes(input.ClientID)) return p;
        if (p.clientIds.length >= MAX_CLIENT_IDS) tooManyClientIds(p.clientIds.length + 1);
        return { ...p, clientIds: [...p.clientIds, input.ClientID] };
      });
      return {};
    },
  });
