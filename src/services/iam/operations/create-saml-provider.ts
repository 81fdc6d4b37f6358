/**
 * CreateSAMLProvider (M-IAM): registers an IdP from its SAML metadata (checked by
 * saml-metadata.ts). At most 100 SAML providers per account (IAMG:reference_iam-quotas).
 */
import { randomUUID } from 'node:crypto';
import { fail } from '../../../errors/index.js';
import { AlreadyExistsError } from '../../../storage/contract.js';
import { defineOperation } from '../../../wire/operation.js';
import { samlProviderArn } from '../arns.js';
import type { IamEnv } from '../env.js';
import type { StoredSamlProvider, Tag } from '../records.js';
import { samlResource } from '../resources.js';
import { parseSamlMetadata } from '../saml-metadata.js';
import { refuseEncryptionOptions } from '../saml-options.js';
import { tagsShape } from '../shapes.js';
import { initialTags } from '../tags.js';

export const SAML_PROVIDERS_PER_ACCOUNT = 100;

interface Input {
  SAMLMetadataDocument: string;
  Name: string;
  Tags?: Tag[];
  AssertionEncryptionMode?: 'Required' | 'Allowed';
  AddPrivateKey?: string;
}

export const createSAMLProviderOperation = (env: IamEnv) =>
  defineOperation<Input>({
    service: 'iam',
    name: 'CreateSAMLProvider',
    auth: 'sigv4',
    authorize: { resource: (input) => samlResource(env, input.Name) },
    async handler(input, ctx) {
      refuseEncryptionOptions(input);
      const metadata = parseSamlMetadata(input.SAMLMetadataDocument, ctx.now);
      const tags = initialTags(input.Tags);
      const count = await env.store.samlProviders.count();
      if (count >= SAML_PROVIDERS_PER_ACCOUNT) {
        fail('LimitExceeded', `Cannot exceed quota for SamlProvidersPerAccount: ${SAML_PROVIDERS_PER_ACCOUNT}`, {
          reason: { check: 'iam.quota.saml-providers', expected: SAML_PROVIDERS_PER_ACCOUNT, actual: count },
        });
      }
      const provider: StoredSamlProvider = {
        arn: samlProviderArn(env.accountId, input.Name),
        name: input.Name,
        uuid: randomUUID(),
        metadataDocument: input.SAMLMetadataDocument,
        validUntil: metadata.validUntil.toISOString(),
        tags,
        createDate: ctx.now.toISOString(),
      };
      if (input.AssertionEncryptionMode !== undefined) provider.assertionEncryptionMode = input.AssertionEncryptionMode;
      try {
        await env.store.samlProviders.create(input.Name, provider);
      } catch (e) {
        if (e instanceof AlreadyExistsError) {
          fail('EntityAlreadyExists', `SAMLProvider with name ${input.Name} already exists.`, { reason: { check: 'iam.saml-provider.unique', actual: input.Name }, cause: e });
        }
        throw e;
      }
      const out: Record<string, unknown> = { SAMLProviderArn: provider.arn };
      if (tags.length > 0) out.Tags = tagsShape(tags);
      return out;
    },
  });
