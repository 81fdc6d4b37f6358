/**
 * The demo traces' masking (src/demo/trace-mask.ts): secrets leave nothing of themselves, tokens
 * at most 6 + 4 characters, JWTs are shown decoded (never their signature), SAML responses as
 * their key facts (never signature or certificate values), URLs with secret query values masked.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSaml, maskToken, maskUrl, maskValue } from '../../../src/demo/trace-mask.js';

const b64u = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const SIGNATURE = 'c2lnbmF0dXJlLWJ5dGVzLXRoYXQtbXVzdC1uZXZlci1zaG93';
const jwt = `${b64u({ alg: 'RS256', kid: 'k1' })}.${b64u({ iss: 'https://issuer.test', sub: 'user-1', aud: 'app' })}.${SIGNATURE}`;

const SAML = `<?xml version="1.0"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" ID="_r1" Version="2.0" IssueInstant="2026-12-07T10:00:00Z" Destination="https://signin.aws.amazon.com/saml">
  <saml:Issuer>https://idp.example.test/metadata</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
  <saml:Assertion ID="_a1" Version="2.0" IssueInstant="2026-12-07T10:00:00Z">
    <saml:Issuer>https://idp.example.test/metadata</saml:Issuer>
    <ds:Signature><ds:SignedInfo/><ds:SignatureValue>U0lHTkFUVVJFVkFMVUVTRUNSRVQ=</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>TUlJQ0VSVElGSUNBVEU=</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">alice</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData Recipient="https://signin.aws.amazon.com/saml" NotOnOrAfter="2026-12-07T10:05:00Z"/></saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="2026-12-07T09:59:00Z" NotOnOrAfter="2026-12-07T10:05:00Z"><saml:AudienceRestriction><saml:Audience>urn:amazon:webservices</saml:Audience></saml:AudienceRestriction></saml:Conditions>
    <saml:AttributeStatement>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>alice</saml:AttributeValue></saml:Attribute>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>arn:aws:iam::000000000000:role/r,arn:aws:iam::000000000000:saml-provider/p</saml:AttributeValue></saml:Attribute>
    </saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>`;

describe('demo trace masking', () => {
  it('masks secrets without keeping anything of them, and tokens to at most 6 + 4 characters', () => {
    const out = maskValue({
      Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', SessionToken: 'T'.repeat(30) + 'session-token-secret-part' + 'Z'.repeat(30) },
      AuthParameters: { USERNAME: 'demo', PASSWORD: 'Demo-Passw0rd!', SECRET_HASH: 'abc' },
      client_secret: 'cs',
      code: 'auth-code-1234567890',
      code_verifier: 'v'.repeat(48),
      refresh_token: 'short',
      nested: [{ Password: { any: 'thing' } }],
    }) as any;
    assert.equal(out.Credentials.AccessKeyId, 'ASIAEXAMPLE');
    assert.equal(out.Credentials.SecretKey, '****** (40 chars)');
    assert.equal(out.Credentials.SessionToken, 'TTTTTT…ZZZZ (85 chars)');
    assert.deepEqual(out.AuthParameters, { USERNAME: 'demo', PASSWORD: '****** (14 chars)', SECRET_HASH: '****** (3 chars)' });
    assert.equal(out.client_secret, '****** (2 chars)');
    assert.equal(out.code, '****** (20 chars)');
    assert.equal(out.code_verifier, '****** (48 chars)');
    assert.equal(out.refresh_token, '****** (5 chars)', 'a short token shows nothing');
    assert.equal(out.nested[0].Password, '****** (masked)');
    assert.ok(!JSON.stringify(out).includes('session-token-secret-part'));
  });

  it('keeps nothing of the secret half of a token;secret pair (Twitter logins), in Logins and in the demo backend\'s answer', () => {
    const token = '1234567890-AbCdEfGhIjKlMnOpQrStUvWxYz0123';
    const secret = 'SeCrEtSeCrEtSeCrEtSeCrEtSeCrEtSeCrEt9876';
    const masked = JSON.stringify(maskValue({ Logins: { 'api.twitter.com': `${token};${secret}` }, login: `${token};${secret}` }));
    assert.ok(!masked.includes(secret.slice(-4)) && !masked.includes(secret.slice(0, 6)), masked);
    assert.equal(maskToken(`${token};${secret}`), `123456…0123 (${token.length} chars);****** (${secret.length} chars)`);
  });

  it('shows JWTs decoded beside their mask, wherever they are, and never their signature', () => {
    const out = maskValue({ Token: jwt, Logins: { 'issuer.test': jwt, 'login.dev': 'user-7' }, anything: jwt, message: `refused ${jwt} because` }) as any;
    for (const v of [out.Token, out.Logins['issuer.test'], out.anything]) {
      assert.deepEqual(v.jwt, { header: { alg: 'RS256', kid: 'k1' }, claims: { iss: 'https://issuer.test', sub: 'user-1', aud: 'app' } });
      assert.equal(v.masked, maskToken(jwt));
    }
    assert.equal(out.Logins['login.dev'], '****** (6 chars)');
    assert.equal(out.message, `refused ${maskToken(jwt)} because`);
    assert.ok(!JSON.stringify(out).includes(SIGNATURE.slice(0, 12)));
  });

  it('shows a SAML response as its key facts, without signature or certificate values', () => {
    const encoded = Buffer.from(SAML).toString('base64');
    const facts = decodeSaml(encoded)!;
    assert.equal(facts.issuer, 'https://idp.example.test/metadata');
    assert.deepEqual(facts.subject, { nameId: 'alice', format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent' });
    assert.deepEqual(facts.audience, ['urn:amazon:webservices']);
    assert.deepEqual(facts.conditions, { notBefore: '2026-12-07T09:59:00Z', notOnOrAfter: '2026-12-07T10:05:00Z' });
    assert.deepEqual(facts.attributes, {
      'https://aws.amazon.com/SAML/Attributes/RoleSessionName': ['alice'],
      'https://aws.amazon.com/SAML/Attributes/Role': ['arn:aws:iam::000000000000:role/r,arn:aws:iam::000000000000:saml-provider/p'],
    });
    assert.equal(facts.signatures, 1);
    const out = maskValue({ SAMLResponse: encoded, SAMLAssertion: encoded, RelayState: '/demo' }) as any;
    assert.equal(out.SAMLResponse.saml.issuer, 'https://idp.example.test/metadata');
    assert.equal(out.SAMLAssertion.saml.status, 'urn:oasis:names:tc:SAML:2.0:status:Success');
    assert.equal(out.RelayState, '/demo');
    const text = JSON.stringify(out);
    assert.ok(!text.includes('U0lHTkFUVVJFVkFMVUVTRUNSRVQ') && !text.includes('TUlJQ0VSVElGSUNBVEU') && !text.includes(encoded.slice(10, 40)));
    assert.equal(decodeSaml(Buffer.from('<!DOCTYPE x><Response/>').toString('base64')), undefined, 'a DOCTYPE is never parsed');
  });

  it('masks secret query parameters of URLs', () => {
    assert.equal(
      maskUrl('https://graph.facebook.test/debug_token?input_token=EAAGm0PX4ZCpsBAKZCZCZCZBZAexample&access_token=123%7Csecret-app-token&fields=id'),
      'https://graph.facebook.test/debug_token?input_token=****** (33 chars)&access_token=****** (20 chars)&fields=id',
    );
    assert.equal(maskUrl('/demo/callback?code=abc123&state=xyz'), '/demo/callback?code=****** (6 chars)&state=xyz');
    assert.equal(maskUrl('https://issuer.test/jwks'), 'https://issuer.test/jwks');
  });
});
