/** ListSAMLProviders (M-IAM): every provider's ARN and dates; not paginated. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { listAll } from '../lookup.js';

export const listSAMLProvidersOperation = (env: IamEnv) =>
  defineOperation<Record<string, never>>({
    service: 'iam',
    name: 'ListSAMLProviders',
    auth: 'sigv4',
    authorize: { resource: () => '*' },
    async handler() {
      const providers = await listAll(env.store.samlProviders);
      return {
        SAMLProviderList: providers.map((p) => ({ Arn: p.arn, ValidUntil: new Date(p.validUntil), CreateDate: new Date(p.createDate) })),
      };
    },
  });
