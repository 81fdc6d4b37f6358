/**
 * CreateOpenIDConnectProvider (M-IAM). The URL rules (arns.ts `oidcUrlWithoutScheme`) keep the
 * stored URL byte-identical to the issuer STS will compare against. At most 100 providers per
 * account (IAMG:reference_iam-quotas).
 */
import { fail } from '../../../errors/index.js';
import { AlreadyExistsError } from '../../../storage/contract.js';
import { defineOperation } from '../../../wire/operation.js';
import { oidcProviderArn, oidcUrlWithoutScheme } from '../arns.js';
import type { IamEnv } from '../env.js';
import { normaliseClientIds, normaliseThumbprints } from '../oidc-lists.js';
import type { StoredOidcProvider, Tag } from '../records.js';
import { oidcResourceFromUrl } from '../resources.js';
import { tagsShape } from '../shapes.js';
import { initialTags } from '../tags.js';

export const OIDC_PROVIDERS_PER_ACCOUNT = 100;

interface Input {
  Url: string;
  ClientIDList?: string[];
  ThumbprintList?: string[];
  Tags?: Tag[];
}

export const createOpenIDConnectProviderOperation = (env: IamEnv) =>
  defineOperation<Input>({
    service: 'iam',
    name: 'CreateOpenIDConnectProvider',
    auth: 'sigv4',
    authorize: { resource: (input) => oidcResourceFromUrl(env, input.Url) },
    async handler(input, ctx) {
      const url = oidcUrlWithoutScheme(input.Url);
      const clientIds = normaliseClientIds(input.ClientIDList);
      const thumbprints = normaliseThumbprints(input.ThumbprintList);
      const tags = initialTags(input.Tags);
      const count = await env.store.oidcProviders.count();
      if (count >= OIDC_PROVIDERS_PER_ACCOUNT) {
        fail('LimitExceeded', `Cannot exceed quota for OpenIdConnectProvidersPerAccount: ${OIDC_PROVIDERS_PER_ACCOUNT}`, {
          reason: { check: 'iam.quota.oidc-providers', expected: OIDC_PROVIDERS_PER_ACCOUNT, actual: count },
        });
      }
      const provider: StoredOidcProvider = {
        arn: oidcProviderArn(env.accountId, url),
        url,
        clientIds,
        thumbprints,
        tags,
        createDate: ctx.now.toISOString(),
      };
      try {
        await env.store.oidcProviders.create(url, provider);
      } catch (e) {
        if (e instanceof AlreadyExistsError) {
          fail('EntityAlreadyExists', `Provider with url ${input.Url} already exists.`, { reason: { check: 'iam.oidc-provider.unique', actual: input.Url }, cause: e });
        }
        throw e;
      }
      const out: Record<string, unknown> = { OpenIDConnectProviderArn: provider.arn };
      if (tags.length > 0) out.Tags = tagsShape(tags);
      return out;
    },
  });
