/** ListOpenIDConnectProviders (M-IAM): every provider's ARN; not paginated. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { listAll } from '../lookup.js';

export const listOpenIDConnectProvidersOperation = (env: IamEnv) =>
  defineOperation<Record<string, never>>({
    service: 'iam',
    name: 'ListOpenIDConnectProviders',
    auth: 'sigv4',
    authorize: { resource: () => '*' },
    async handler() {
      const providers = await listAll(env.store.oidcProviders);
      return { OpenIDConnectProviderList: providers.map((p) => ({ Arn: p.arn })) };
    },
  });
