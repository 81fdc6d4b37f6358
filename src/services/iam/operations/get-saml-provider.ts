/** GetSAMLProvider (M-IAM): the metadata as registered, its validity and tags. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requireSamlProvider } from '../lookup.js';
import { tagsShape } from '../shapes.js';

export const getSAMLProviderOperation = (env: IamEnv) =>
  defineOperation<{ SAMLProviderArn: string }>({
    service: 'iam',
    name: 'GetSAMLProvider',
    auth: 'sigv4',
    authorize: { resource: (input) => input.SAMLProviderArn },
    async handler(input) {
      const p = await requireSamlProvider(env.store, env.accountId, input.SAMLProviderArn);
      const out: Record<string, unknown> = {
        SAMLProviderUUID: p.uuid,
        SAMLMetadataDocument: p.metadataDocument,
        CreateDate: new Date(p.createDate),
        ValidUntil: new Date(p.validUntil),
        Tags: tagsShape(p.tags),
      };
      if (p.assertionEncryptionMode !== undefined) out.AssertionEncryptionMode = p.assertionEncryptionMode;
      return out;
    },
  });
