/** DeleteOpenIDConnectProvider (M-IAM). */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireOidcProvider } from '../lookup.js';

export const deleteOpenIDConnectProviderOperation = (env: IamEnv) =>
  defineOperation<{ OpenIDConnectProviderArn: string }>({
    service: 'iam',
    name: 'DeleteOpenIDConnectProvider',
    auth: 'sigv4',
    authorize: { resource: (input) => input.OpenIDConnectProviderArn },
    async handler(input) {
      const p = await requireOidcProvider(env.store, env.accountId, input.OpenIDConnectProviderArn);
      if (!(await env.store.oidcProviders.delete(p.url))) {
        fail('NoSuchEntity', `OpenIDConnect provider not found for arn ${input.OpenIDConnectProviderArn}`, {
          reason: { check: 'iam.oidc-provider.exists', actual: input.OpenIDConnectProviderArn },
        });
      }
      return {};
    },
  });
