/** UpdateSAMLProvider (M-IAM): replaces the metadata (re-checked) and with it ValidUntil. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireSamlProvider } from '../lookup.js';
import { updateSamlProvider } from '../mutate.js';
import { parseSamlMetadata } from '../saml-metadata.js';
import { refuseEncryptionOptions } from '../saml-options.js';

interface Input {
  SAMLMetadataDocument?: string;
  SAMLProviderArn: string;
  AssertionEncryptionMode?: 'Required' | 'Allowed';
  AddPrivateKey?: string;
  RemovePrivateKey?: string;
}

export const updateSAMLProviderOperation = (env: IamEnv) =>
  defineOperation<Input>({
    service: 'iam',
    name: 'UpdateSAMLProvider',
    auth: 'sigv4',
    authorize: { resource: (input) => input.SAMLProviderArn },
    async handler(input, ctx) {
      const existing = await requireSamlProvider(env.store, env.accountId, input.SAMLProviderArn);
      refuseEncryptionOptions(input);
      const metadata = input.SAMLMetadataDocument === undefined ? undefined : parseSamlMetadata(input.SAMLMetadataDocument, ctx.now);
      await updateSamlProvider(env, input.SAMLProviderArn, (p) => {
        const next = { ...p };
        if (metadata && input.SAMLMetadataDocument !== undefined) {
          next.metadataDocument = input.SAMLMetadataDocument;
          next.validUntil = metadata.validUntil.toISOString();
        }
        if (input.AssertionEncryptionMode !== undefined) next.assertionEncryptionMode = input.AssertionEncryptionMode;
        return next;
      });
      return { SAMLProviderArn: existing.arn };
    },
  });
