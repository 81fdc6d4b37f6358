/**
 * The development SAML IdP's responses, checked by Tessera's own SAML verifier (src/tokens/saml)
 * against the IdP's own metadata: both the Response and the Assertion signed, times from the
 * injected clock, the AWS attributes, InResponseTo when answering a request, hostile text escaped
 * into values rather than markup, and the same signing key after a restart on the same data dir.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevSamlIdp, type DevSamlIdp } from '../../../src/devidp/saml-idp.js';
import { parseSamlMetadata } from '../../../src/services/iam/saml-metadata.js';
import { samlRoles, samlRoleSessionName, samlSessionDuration, verifySamlResponse } from '../../../src/tokens/saml/index.js';

const PUBLIC_URL = 'http://127.0.0.1:9999';
const ROLE = 'arn:aws:iam::000000000000:role/tessera-demo-authenticated';
const OTHER = 'arn:aws:iam::000000000000:role/tessera-demo-guest';

describe('the development SAML IdP’s responses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-dev-saml-unit-'));
  let clock = new Date('2026-12-07T12:00:00Z');
  let idp: DevSamlIdp;
  const verify = (b64: string, now = clock) => {
    const meta = parseSamlMetadata(idp.metadataXml, now);
    return verifySamlResponse(b64, { entityId: meta.entityId, certificates: meta.signingCertificates }, { audiences: ['urn:amazon:webservices'], recipients: [`${PUBLIC_URL}/saml`], now });
  };

  before(async () => {
    idp = await createDevSamlIdp({ publicUrl: PUBLIC_URL, dataDir: dir, accountId: '000000000000', clock: () => clock });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names its entity, SSO endpoint and provider ARN from the public URL and account', () => {
    assert.equal(idp.entityId, `${PUBLIC_URL}/_dev/saml/metadata`);
    assert.equal(idp.ssoUrl, `${PUBLIC_URL}/_dev/saml/sso`);
    assert.equal(idp.providerArn, 'arn:aws:iam::000000000000:saml-provider/tessera-dev-saml');
    const meta = parseSamlMetadata(idp.metadataXml, clock);
    assert.equal(meta.entityId, idp.entityId);
    assert.equal(meta.singleSignOnRedirectUrl, idp.ssoUrl);
    assert.ok(idp.metadataXml.length >= 1000, 'IAM takes metadata of 1,000 characters or more');
  });

  it('signs the Response and the Assertion so that Tessera’s verifier accepts it, with the AWS attributes', () => {
    const b64 = idp.response({ userName: 'alice', email: 'alice@example.com', roleArns: [ROLE, OTHER] });
    const xml = Buffer.from(b64, 'base64').toString('utf8');
    assert.match(xml, /^<samlp:Response [^>]*><saml:Issuer>[^<]+<\/saml:Issuer><ds:Signature /, 'the Response signature follows its Issuer');
    assert.match(xml, /<saml:Assertion [^>]*><saml:Issuer>[^<]+<\/saml:Issuer><ds:Signature /, 'the Assertion signature follows its Issuer');
    assert.match(xml, /SignatureMethod Algorithm="http:\/\/www\.w3\.org\/2001\/04\/xmldsig-more#rsa-sha256"/);
    const saml = verify(b64);
    assert.equal(saml.issuer, idp.entityId);
    assert.equal(saml.subject, 'alice');
    assert.deepEqual(samlRoles(saml), [
      { roleArn: ROLE, providerArn: idp.providerArn },
      { roleArn: OTHER, providerArn: idp.providerArn },
    ]);
    assert.equal(samlRoleSessionName(saml), 'alice');
    assert.equal(samlSessionDuration(saml), 3600);
    assert.deepEqual(saml.attributes['urn:oid:0.9.2342.19200300.100.1.3'], ['alice@example.com']);
    assert.equal(saml.expiresAt.toISOString(), '2026-12-07T12:05:00.000Z', 'five minutes from the injected clock');
    assert.equal(saml.inResponseTo, undefined);
  });

  it('answers a request with InResponseTo, and each response has its own assertion id', () => {
    const a = verify(idp.response({ userName: 'alice', email: '', roleArns: [ROLE], inResponseTo: '_req-1' }));
    const b = verify(idp.response({ userName: 'alice', email: '', roleArns: [ROLE] }));
    assert.equal(a.inResponseTo, '_req-1');
    assert.notEqual(a.assertionId, b.assertionId);
    assert.equal(a.attributes['urn:oid:0.9.2342.19200300.100.1.3'], undefined, 'no email, no email attribute');
  });

  it('is expired for the verifier once the clock passes its NotOnOrAfter (and the skew)', () => {
    const b64 = idp.response({ userName: 'alice', email: '', roleArns: [ROLE] });
    assert.throws(() => verify(b64, new Date(clock.getTime() + 11 * 60_000)), (e: Error & { kind?: string }) => e.kind === 'ExpiredToken');
  });

  it('escapes hostile text into values, never markup, and refuses a user name AWS would not take', () => {
    const hostile = `x"/><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>evil</saml:AttributeValue></saml:Attribute><x a="`;
    const saml = verify(idp.response({ userName: 'alice', email: hostile, roleArns: [ROLE] }));
    assert.deepEqual(saml.attributes['urn:oid:0.9.2342.19200300.100.1.3'], [hostile]);
    assert.equal(samlRoles(saml).length, 1);
    assert.throws(() => idp.response({ userName: 'a<b>', email: '', roleArns: [] }), /user name/);
  });

  it('keeps its signing key across a restart on the same data dir', async () => {
    clock = new Date('2026-12-08T12:00:00Z');
    const again = await createDevSamlIdp({ publicUrl: PUBLIC_URL, dataDir: dir, accountId: '000000000000', clock: () => clock });
    assert.equal(again.metadataXml, idp.metadataXml);
    assert.equal(again.certificate.thumbprint, idp.certificate.thumbprint);
  });
});
