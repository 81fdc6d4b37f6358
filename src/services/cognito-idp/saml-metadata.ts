/**
 * The metadata of a user pool's SAML identity provider, checked when the provider is created or
 * updated (aws-surface.md §7.2: `MetadataURL` **or** `MetadataFile`). A MetadataFile must parse as
 * IdP metadata (the same parser IAM SAML providers use: services/iam/saml-metadata.ts) with a
 * SingleSignOnService for the HTTP-Redirect binding (SP-initiated sign-in needs it); a MetadataURL
 * is fetched once, here, over the bounded HTTPS fetch of src/tokens/fetch.ts (https only, no
 * redirects, 5 s, 1 MiB, system CAs plus NODE_EXTRA_CA_CERTS), checked the same way, and the
 * document stored on the provider record, so sign-in never depends on the URL staying up.
 * Anything that cannot be fetched or parsed is InvalidParameterException and nothing is stored.
 *
 * Not an SSRF guard: the URL may name any https host the server can reach, loopback and private
 * addresses included (a later issue adds the general outbound-address policy). The admin API is
 * SigV4-authorised, so only callers allowed cognito-idp:CreateIdentityProvider reach this.
 */
import { parseSamlMetadata } from '../iam/saml-metadata.js';
import { isServiceError, Refusal } from '../../errors/index.js';
import type { FetchDocument } from '../../tokens/fetch.js';
import { invalidParameter } from './errors.js';

/** Bounds of the MetadataURL fetch. IdP metadata is a few KiB to a few hundred KiB (ADFS, Entra ID). */
export const METADATA_FETCH = { timeoutMs: 5000, maxBytes: 1024 * 1024 } as const;

/** Throws InvalidParameterException unless `text` is usable IdP metadata. */
export function checkSamlMetadata(text: string, now: Date, source: string): void {
  let metadata;
  try {
    metadata = parseSamlMetadata(text, now);
  } catch (err) {
    const detail = isServiceError(err) ? err.message : 'the document could not be parsed.';
    throw invalidParameter(`Invalid SAML metadata in ${source}: ${detail}`, 'idp.saml.metadata', detail);
  }
  if (!metadata.singleSignOnRedirectUrl) {
    throw invalidParameter('No SingleSignOn Http redirect binding location found in metadata.', 'idp.saml.metadata.sso', source);
  }
}

/** Fetches and checks the document at `url`; returns it. */
export async function fetchSamlMetadata(fetchDocument: FetchDocument, url: string, now: Date): Promise<string> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw invalidParameter(`MetadataURL ${url} is not a valid URL.`, 'idp.saml.metadata-url', url);
  }
  if (target.protocol !== 'https:' || target.username || target.password) {
    throw invalidParameter(`MetadataURL must be an https:// URL without credentials: ${url}`, 'idp.saml.metadata-url', url);
  }
  let text: string;
  try {
    text = await fetchDocument(target.href, { ...METADATA_FETCH, accept: 'application/samlmetadata+xml, application/xml, text/xml' });
  } catch (err) {
    if (err instanceof Refusal) {
      const message =
        err.reason.check === 'fetch.status'
          ? `Non-ok status code ${String(err.reason.actual)} returned from remote metadata source ${url}`
          : `Unable to retrieve metadata from remote metadata source ${url}: ${err.message}`;
      throw invalidParameter(message, 'idp.saml.metadata-url.fetch', err.reason.check);
    }
    throw err;
  }
  checkSamlMetadata(text, now, 'MetadataURL');
  return text;
}
