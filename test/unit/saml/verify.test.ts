/**
 * The SAML Response verifier against a real IdP (samlify, in-process) and the SAML rows of the
 * hostile-input catalogue (security.md §1d, S01–S21): every hostile variant below is made from a
 * genuine signed response, and each is refused with the check that names why. Replay (S16),
 * duration (S19) and role pairing (S20) are properties of AssumeRoleWithSAML and identity pools
 * and are tried there (test/protocol/sts/assume-role-with-saml.test.ts).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { Refusal } from '../../../src/errors/index.js';
import { parseSamlMetadata } from '../../../src/services/iam/saml-metadata.js';
import { verifySamlResponse, samlConditionKeys, samlRoles, type SamlTrust, type SamlVerifyOptions, type VerifiedSaml } from '../../../src/tokens/saml/index.js';
import { AWS_AUDIENCE, AWS_RECIPIENT, decodeSaml, encodeSaml, generateKeyPair, startSamlIdp, type SamlIdp } from '../../helpers/saml-idp.js';

const now = new Date('2026-03-01T12:00:00Z');
let idp: SamlIdp;
let attacker: SamlIdp;
let trust: SamlTrust;

before(async () => {
  idp = await startSamlIdp();
  // Same entity id, its own key: what an attacker can sign.
  attacker = await startSamlIdp({ entityId: idp.entityId, keys: await generateKeyPair('Attacker') });
  const md = parseSamlMetadata(idp.metadataXml, now);
  trust = { entityId: md.entityId, certificates: md.signingCertificates };
});

const options = (o: Partial<SamlVerifyOptions> = {}): SamlVerifyOptions => ({ audiences: [AWS_AUDIENCE], recipients: [AWS_RECIPIENT], now, ...o });
const verify = (b64: string, o: Partial<SamlVerifyOptions> = {}): VerifiedSaml => verifySamlResponse(b64, trust, options(o));

/** Asserts a refusal of this kind whose check starts with `check`. */
function refuses(b64: string, check: string | RegExp, kind = 'InvalidToken', o: Partial<SamlVerifyOptions> = {}): void {
  assert.throws(
    () => verify(b64, o),
    (e: unknown) => {
      assert.ok(e instanceof Refusal, `a Refusal, got ${String(e)}`);
      assert.equal(e.kind, kind, `${e.kind}: ${e.message} (${e.reason.check})`);
      if (typeof check === 'string') assert.equal(e.reason.check, check, e.message);
      else assert.match(e.reason.check, check, e.message);
      return true;
    },
  );
}

const xmlOf = async (o: Parameters<SamlIdp['response']>[0] = { now }) => decodeSaml(await idp.response(o));
const sigOf = (xml: string, from = 0) => {
  const start = xml.indexOf('<ds:Signature', from);
  const end = xml.indexOf('</ds:Signature>', start) + '</ds:Signature>'.length;
  return { start, end, text: xml.slice(start, end) };
};
const assertionOf = (xml: string) => {
  const start = xml.indexOf('<saml:Assertion');
  const end = xml.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length;
  return { start, end, text: xml.slice(start, end) };
};

test('reads issuer, subject, attributes, audience, recipient and expiry from an assertion signed by the IdP', async () => {
  const b64 = await idp.response({ now, nameId: 'alice@corp.example', attributes: { 'https://aws.amazon.com/SAML/Attributes/RoleSessionName': ['alice'] } });
  const v = verify(b64);
  assert.equal(v.issuer, idp.entityId);
  assert.equal(v.subject, 'alice@corp.example');
  assert.equal(v.audience, AWS_AUDIENCE);
  assert.equal(v.recipient, AWS_RECIPIENT);
  assert.deepEqual(v.attributes['https://aws.amazon.com/SAML/Attributes/RoleSessionName'], ['alice']);
  assert.equal(v.expiresAt.toISOString(), '2026-03-01T12:05:00.000Z');
  assert.match(v.assertionId, /^_/);
});

test('accepts a Response signature covering its one assertion as an assertion signature, and both together', async () => {
  assert.equal(verify(await idp.response({ now, signAssertion: false, signResponse: true })).subject, 'alice@corp.example');
  assert.equal(verify(await idp.response({ now, signAssertion: true, signResponse: true })).subject, 'alice@corp.example');
});

test('accepts base64 with line breaks only where asked (the HTTP-POST binding)', async () => {
  const wrapped = (await idp.response({ now })).replace(/(.{76})/g, '$1\r\n');
  refuses(wrapped, 'saml.base64');
  assert.equal(verify(wrapped, { allowLineBreaks: true }).subject, 'alice@corp.example');
});

test('reads the AWS role pairs in either order and derives the SAML condition keys', async () => {
  const role = 'arn:aws:iam::123456789012:role/Dev';
  const provider = 'arn:aws:iam::123456789012:saml-provider/Corp';
  const v = verify(await idp.response({ now, attributes: { 'https://aws.amazon.com/SAML/Attributes/Role': [`${role},${provider}`, `${provider},${role}x`] } }));
  assert.deepEqual(samlRoles(v), [
    { roleArn: role, providerArn: provider },
    { roleArn: `${role}x`, providerArn: provider },
  ]);
  const keys = samlConditionKeys(v, '123456789012', 'Corp');
  assert.equal(keys.aud, AWS_RECIPIENT);
  assert.equal(keys.sub, 'alice@corp.example');
  assert.equal(keys.sub_type, 'persistent');
  assert.equal(keys.iss, idp.entityId);
  assert.equal(keys.doc, '123456789012/Corp');
  assert.match(String(keys.namequalifier), /^[A-Za-z0-9+/]{27}=$/);
});

// ---- S01 signature wrapping ----------------------------------------------------------------

test('S01 XSW: a modified copy of the signed assertion placed before the original is refused', async () => {
  const xml = await xmlOf();
  const a = assertionOf(xml);
  const evil = a.text.replace('alice@corp.example', 'admin@corp.example').replace(/ID="[^"]+"/, 'ID="_evil"');
  refuses(encodeSaml(xml.slice(0, a.start) + evil + xml.slice(a.start)), 'saml.assertion.count');
});

test('S01 XSW: a modified copy placed after the original is refused', async () => {
  const xml = await xmlOf();
  const a = assertionOf(xml);
  const evil = a.text.replace('alice@corp.example', 'admin@corp.example').replace(/ID="[^"]+"/, 'ID="_evil"');
  refuses(encodeSaml(xml.slice(0, a.end) + evil + xml.slice(a.end)), 'saml.assertion.count');
});

test('S01 XSW: the signed original hidden in Extensions under an unsigned evil assertion is refused', async () => {
  const xml = await xmlOf();
  const a = assertionOf(xml);
  const evil = a.text.replace(sigOf(a.text).text, '').replace('alice@corp.example', 'admin@corp.example').replace(/ID="[^"]+"/, 'ID="_evil"');
  const wrapped = `<samlp:Extensions>${a.text}</samlp:Extensions>`;
  refuses(encodeSaml(xml.slice(0, a.start) + wrapped + evil + xml.slice(a.end)), 'saml.assertion.count');
});

test('S01 XSW: the signed original moved into ds:Object of the signature of an evil assertion is refused', async () => {
  const xml = await xmlOf();
  const a = assertionOf(xml);
  const sig = sigOf(a.text);
  const original = a.text;
  const evilSig = sig.text.replace('</ds:Signature>', `<ds:Object>${original}</ds:Object></ds:Signature>`);
  const evil = a.text.replace(sig.text, evilSig).replace('alice@corp.example', 'admin@corp.example');
  refuses(encodeSaml(xml.slice(0, a.start) + evil + xml.slice(a.end)), /^saml\.(assertion\.count|id\.duplicate)$/);
});

test('S01 XSW: an evil assertion carrying the genuine signature (which references the original ID) is refused', async () => {
  const xml = await xmlOf();
  const a = assertionOf(xml);
  const evil = a.text.replace('alice@corp.example', 'admin@corp.example').replace(/ID="[^"]+"/, 'ID="_evil"');
  refuses(encodeSaml(xml.slice(0, a.start) + evil + xml.slice(a.end)), 'saml.signature.reference');
});

test('S01 XSW: a signed Response wrapped inside an evil Response with the same ID is refused', async () => {
  const xml = await xmlOf({ now, signAssertion: false, signResponse: true });
  const body = xml.replace(/^<\?xml[^>]*>/, '');
  const evil = body.replace(sigOf(body).text, '').replace(/alice@corp\.example/g, 'admin@corp.example');
  const wrapped = evil.replace('</samlp:Response>', `<samlp:Extensions>${body}</samlp:Extensions></samlp:Response>`);
  refuses(encodeSaml(wrapped), /^saml\.(assertion\.count|id\.duplicate)$/);
});

test('S01 XSW: an altered NameID under a genuine signature fails the digest', async () => {
  const xml = await xmlOf();
  refuses(encodeSaml(xml.replace('alice@corp.example', 'admin@corp.example')), 'saml.signature');
});

// ---- S02 multiple assertions ---------------------------------------------------------------

test('S02: an unsigned Response with one signed and one unsigned assertion is refused, in either order', async () => {
  const xml = await xmlOf();
  const a = assertionOf(xml);
  const unsigned = a.text.replace(sigOf(a.text).text, '').replace(/ID="[^"]+"/, 'ID="_unsigned"');
  refuses(encodeSaml(xml.slice(0, a.end) + unsigned + xml.slice(a.end)), 'saml.assertion.count');
  refuses(encodeSaml(xml.slice(0, a.start) + unsigned + xml.slice(a.start)), 'saml.assertion.count');
});

test('S02: an unsigned assertion inside a signed Response next to nothing else is read only because the Response signature covers it', async () => {
  // The Response signature covers the whole Response, so its one (unsigned) assertion is covered.
  const xml = await xmlOf({ now, signAssertion: false, signResponse: true });
  assert.equal(verify(encodeSaml(xml)).subject, 'alice@corp.example');
  // An unsigned assertion added to a signed Response breaks both the count and the digest.
  const a = assertionOf(xml);
  const extra = a.text.replace(/ID="[^"]+"/, 'ID="_extra"').replace('alice@corp.example', 'admin@corp.example');
  refuses(encodeSaml(xml.slice(0, a.end) + extra + xml.slice(a.end)), 'saml.assertion.count');
});

// ---- S03 nothing signed --------------------------------------------------------------------

test('S03: a Response where neither the Response nor the assertion is signed is refused', async () => {
  const xml = await xmlOf({ now, signAssertion: true });
  refuses(encodeSaml(xml.replace(sigOf(xml).text, '')), 'saml.signature.missing');
});

test('S03: a Response where only an unrelated element is signed is refused', async () => {
  const xml = await xmlOf();
  const sig = sigOf(xml);
  const moved = xml.replace(sig.text, '').replace('</samlp:Status>', `<samlp:StatusMessage>x</samlp:StatusMessage></samlp:Status>`);
  const withExt = moved.replace('<samlp:Status>', `<samlp:Extensions>${sig.text}</samlp:Extensions><samlp:Status>`);
  refuses(encodeSaml(withExt), 'saml.signature.placement');
});

// ---- S04 signature on the wrong node -------------------------------------------------------

test('S04: a root Signature whose Reference points at the unsigned assertion is refused', async () => {
  const xml = await xmlOf();
  const sig = sigOf(xml);
  const stripped = xml.replace(sig.text, '');
  const rooted = stripped.replace('</saml:Issuer><samlp:Status>', `</saml:Issuer>${sig.text}<samlp:Status>`);
  refuses(encodeSaml(rooted), 'saml.signature.reference');
});

// ---- S05 references ------------------------------------------------------------------------

test('S05: two References in SignedInfo are refused', async () => {
  const xml = await xmlOf();
  const ref = /<ds:Reference [\s\S]*?<\/ds:Reference>/.exec(xml)![0];
  refuses(encodeSaml(xml.replace(ref, ref + ref)), 'saml.signature.reference');
});

test('S05: two SignedInfo elements are refused', async () => {
  const xml = await xmlOf();
  const si = /<ds:SignedInfo>[\s\S]*?<\/ds:SignedInfo>/.exec(xml)![0];
  refuses(encodeSaml(xml.replace(si, si + si)), 'saml.signature.signed-info');
});

test('S05: an assertion signed twice is refused', async () => {
  const xml = await xmlOf();
  const sig = sigOf(xml).text;
  refuses(encodeSaml(xml.replace(sig, sig + sig)), 'saml.signature.placement');
});

test('S05: URI="" , a URI without # and a quoted URI are refused', async () => {
  const xml = await xmlOf();
  const uri = /<ds:Reference URI="([^"]+)"/.exec(xml)![1]!;
  for (const bad of ['', uri.slice(1), `'${uri}'`]) {
    refuses(encodeSaml(xml.replace(`URI="${uri}"`, `URI="${bad}"`)), 'saml.signature.reference');
  }
});

test('S05: a duplicated ID is refused', async () => {
  const xml = await xmlOf();
  const id = /<saml:Assertion [^>]*ID="([^"]+)"/.exec(xml)![1]!;
  refuses(encodeSaml(xml.replace('<samlp:Status>', `<samlp:Extensions><x ID="${id}"/></samlp:Extensions><samlp:Status>`)), 'saml.id.duplicate');
});

// ---- S06 comment / PI in values ------------------------------------------------------------

test('S06: a comment injected into a signed NameID is refused, not read as its first half', async () => {
  // The IdP signed "admin@corp.example.evil.test"; exclusive c14n drops comments, so the digest
  // still matches after the comment is inserted: only the text-node rule stops it.
  const xml = await xmlOf({ now, nameId: 'admin@corp.example.evil.test' });
  refuses(encodeSaml(xml.replace('admin@corp.example.evil.test', 'admin@corp.example<!---->.evil.test')), 'saml.subject.name-id');
});

test('S06: a processing instruction in a NameID is refused', async () => {
  const xml = await xmlOf({ now, nameId: 'admin@corp.example', mutate: (x) => x.replace('>admin@corp.example<', '><?p not-an-?>admin@corp.example<') });
  refuses(encodeSaml(xml), 'saml.subject.name-id');
});

test('S06: a comment inside an attribute value is refused', async () => {
  const xml = await xmlOf({ now, attributes: { mail: ['admin@corp.example.evil.test'] } });
  refuses(encodeSaml(xml.replace('>admin@corp.example.evil.test<', '>admin@corp.example<!---->.evil.test<')), 'saml.attribute');
});

// ---- S07 digest / transforms ---------------------------------------------------------------

test('S07: a comment inside DigestValue is refused', async () => {
  const xml = await xmlOf();
  const dv = /<ds:DigestValue>([^<]+)<\/ds:DigestValue>/.exec(xml)![1]!;
  refuses(encodeSaml(xml.replace(dv, `${dv.slice(0, 4)}<!---->${dv.slice(4)}`)), 'saml.signature.digest');
});

test('S07: #WithComments canonicalization, an XPath transform and three transforms are refused', async () => {
  const xml = await xmlOf();
  const exc = 'http://www.w3.org/2001/10/xml-exc-c14n#';
  const withComments = xml.replace(`<ds:Transform Algorithm="${exc}"/>`, `<ds:Transform Algorithm="${exc}WithComments"/>`);
  refuses(encodeSaml(withComments), 'saml.signature.transforms');
  const xpath = xml.replace('</ds:Transforms>', '<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>1</ds:XPath></ds:Transform></ds:Transforms>');
  refuses(encodeSaml(xpath), 'saml.signature.transforms');
  const three = xml.replace('</ds:Transforms>', `<ds:Transform Algorithm="${exc}"/></ds:Transforms>`);
  refuses(encodeSaml(three), 'saml.signature.transforms');
  const c14n = xml.replace(`<ds:CanonicalizationMethod Algorithm="${exc}"/>`, `<ds:CanonicalizationMethod Algorithm="${exc}WithComments"/>`);
  refuses(encodeSaml(c14n), 'saml.signature.c14n');
});

// ---- S08 KeyInfo trust ---------------------------------------------------------------------

test('S08: a response re-signed by an attacker with the attacker certificate in KeyInfo is refused', async () => {
  const forged = await attacker.response({ now, nameId: 'admin@corp.example' });
  assert.match(decodeSaml(forged), /<ds:X509Certificate>/);
  refuses(forged, 'saml.signature');
});

// ---- S09 weak algorithms -------------------------------------------------------------------

test('S09: rsa-sha1, dsa-sha1 and hmac-sha1 signatures and a SHA-1 digest are refused', async () => {
  const xml = await xmlOf();
  const rsa256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
  for (const weak of ['http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'http://www.w3.org/2000/09/xmldsig#dsa-sha1', 'http://www.w3.org/2000/09/xmldsig#hmac-sha1']) {
    refuses(encodeSaml(xml.replace(rsa256, weak)), 'saml.signature.method');
  }
  refuses(encodeSaml(xml.replace('http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2000/09/xmldsig#sha1')), 'saml.signature.digest');
});

// ---- S10 DOCTYPE / XXE ---------------------------------------------------------------------

test('S10: a DOCTYPE with an external entity, a parameter entity or a billion-laughs entity is refused before parsing', async () => {
  const xml = (await xmlOf()).replace(/^<\?xml[^>]*>/, '');
  const variants = [
    `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${xml.replace('alice@corp.example', '&x;')}`,
    `<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1/x.dtd"> %p;]>${xml}`,
    `<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${xml}`,
    `<!doctype r>${xml}`,
  ];
  for (const v of variants) refuses(encodeSaml(v), 'saml.doctype');
});

// ---- S11 multiple roots --------------------------------------------------------------------

test('S11: two root elements, trailing garbage and a byte order mark are refused', async () => {
  const xml = await xmlOf();
  refuses(encodeSaml(`${xml}<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`), 'saml.xml');
  refuses(encodeSaml(`${xml}garbage`), 'saml.xml');
  refuses(encodeSaml(`\uFEFF${xml}`), 'saml.xml');
  refuses(encodeSaml(xml.slice(0, -5)), 'saml.xml');
});

// ---- S12 parser differential ---------------------------------------------------------------

test('S12: character references and redefined namespace prefixes are read from the one tree the signature was checked on', async () => {
  // The IdP signs a NameID written with a character reference: the value read is the decoded one.
  const xml = await xmlOf({ now, nameId: 'bob', mutate: (x) => x.replace('>bob<', '>&#98;ob<') });
  assert.equal(verify(encodeSaml(xml)).subject, 'bob');
  // A redefined prefix turns the NameID into another element: it is not a NameID any more.
  const redefined = await xmlOf({ now, mutate: (x) => x.replace('<saml:NameID ', '<saml:NameID xmlns:saml="urn:evil" ').replace('</saml:NameID>', '</saml:NameID>') });
  refuses(encodeSaml(redefined), 'saml.subject.name-id');
});

// ---- S13 time bounds -----------------------------------------------------------------------

test('S13: NotOnOrAfter passed (beyond the skew) is refused as expired', async () => {
  const b64 = await idp.response({ now, lifetimeSeconds: 60 });
  refuses(b64, 'saml.time', 'ExpiredToken', { now: new Date(now.getTime() + 60_000 + 300_000) });
  // Within the five minutes of skew it is still accepted.
  assert.ok(verify(b64, { now: new Date(now.getTime() + 60_000 + 299_000) }));
});

test('S13: NotBefore in the future beyond the skew, and a missing NotOnOrAfter, are refused', async () => {
  refuses(await idp.response({ now }), 'saml.time', 'InvalidToken', { now: new Date(now.getTime() - 60_000 - 301_000) });
  const noExpiry = await idp.response({ now, mutate: (x) => x.replace(/(<saml:SubjectConfirmationData) NotOnOrAfter="[^"]+"/, '$1') });
  refuses(noExpiry, 'saml.time');
});

// ---- S14 recipient binding -----------------------------------------------------------------

test('S14: a wrong audience and a missing AudienceRestriction are refused', async () => {
  refuses(await idp.response({ now, audience: 'urn:other:sp' }), 'saml.audience');
  refuses(await idp.response({ now, mutate: (x) => x.replace(/<saml:AudienceRestriction>[\s\S]*?<\/saml:AudienceRestriction>/, '') }), 'saml.audience');
});

test('S14: a wrong Destination is refused', async () => {
  refuses(await idp.response({ now, destination: 'https://other.example/saml' }), 'saml.destination');
});

test('S14: an issuer other than the registered provider is refused', async () => {
  refuses(await idp.response({ now, issuer: 'https://other-idp.example/metadata' }), 'saml.issuer');
});

test('S14: Tessera accepts its own <public-url>/saml as audience and recipient when told so', async () => {
  const own = 'http://127.0.0.1:1/saml';
  const b64 = await idp.response({ now, audience: own, recipient: own });
  refuses(b64, 'saml.destination');
  assert.equal(verify(b64, { audiences: [AWS_AUDIENCE, own], recipients: [AWS_RECIPIENT, own] }).recipient, own);
});

// ---- S15 subject confirmation --------------------------------------------------------------

test('S15: no SubjectConfirmation, two of them, a non-bearer method and an empty one are refused', async () => {
  const sc = /<saml:SubjectConfirmation [\s\S]*?<\/saml:SubjectConfirmation>/;
  refuses(await idp.response({ now, mutate: (x) => x.replace(sc, '') }), 'saml.subject.confirmation');
  refuses(await idp.response({ now, mutate: (x) => x.replace(sc, (m) => m + m) }), 'saml.subject.confirmation');
  refuses(await idp.response({ now, mutate: (x) => x.replace('cm:bearer', 'cm:holder-of-key') }), 'saml.subject.confirmation');
  refuses(await idp.response({ now, mutate: (x) => x.replace(sc, '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"/>') }), 'saml.subject.confirmation');
});

test('S15: a Recipient other than this service is refused', async () => {
  refuses(await idp.response({ now, recipient: 'https://other.example/acs', destination: AWS_RECIPIENT }), 'saml.recipient');
});

// ---- S16 InResponseTo (replay is tried through STS and identity pools) ---------------------

test('S16: an SP-initiated response must answer the request id the caller expects', async () => {
  const b64 = await idp.response({ now, inResponseTo: '_req1' });
  assert.equal(verify(b64, { inResponseTo: '_req1' }).inResponseTo, '_req1');
  refuses(b64, 'saml.in-response-to', 'InvalidToken', { inResponseTo: '_req2' });
  refuses(await idp.response({ now }), 'saml.in-response-to', 'InvalidToken', { inResponseTo: '_req1' });
});

// ---- S17 status ----------------------------------------------------------------------------

test('S17: a status other than Success with an assertion attached is refused', async () => {
  refuses(await idp.response({ now, mutate: (x) => x.replace('status:Success', 'status:Responder') }), 'saml.status');
});

// ---- S18 size / encoding -------------------------------------------------------------------

test('S18: fewer than 4 or more than 100000 characters, non-base64, URL alphabet and whitespace are refused before parsing', async () => {
  refuses('PD8=', 'saml.xml');
  refuses('abc', 'saml.size');
  refuses('A'.repeat(100_004), 'saml.size');
  refuses('PHNhbWxwOlJlc3BvbnNlLz4*', 'saml.base64');
  const b64 = await idp.response({ now });
  refuses(b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), 'saml.base64');
  refuses(` ${b64}`, 'saml.base64');
  refuses(Buffer.from([0xff, 0xfe, 0x3c, 0x61]).toString('base64'), 'saml.encoding');
});

// ---- S21 redirect-binding bomb -------------------------------------------------------------

test('S21: a deflated SAMLResponse (redirect binding) is never inflated: it is refused as not XML', async () => {
  const bomb = deflateRawSync(Buffer.from(`<a>${'x'.repeat(2_000_000)}</a>`)).toString('base64');
  assert.ok(bomb.length < 100_000);
  refuses(bomb, /^saml\.(xml|encoding)$/);
});
