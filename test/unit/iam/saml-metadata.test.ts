import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { isServiceError } from '../../../src/errors/index.js';
import { parseSamlMetadata } from '../../../src/services/iam/saml-metadata.js';
import { generateCertificateBase64, metadataXml } from './saml-fixture.js';

const now = new Date('2025-03-01T12:00:00Z');
let cert = '';

before(async () => {
  cert = await generateCertificateBase64();
});

function rejects(xml: string, pattern: RegExp): void {
  assert.throws(
    () => parseSamlMetadata(xml, now),
    (e: unknown) => isServiceError(e) && e.code === 'InvalidInput' && pattern.test(e.message),
  );
}

test('extracts the entity id and the signing certificate as PEM that node:crypto parses', () => {
  const md = parseSamlMetadata(metadataXml({ certBase64: cert, entityId: 'urn:idp:one' }), now);
  assert.equal(md.entityId, 'urn:idp:one');
  assert.equal(md.signingCertificates.length, 1);
  const parsed = new X509Certificate(md.signingCertificates[0]);
  assert.match(parsed.subject, /CN=Test IdP/);
  assert.deepEqual(parsed.raw, Buffer.from(cert, 'base64'));
});

test('takes ValidUntil from the validUntil attribute of the EntityDescriptor', () => {
  const md = parseSamlMetadata(metadataXml({ certBase64: cert, validUntil: '2031-06-30T08:00:00Z' }), now);
  assert.equal(md.validUntil.toISOString(), '2031-06-30T08:00:00.000Z');
});

test('defaults ValidUntil to one hundred years after now without a validUntil attribute', () => {
  const md = parseSamlMetadata(metadataXml({ certBase64: cert }), now);
  assert.equal(md.validUntil.toISOString(), '2125-03-01T12:00:00.000Z');
});

test('treats a KeyDescriptor without use as a signing key', () => {
  const md = parseSamlMetadata(metadataXml({ certBase64: cert, use: null }), now);
  assert.equal(md.signingCertificates.length, 1);
});

test('rejects metadata carrying a DOCTYPE before building a DOM (XXE, security.md S10)', () => {
  rejects(metadataXml({ certBase64: cert, prolog: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' }), /DOCTYPE/);
});

test('rejects metadata whose only key is an encryption key', () => {
  rejects(metadataXml({ certBase64: cert, use: 'encryption' }), /no signing X509Certificate/);
});

test('rejects metadata without an IDPSSODescriptor', () => {
  rejects(metadataXml({ certBase64: cert, sp: true }), /no IDPSSODescriptor/);
});

test('rejects a signing certificate that is base64 but not X.509', () => {
  rejects(metadataXml({ certBase64: Buffer.from('not a certificate at all').toString('base64') }), /not a valid X\.509/);
});

test('rejects a root element other than md:EntityDescriptor', () => {
  rejects('<EntityDescriptor entityID="x"><IDPSSODescriptor/></EntityDescriptor>', /root element must be an EntityDescriptor/);
});

test('rejects XML that is not well-formed', () => {
  rejects(metadataXml({ certBase64: cert }).replace('</md:EntityDescriptor>', ''), /not well-formed/);
});

test('rejects a second root element (security.md S11)', () => {
  rejects(metadataXml({ certBase64: cert }) + '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>', /not well-formed|exactly one root/);
});

test('rejects a validUntil that is not an xsd:dateTime with a zone', () => {
  rejects(metadataXml({ certBase64: cert, validUntil: 'next tuesday' }), /validUntil/);
  rejects(metadataXml({ certBase64: cert, validUntil: '2031-06-30T08:00:00' }), /validUntil/);
});

test('rejects an EntityDescriptor without entityID', () => {
  rejects(metadataXml({ certBase64: cert, entityId: '' }), /entityID/);
});
