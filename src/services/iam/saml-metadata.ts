/**
 * SAML 2.0 metadata as IAM accepts it for a SAML provider (IAMG:id_roles_providers_create_saml):
 * an `md:EntityDescriptor` with an `md:IDPSSODescriptor` carrying at least one signing
 * certificate. STS later verifies assertions only with these certificates (security.md S08), so
 * every certificate offered for signing must parse as X.509, and nothing else in the document is
 * trusted.
 *
 * Hostile input (security.md S10, S11): any DOCTYPE or entity declaration is refused before a DOM
 * is built (no XXE, no entity expansion), and every parser complaint — warnings included — is
 * fatal, as is more than one root element.
 */
import { X509Certificate } from 'node:crypto';
import { DOMParser, type Element } from '../../tokens/saml/dom.js';
import { fail } from '../../errors/index.js';

export const MD_NS = 'urn:oasis:names:tc:SAML:2.0:metadata';
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** Without a `validUntil`, IAM keeps a provider valid for 100 years. */
const DEFAULT_VALIDITY_YEARS = 100;

export interface SamlMetadata {
  entityId: string;
  /** PEM text of every signing certificate of the IdP SSO descriptor, in document order. */
  signingCertificates: string[];
  validUntil: Date;
  /** The IdP's SingleSignOnService for the HTTP-Redirect binding, if it has one (SP-initiated sign-in). */
  singleSignOnRedirectUrl?: string;
}

function invalid(detail: string, cause?: unknown): never {
  return fail('InvalidInput', `Could not parse metadata: ${detail}`, { reason: { check: 'iam.saml-metadata', detail }, cause });
}

function childElements(parent: Element, ns: string, localName: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1) {
      const e = n as Element;
      if (e.namespaceURI === ns && e.localName === localName) out.push(e);
    }
  }
  return out;
}

function toPem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** `xsd:dateTime` with an explicit zone, as SAML metadata's validUntil requires. */
function parseDateTime(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function addYears(d: Date, years: number): Date {
  const out = new Date(d.getTime());
  out.setUTCFullYear(out.getUTCFullYear() + years);
  return out;
}

/** Parses and checks provider metadata; `now` dates the default validity. */
export function parseSamlMetadata(text: string, now: Date): SamlMetadata {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) invalid('DOCTYPE and entity declarations are not allowed.');

  let doc;
  try {
    const complain = (level: string) => (message: string) => {
      throw new Error(`${level}: ${message}`);
    };
    doc = new DOMParser({ errorHandler: { warning: complain('warning'), error: complain('error'), fatalError: complain('fatalError') } }).parseFromString(text, 'text/xml');
  } catch (e) {
    return invalid('the document is not well-formed XML.', e);
  }

  let roots = 0;
  for (let n = doc.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) roots++;
  if (roots !== 1) invalid('the document must have exactly one root element.');

  const root = doc.documentElement;
  if (!root || root.namespaceURI !== MD_NS || root.localName !== 'EntityDescriptor') {
    invalid(`the root element must be an EntityDescriptor in namespace ${MD_NS}.`);
  }
  const entityId = root.getAttribute('entityID') ?? '';
  if (entityId === '') invalid('the EntityDescriptor has no entityID.');

  const idps = childElements(root, MD_NS, 'IDPSSODescriptor');
  if (idps.length === 0) invalid('the EntityDescriptor has no IDPSSODescriptor.');

  const signingCertificates: string[] = [];
  for (const idp of idps) {
    for (const kd of childElements(idp, MD_NS, 'KeyDescriptor')) {
      // A KeyDescriptor without `use` serves both signing and encryption (SAML metadata §2.4.1.1).
      const use = kd.getAttribute('use');
      if (use && use !== 'signing') continue;
      for (const keyInfo of childElements(kd, DS_NS, 'KeyInfo')) {
        for (const data of childElements(keyInfo, DS_NS, 'X509Data')) {
          for (const certEl of childElements(data, DS_NS, 'X509Certificate')) {
            const b64 = (certEl.textContent ?? '').replace(/\s+/g, '');
            if (b64 === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) invalid('an X509Certificate is not base64.');
            const der = Buffer.from(b64, 'base64');
            try {
              new X509Certificate(der);
            } catch (e) {
              invalid('an X509Certificate of a signing KeyDescriptor is not a valid X.509 certificate.', e);
            }
            signingCertificates.push(toPem(der));
          }
        }
      }
    }
  }
  if (signingCertificates.length === 0) invalid('the IDPSSODescriptor has no signing X509Certificate.');

  const validUntilText = root.getAttribute('validUntil');
  let validUntil: Date;
  if (validUntilText !== null && validUntilText !== '') {
    const parsed = parseDateTime(validUntilText);
    if (!parsed) invalid(`validUntil "${validUntilText}" is not an xsd:dateTime with a time zone.`);
    validUntil = parsed;
  } else {
    validUntil = addYears(now, DEFAULT_VALIDITY_YEARS);
  }
  const redirect = idps
    .flatMap((idp) => childElements(idp, MD_NS, 'SingleSignOnService'))
    .find((e) => e.getAttribute('Binding') === 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect');
  const location = redirect?.getAttribute('Location');
  return { entityId, signingCertificates, validUntil, ...(location ? { singleSignOnRedirectUrl: location } : {}) };
}
