/**
 * A real SAML 2.0 identity provider in-process for tests: samlify (loaded untyped, see below)
 * with a freshly generated RSA key and self-signed certificate. `response()` builds a login
 * Response for the HTTP-POST binding with times from the caller's clock (no real time), the
 * audience/recipient/destination given, any attributes, and the assertion and/or the Response
 * signed by samlify with xml-crypto. Hostile variants are made from the decoded XML of a genuine
 * response (see test/unit/saml/).
 */
import { createRequire } from 'node:module';
import { randomUUID, webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcryptoKeyPair } from './keys.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/**
 * samlify's type declarations import @xmldom/xmldom 0.8, whose types pull the DOM library into
 * the whole program; the few members used here are typed locally instead.
 */
interface SamlifyEntity {
  getMetadata(): string;
  createLoginResponse(
    sp: SamlifyEntity,
    requestInfo: unknown,
    binding: string,
    user: unknown,
    customTagReplacement: (template: string) => { id: string; context: string },
  ): Promise<{ id: string; context: string }>;
}
interface Samlify {
  IdentityProvider(settings: Record<string, unknown>): SamlifyEntity;
  ServiceProvider(settings: Record<string, unknown>): SamlifyEntity;
  setSchemaValidator(v: { validate(xml: string): Promise<string> }): void;
}
export const samlify = createRequire(import.meta.url)('samlify') as Samlify;

const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
export const AWS_AUDIENCE = 'urn:amazon:webservices';
export const AWS_RECIPIENT = 'https://signin.aws.amazon.com/saml';
export const PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';

export interface KeyPair {
  privateKeyPem: string;
  certificatePem: string;
  certificateBase64: string;
}

export async function generateKeyPair(cn = 'Test SAML IdP'): Promise<KeyPair> {
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;
  const keys = await webcryptoKeyPair(alg);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${cn}`,
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2034-01-01T00:00:00Z'),
    signingAlgorithm: alg,
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const wrap = (b64: string) => b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  const certificateBase64 = Buffer.from(cert.rawData).toString('base64');
  return {
    privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${wrap(pkcs8.toString('base64'))}\n-----END PRIVATE KEY-----\n`,
    certificatePem: `-----BEGIN CERTIFICATE-----\n${wrap(certificateBase64)}\n-----END CERTIFICATE-----\n`,
    certificateBase64,
  };
}

export interface ResponseOptions {
  now: Date;
  nameId?: string;
  nameIdFormat?: string;
  audience?: string;
  recipient?: string;
  /** Response Destination; defaults to the recipient. */
  destination?: string;
  attributes?: Record<string, string[]>;
  /** SubjectConfirmationData and Conditions NotOnOrAfter = now + this (default 300 s). */
  lifetimeSeconds?: number;
  sessionNotOnOrAfter?: Date;
  assertionId?: string;
  inResponseTo?: string;
  /** Default: the assertion is signed, the Response is not. */
  signAssertion?: boolean;
  signResponse?: boolean;
  /** Another issuer than the IdP's entity id. */
  issuer?: string;
  /** Rewrites the XML before it is signed (an IdP that signs what it should not). */
  mutate?: (xml: string) => string;
}

export interface SamlIdp {
  entityId: string;
  keys: KeyPair;
  /** IdP metadata (for IAM CreateSAMLProvider / user-pool MetadataFile). */
  metadataXml: string;
  /** A base64 SAML Response (HTTP-POST binding). */
  response(o: ResponseOptions): Promise<string>;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export async function startSamlIdp(options: { entityId?: string; keys?: KeyPair; ssoUrl?: string } = {}): Promise<SamlIdp> {
  const keys = options.keys ?? (await generateKeyPair());
  const entityId = options.entityId ?? 'https://idp.example.test/metadata';
  const idp = samlify.IdentityProvider({
    entityID: entityId,
    privateKey: keys.privateKeyPem,
    signingCert: keys.certificatePem,
    isAssertionEncrypted: false,
    singleSignOnService: [
      { Binding: REDIRECT, Location: options.ssoUrl ?? 'https://idp.example.test/sso' },
      { Binding: POST, Location: options.ssoUrl ?? 'https://idp.example.test/sso' },
    ],
    nameIDFormat: [PERSISTENT],
  });
  return {
    entityId,
    keys,
    metadataXml: idp.getMetadata(),
    async response(o) {
      const audience = o.audience ?? AWS_AUDIENCE;
      const recipient = o.recipient ?? AWS_RECIPIENT;
      const signAssertion = o.signAssertion ?? true;
      const signResponse = o.signResponse ?? false;
      const sp = samlify.ServiceProvider({
        entityID: audience,
        wantAssertionsSigned: signAssertion,
        wantMessageSigned: signResponse,
        assertionConsumerService: [{ Binding: POST, Location: recipient }],
      });
      const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
      const end = iso(new Date(o.now.getTime() + (o.lifetimeSeconds ?? 300) * 1000));
      const id = `_${randomUUID()}`;
      const assertionId = o.assertionId ?? `_${randomUUID()}`;
      const attrs = Object.entries(o.attributes ?? {})
        .map(
          ([name, values]) =>
            `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">${values
              .map((v) => `<saml:AttributeValue xsi:type="xs:string">${esc(v)}</saml:AttributeValue>`)
              .join('')}</saml:Attribute>`,
        )
        .join('');
      const session = o.sessionNotOnOrAfter ? ` SessionNotOnOrAfter="${iso(o.sessionNotOnOrAfter)}"` : '';
      const authn = `<saml:AuthnStatement AuthnInstant="${iso(o.now)}" SessionIndex="${assertionId}"${session}><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`;
      const issuer = o.issuer ?? entityId;
      const inResponseTo = o.inResponseTo ? ` InResponseTo="${esc(o.inResponseTo)}"` : '';
      const context =
        `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${iso(o.now)}" Destination="${esc(o.destination ?? recipient)}"${inResponseTo}>` +
        `<saml:Issuer>${esc(issuer)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
        `<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="${assertionId}" Version="2.0" IssueInstant="${iso(o.now)}">` +
        `<saml:Issuer>${esc(issuer)}</saml:Issuer>` +
        `<saml:Subject><saml:NameID Format="${esc(o.nameIdFormat ?? PERSISTENT)}">${esc(o.nameId ?? 'alice@corp.example')}</saml:NameID>` +
        `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${end}" Recipient="${esc(recipient)}"${inResponseTo}/></saml:SubjectConfirmation></saml:Subject>` +
        `<saml:Conditions NotBefore="${iso(new Date(o.now.getTime() - 60_000))}" NotOnOrAfter="${end}"><saml:AudienceRestriction><saml:Audience>${esc(audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
        `${authn}${attrs ? `<saml:AttributeStatement>${attrs}</saml:AttributeStatement>` : ''}</saml:Assertion></samlp:Response>`;
      const out = await idp.createLoginResponse(sp, null, 'post', {}, () => ({ id, context: o.mutate ? o.mutate(context) : context }));
      return out.context;
    },
  };
}

/** base64 ⇄ XML, for building hostile variants of a genuine response. */
export const decodeSaml = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
export const encodeSaml = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
