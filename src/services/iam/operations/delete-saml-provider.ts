/** DeleteSAMLProvider (M-IAM). */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireSamlProvider } from '../lookup.js';

export const deleteSAMLProviderOperation = (env: IamEnv) =>
  defineOperation<{ SAMLProviderArn: string }>({
    service: 'iam',
    name: 'DeleteSAMLProvider',
    auth: 'sigv4',
    authorize: { resource: (input) => input.SAMLProviderArn },
    async handler(input) {
      const p = await requireSamlProvider(env.store, env.accountId, input.SAMLProviderArn);
      if (!(await env.store.samlProviders.delete(p.name))) {
        fail('NoSuchEntity', `SAMLProvider not found for arn ${input.SAMLProviderArn}`, { reason: { check: 'iam.saml-provider.exists', actual: input.SAMLProviderArn } });
      }
      return {};
    },
  });
