/**
 * User pools federating a SAML IdP (CG:cognito-user-pools-saml-idp): CreateIdentityProvider with
 * ProviderType SAML and a MetadataFile through the unmodified SDK; SP-initiated sign-in from the
 * managed login page's button and from /oauth2/authorize?identity_provider=…, with a real IdP
 * library (samlify, in-process) answering the AuthnRequest; the ACS at
 * /auth/<domain>/saml2/idpresponse; the browser ends at the app's callback with a code whose
 * tokens name the federated user, whose attributes are mapped from the assertion. A response
 * posted twice, answering another request or for another audience is refused (security.md S14,
 * S16).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import {
  AdminLinkProviderForUserCommand,
  CreateIdentityProviderCommand,
  DescribeIdentityProviderCommand,
  UpdateIdentityProviderCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Browser, parseLinks, type Hop } from '../../e2e/oauth2/harness/browser.js';
import { startSamlIdp, type ResponseOptions, type SamlIdp } from '../../helpers/saml-idp.js';
import { APP_CALLBACK, startHostedServer, type AppClient, type HostedServer } from './harness.js';
import { authorizeUrl, callbackParams, tokenRequest } from './flow.js';

const SSO = 'https://idp.example.test/sso';
const EMAIL = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';

describe('user-pool federation with a SAML IdP', () => {
  let s: HostedServer;
  let idp: SamlIdp;
  let poolId: string;
  let client: AppClient;
  const domain = 'corp-saml';

  before(async () => {
    s = await startHostedServer();
    idp = await startSamlIdp({ ssoUrl: SSO });
    poolId = (await s.createPool()).id;
    await s.createDomain(poolId, domain);
    await s.idp.send(
      new CreateIdentityProviderCommand({
        UserPoolId: poolId,
        ProviderName: 'CorpSAML',
        ProviderType: 'SAML',
        ProviderDetails: { MetadataFile: idp.metadataXml },
        AttributeMapping: { email: EMAIL, name: 'displayName' },
      }),
    );
    client = await s.createClient(poolId, { SupportedIdentityProviders: ['COGNITO', 'CorpSAML'], AllowedOAuthFlows: ['code'] });
  });
  after(async () => {
    await s?.close();
  });

  /** The AuthnRequest the browser was sent to the IdP with, and its RelayState. */
  function authnRequest(hop: Hop): { id: string; acs: string; issuer: string; relayState: string } {
    assert.equal(hop.status, 302, hop.body);
    assert.ok(hop.location?.startsWith(`${SSO}?`), `redirect to the IdP, got ${hop.location}`);
    const u = new URL(hop.location!);
    const xml = inflateRawSync(Buffer.from(u.searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
    return {
      id: /\bID="([^"]+)"/.exec(xml)![1]!,
      acs: /AssertionConsumerServiceURL="([^"]+)"/.exec(xml)![1]!,
      issuer: /<saml:Issuer>([^<]+)</.exec(xml)![1]!,
      relayState: u.searchParams.get('RelayState')!,
    };
  }

  /** The IdP signs the user in and the browser posts its Response to the ACS. */
  async function answer(browser: Browser, req: ReturnType<typeof authnRequest>, o: Partial<ResponseOptions> = {}): Promise<Hop> {
    const response = await idp.response({
      now: new Date(),
      audience: req.issuer,
      recipient: req.acs,
      inResponseTo: req.id,
      nameId: 'jo.doe',
      attributes: { [EMAIL]: ['jo@corp.example'], displayName: ['Jo Doe'] },
      ...o,
    });
    return browser.request(req.acs, { form: { SAMLResponse: response, RelayState: req.relayState } });
  }

  it('signs in from the managed login page button through the IdP to the app callback, with mapped attributes', async () => {
    const browser = new Browser();
    const page = await browser.request(authorizeUrl(s.url, domain, { client_id: client.clientId, scope: 'openid email profile', state: 'st-1' }));
    assert.equal(page.status, 200, page.body);
    const button = parseLinks(page.body, page.url).find((l) => l.href.includes('identity_provider=CorpSAML'));
    assert.ok(button, 'the login page offers the SAML IdP');
    const req = authnRequest(await browser.request(button.href));
    assert.equal(req.issuer, `urn:amazon:cognito:sp:${poolId}`);
    assert.equal(req.acs, `${s.url}/auth/${domain}/saml2/idpresponse`);
    const back = await answer(browser, req);
    const params = callbackParams(back);
    assert.equal(params.get('state'), 'st-1');
    const tokens = await tokenRequest(s.url, domain, { grant_type: 'authorization_code', code: params.get('code')!, client_id: client.clientId, redirect_uri: APP_CALLBACK });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    const claims = JSON.parse(Buffer.from(String(tokens.body.id_token).split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    assert.equal(claims['cognito:username'], 'CorpSAML_jo.doe');
    assert.equal(claims.email, 'jo@corp.example');
    const user = await s.describeUser(poolId, 'CorpSAML_jo.doe');
    assert.equal(user?.status, 'EXTERNAL_PROVIDER');
    assert.equal(user?.attributes.email, 'jo@corp.example');
    assert.equal(user?.attributes.name, 'Jo Doe');
  });

  it('goes straight to the IdP with /oauth2/authorize?identity_provider=…, and updates the same user on the next sign-in', async () => {
    const browser = new Browser();
    const req = authnRequest(await browser.request(authorizeUrl(s.url, domain, { client_id: client.clientId, scope: 'openid email', identity_provider: 'CorpSAML' })));
    callbackParams(await answer(browser, req, { attributes: { [EMAIL]: ['jo.new@corp.example'], displayName: ['Jo Doe'] } }));
    assert.equal((await s.describeUser(poolId, 'CorpSAML_jo.doe'))?.attributes.email, 'jo.new@corp.example');
  });

  it('signs a SAML user linked with AdminLinkProviderForUser in as the native user, as for OIDC', async () => {
    await s.createUser(poolId, 'native-kim', 'Passw0rd!Passw0rd', { attributes: { email: 'kim@corp.example' } });
    await s.idp.send(
      new AdminLinkProviderForUserCommand({
        UserPoolId: poolId,
        DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'native-kim' },
        SourceUser: { ProviderName: 'CorpSAML', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'kim.saml' },
      }),
    );
    const browser = new Browser();
    const req = authnRequest(await browser.request(authorizeUrl(s.url, domain, { client_id: client.clientId, scope: 'openid email', identity_provider: 'CorpSAML' })));
    const params = callbackParams(await answer(browser, req, { nameId: 'kim.saml' }));
    const tokens = await tokenRequest(s.url, domain, { grant_type: 'authorization_code', code: params.get('code')!, client_id: client.clientId, redirect_uri: APP_CALLBACK });
    const claims = JSON.parse(Buffer.from(String(tokens.body.id_token).split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    assert.equal(claims['cognito:username'], 'native-kim');
    assert.equal(await s.describeUser(poolId, 'CorpSAML_kim.saml'), undefined);
  });

  it('S16: a response posted a second time finds no transaction and is refused', async () => {
    const browser = new Browser();
    const req = authnRequest(await browser.request(authorizeUrl(s.url, domain, { client_id: client.clientId, scope: 'openid', identity_provider: 'CorpSAML' })));
    const response = await idp.response({ now: new Date(), audience: req.issuer, recipient: req.acs, inResponseTo: req.id, nameId: 'jo.doe' });
    callbackParams(await browser.request(req.acs, { form: { SAMLResponse: response, RelayState: req.relayState } }));
    const replay = await browser.request(req.acs, { form: { SAMLResponse: response, RelayState: req.relayState } });
    assert.equal(replay.status, 400);
    // Unsolicited (IdP-initiated, no RelayState) likewise.
    const unsolicited = await browser.request(req.acs, { form: { SAMLResponse: response } });
    assert.equal(unsolicited.status, 400);
  });

  it('S14/S16: a response answering another request, for another audience or with a wrong destination goes back to the app as invalid_request', async () => {
    for (const o of [{ inResponseTo: '_other' }, { audience: 'urn:amazon:webservices' }, { destination: 'https://elsewhere.example/acs' }] as Array<Partial<ResponseOptions>>) {
      const browser = new Browser();
      const req = authnRequest(await browser.request(authorizeUrl(s.url, domain, { client_id: client.clientId, scope: 'openid', identity_provider: 'CorpSAML', state: 'st-2' })));
      const back = await answer(browser, req, o);
      assert.equal(back.status, 302, back.body);
      const p = new URL(back.location!).searchParams;
      assert.ok(back.location!.startsWith(APP_CALLBACK));
      assert.equal(p.get('error'), 'invalid_request', JSON.stringify(o));
      assert.match(p.get('error_description') ?? '', /CorpSAML Error/);
      assert.equal(p.get('state'), 'st-2');
    }
  });

  it('refuses a MetadataFile that is not usable IdP metadata with InvalidParameterException, storing nothing (create and update)', async () => {
    const bad = [
      '<EntityDescriptor/>',
      'not xml at all',
      idp.metadataXml.replace(/<ds:X509Certificate>[^<]+</g, '<ds:X509Certificate>bm90IGEgY2VydA==<'),
      idp.metadataXml.replace(/<SingleSignOnService[^>]*HTTP-Redirect[^>]*>(<\/SingleSignOnService>)?/, ''),
      `<!DOCTYPE x [<!ENTITY e "e">]>${idp.metadataXml}`,
    ];
    assert.notEqual(bad[2], idp.metadataXml, 'the certificate was replaced');
    assert.notEqual(bad[3], idp.metadataXml, 'the redirect binding was removed');
    for (const file of bad) {
      await assert.rejects(
        s.idp.send(new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'BadSAML', ProviderType: 'SAML', ProviderDetails: { MetadataFile: file } })),
        (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.name === 'InvalidParameterException' && e.$metadata?.httpStatusCode === 400,
      );
      await assert.rejects(s.idp.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'BadSAML' })), { name: 'ResourceNotFoundException' });
      await assert.rejects(
        s.idp.send(new UpdateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'CorpSAML', ProviderDetails: { MetadataFile: file } })),
        (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.name === 'InvalidParameterException' && e.$metadata?.httpStatusCode === 400,
      );
      const kept = (await s.idp.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'CorpSAML' }))).IdentityProvider!;
      assert.equal(kept.ProviderDetails?.MetadataFile, idp.metadataXml);
    }
    // Both sources at once are ambiguous.
    await assert.rejects(
      s.idp.send(
        new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'BadSAML', ProviderType: 'SAML', ProviderDetails: { MetadataFile: idp.metadataXml, MetadataURL: 'https://127.0.0.1:1/m' } }),
      ),
      { name: 'InvalidParameterException' },
    );
  });
});
