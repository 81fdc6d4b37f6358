/** Real SAML IdP metadata for tests: a freshly generated self-signed RSA certificate. */
import { generateKeyPair } from '../../helpers/saml-idp.js';

/** The base64 DER of a freshly generated self-signed RSA certificate (test/helpers/saml-idp.ts makes it). */
export async function generateCertificateBase64(cn = 'Test IdP'): Promise<string> {
  return (await generateKeyPair(cn)).certificateBase64;
}

export interface MetadataOptions {
  certBase64: string;
  entityId?: string;
  validUntil?: string;
  use?: 'signing' | 'encryption' | null;
  /** Replace the IDPSSODescriptor with an SPSSODescriptor. */
  sp?: boolean;
  /** Text put before the root element (e.g. a DOCTYPE). */
  prolog?: string;
}

export function metadataXml(o: MetadataOptions): string {
  const descriptor = o.sp ? 'SPSSODescriptor' : 'IDPSSODescriptor';
  const use = o.use === null ? '' : ` use="${o.use ?? 'signing'}"`;
  const validUntil = o.validUntil ? ` validUntil="${o.validUntil}"` : '';
  const wrapped = o.certBase64.replace(/(.{64})/g, '$1\n');
  return `<?xml version="1.0" encoding="UTF-8"?>${o.prolog ?? ''}
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${o.entityId ?? 'https://idp.example.test/metadata'}"${validUntil}>
  <md:${descriptor} protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor${use}>
      <ds:KeyInfo>
        <ds:X509Data>
          <ds:X509Certificate>${wrapped}</ds:X509Certificate>
        </ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.test/sso"/>
  </md:${descriptor}>
</md:EntityDescriptor>
`;
}
