/**
 * The user pool as SAML 2.0 service provider to an upstream IdP (aws-surface.md §9;
 * CG:cognito-user-pools-saml-idp): SP-initiated sign-in only. The browser is sent to the IdP's
 * HTTP-Redirect SingleSignOnService with a deflated AuthnRequest whose ID is kept in the
 * single-use upstream transaction (RelayState is that transaction's handle); the IdP posts the
 * Response to the ACS `<domain>/saml2/idpresponse`, where src/tokens/saml verifies it against the
 * provider's metadata with audience = the pool's SP entity id `urn:amazon:cognito:sp:<poolId>`,
 * recipient/destination = the ACS URL and InResponseTo = the request's ID. Consuming the
 * transaction makes every response single use (security.md S16). The metadata is read from the
 * identity provider record: its MetadataFile, or the document fetched from its MetadataURL when
 * the provider was created or updated (cognito-idp/saml-metadata.ts); no URL is fetched here.
 */
import { deflateRawSync } from 'node:zlib';
import { parseSamlMetadata, type SamlMetadata } from '../iam/saml-metadata.js';
import { isServiceError } from '../../errors/index.js';
import type { IdentityProviderRecord } from '../cognito-idp/records.js';
import { UpstreamError } from './upstream.js';

/** The SP entity id (and so the Audience) Cognito uses for a user pool. */
export function samlSpEntityId(userPoolId: string): string {
  return `urn:amazon:cognito:sp:${userPoolId}`;
}

export function samlMetadataOf(idp: IdentityProviderRecord, now: Date): SamlMetadata {
  const file = idp.providerDetails.MetadataURL ? idp.samlMetadata : idp.providerDetails.MetadataFile;
  if (!file) throw new UpstreamError(`${idp.providerName} Error - no SAML metadata is stored for this provider; update it with UpdateIdentityProvider`);
  try {
    return parseSamlMetadata(file, now);
  } catch (err) {
    if (isServiceError(err)) throw new UpstreamError(`${idp.providerName} Error - ${err.message}`, {}, { cause: err });
    throw err;
  }
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The IdP URL carrying a deflated, unsigned AuthnRequest (SAML bindings §3.4, HTTP-Redirect). */
export function authnRequestUrl(metadata: SamlMetadata, input: { id: string; issuer: string; acsUrl: string; relayState: string; now: Date }): string {
  const sso = metadata.singleSignOnRedirectUrl;
  if (!sso) throw new UpstreamError('The SAML metadata has no SingleSignOnService for the HTTP-Redirect binding');
  const xml =
    `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${esc(input.id)}" Version="2.0" ` +
    `IssueInstant="${input.now.toISOString()}" Destination="${esc(sso)}" AssertionConsumerServiceURL="${esc(input.acsUrl)}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">` +
    `<saml:Issuer>${esc(input.issuer)}</saml:Issuer><samlp:NameIDPolicy AllowCreate="true"/></samlp:AuthnRequest>`;
  const url = new URL(sso);
  url.searchParams.append('SAMLRequest', deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'));
  url.searchParams.append('RelayState', input.relayState);
  return url.href;
}

/** Attribute Name → its value (one value) or values, the claims attribute mapping reads. */
export function samlClaims(attributes: Record<string, string[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, values] of Object.entries(attributes)) out[name] = values.length === 1 ? values[0] : values;
  return out;
}
