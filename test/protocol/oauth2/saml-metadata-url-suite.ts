/**
 * User-pool SAML identity providers with a MetadataURL (issue 25), run by
 * saml-metadata-url.test.ts in a child process whose NODE_EXTRA_CA_CERTS names the test CA (Node
 * reads it only at start): the metadata is served by a real local HTTPS server (127.0.0.1, port
 * 0) with a certificate from that CA, and Tessera fetches it through its ordinary trust (system
 * CAs plus NODE_EXTRA_CA_CERTS). CreateIdentityProvider / UpdateIdentityProvider go through the
 * unmodified SDK; the IdP is samlify in-process; sign-in goes through the hosted login to the
 * app's callback. Metadata that cannot be fetched or parsed is InvalidParameterException and
 * nothing is stored.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { inflateRawSync } from 'node:zlib';
import { CreateIdentityProviderCommand, DescribeIdentityProviderCommand, UpdateIdentityProviderCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Browser, type Hop } from '../../e2e/oauth2/harness/browser.js';
import { readTls } from '../../e2e/oauth2/harness/tls.js';
import { freeLoopbackPort } from '../../helpers/server.js';
import { startSamlIdp, type SamlIdp } from '../../helpers/saml-idp.js';
import { APP_CALLBACK, startHostedServer, type AppClient, type HostedServer } from './harness.js';
import { authorizeUrl, callbackParams, tokenRequest } from './flow.js';

const SSO = 'https://idp.example.test/sso';
const EMAIL = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';

const tlsDir = process.env.TESSERA_SAML_TLS_DIR;

function invalidParameter(e: Error & { $metadata?: { httpStatusCode?: number } }): boolean {
  assert.equal(e.name, 'InvalidParameterException', e.message);
  assert.equal(e.$metadata?.httpStatusCode, 400);
  return true;
}

describe('user-pool SAML providers with a MetadataURL', { skip: tlsDir ? false : 'run by saml-metadata-url.test.ts (needs NODE_EXTRA_CA_CERTS)' }, () => {
  let s: HostedServer;
  let idp: SamlIdp;
  let rotated: SamlIdp;
  let metadataServer: Server;
  let base: string;
  let poolId: string;
  let client: AppClient;
  /** Set to a status to make /metadata fail. */
  let failWith: number | undefined;
  const domain = 'corp-saml-url';

  before(async () => {
    s = await startHostedServer();
    idp = await startSamlIdp({ ssoUrl: SSO });
    rotated = await startSamlIdp({ ssoUrl: SSO });
    const tls = readTls(tlsDir!);
    metadataServer = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
      const path = req.url ?? '/';
      if (path === '/metadata' && failWith === undefined) {
        res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(idp.metadataXml);
      } else if (path === '/rotated') {
        res.writeHead(200, { 'content-type': 'application/xml' }).end(rotated.metadataXml);
      } else if (path === '/page') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>');
      } else if (path === '/big') {
        res.writeHead(200, { 'content-type': 'application/xml' }).end(`<x>${'a'.repeat(2 * 1024 * 1024)}</x>`);
      } else if (path === '/moved') {
        res.writeHead(302, { location: `${base}/metadata` }).end();
      } else {
        res.writeHead(failWith ?? 404).end();
      }
    });
    await new Promise<void>((resolve) => metadataServer.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(metadataServer.address() as AddressInfo).port}`;
    poolId = (await s.createPool()).id;
    await s.createDomain(poolId, domain);
  });
  after(async () => {
    await s?.close();
    metadataServer?.closeAllConnections();
    await new Promise<void>((resolve) => (metadataServer ? metadataServer.close(() => resolve()) : resolve()));
  });

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

  /** Hosted sign-in through `signer` to the app callback; returns the callback hop. */
  async function signIn(signer: SamlIdp, nameId: string): Promise<Hop> {
    const browser = new Browser();
    const req = authnRequest(await browser.request(authorizeUrl(s.url, domain, { client_id: client.clientId, scope: 'openid email', identity_provider: 'UrlSAML', state: 'st-u' })));
    const response = await signer.response({ now: new Date(), audience: req.issuer, recipient: req.acs, inResponseTo: req.id, nameId, attributes: { [EMAIL]: [`${nameId}@corp.example`] } });
    return browser.request(req.acs, { form: { SAMLResponse: response, RelayState: req.relayState } });
  }

  async function describe(name: string) {
    return (await s.idp.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: name }))).IdentityProvider!;
  }

  it('refuses a MetadataURL that is unreachable, not https, not metadata, redirected, too large or failing with InvalidParameterException, storing nothing', async () => {
    const closedPort = await freeLoopbackPort();
    const refused: Array<[string, RegExp]> = [
      [`https://127.0.0.1:${closedPort}/metadata`, /Unable to retrieve metadata/],
      [`http://127.0.0.1:${(metadataServer.address() as AddressInfo).port}/metadata`, /https/],
      ['not a url', /not a valid URL/],
      [`${base}/page`, /Invalid SAML metadata/],
      [`${base}/missing`, /Non-ok status code 404/],
      [`${base}/moved`, /Non-ok status code 302/],
      [`${base}/big`, /Unable to retrieve metadata/],
    ];
    for (const [url, message] of refused) {
      await assert.rejects(
        s.idp.send(new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'UrlSAML', ProviderType: 'SAML', ProviderDetails: { MetadataURL: url } })),
        (e: Error & { $metadata?: { httpStatusCode?: number } }) => invalidParameter(e) && (assert.match(e.message, message, url), true),
      );
      await assert.rejects(s.idp.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'UrlSAML' })), { name: 'ResourceNotFoundException' });
    }
  });

  it('fetches the metadata at CreateIdentityProvider and signs in through the hosted login to the callback, also while the URL is down', async () => {
    const created = await s.idp.send(
      new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'UrlSAML', ProviderType: 'SAML', ProviderDetails: { MetadataURL: `${base}/metadata` }, AttributeMapping: { email: EMAIL } }),
    );
    assert.deepEqual(created.IdentityProvider?.ProviderDetails, { MetadataURL: `${base}/metadata` });
    client = await s.createClient(poolId, { SupportedIdentityProviders: ['COGNITO', 'UrlSAML'], AllowedOAuthFlows: ['code'] });

    failWith = 503; // sign-in reads the stored document, never the URL
    try {
      const back = await signIn(idp, 'ann');
      const params = callbackParams(back);
      assert.ok(back.location!.startsWith(APP_CALLBACK));
      assert.equal(params.get('state'), 'st-u');
      const tokens = await tokenRequest(s.url, domain, { grant_type: 'authorization_code', code: params.get('code')!, client_id: client.clientId, redirect_uri: APP_CALLBACK });
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      const claims = JSON.parse(Buffer.from(String(tokens.body.id_token).split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      assert.equal(claims['cognito:username'], 'UrlSAML_ann');
      assert.equal(claims.email, 'ann@corp.example');

      // An update that re-fetches while the URL fails is refused and changes nothing.
      await assert.rejects(
        s.idp.send(new UpdateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'UrlSAML', ProviderDetails: { MetadataURL: `${base}/metadata` } })),
        (e: Error & { $metadata?: { httpStatusCode?: number } }) => invalidParameter(e) && (assert.match(e.message, /Non-ok status code 503/), true),
      );
      callbackParams(await signIn(idp, 'ann'));
    } finally {
      failWith = undefined;
    }
  });

  it('re-fetches at UpdateIdentityProvider: new metadata (rotated signing key) replaces the stored document; refused updates keep it', async () => {
    for (const url of [`${base}/page`, `https://127.0.0.1:${await freeLoopbackPort()}/x`, 'http://127.0.0.1/metadata']) {
      await assert.rejects(s.idp.send(new UpdateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'UrlSAML', ProviderDetails: { MetadataURL: url } })), invalidParameter);
      assert.equal((await describe('UrlSAML')).ProviderDetails?.MetadataURL, `${base}/metadata`);
    }
    callbackParams(await signIn(idp, 'ann'));

    const updated = await s.idp.send(new UpdateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'UrlSAML', ProviderDetails: { MetadataURL: `${base}/rotated` } }));
    assert.equal(updated.IdentityProvider?.ProviderDetails?.MetadataURL, `${base}/rotated`);
    callbackParams(await signIn(rotated, 'bea'));
    // The old key no longer signs for this provider: the app gets an error, not a code.
    const old = await signIn(idp, 'ann');
    assert.equal(old.status, 302, old.body);
    assert.equal(new URL(old.location!).searchParams.get('error'), 'invalid_request');

    // From URL to file and back: the new source replaces the old one.
    const toFile = await s.idp.send(new UpdateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'UrlSAML', ProviderDetails: { MetadataFile: idp.metadataXml } }));
    assert.deepEqual(toFile.IdentityProvider?.ProviderDetails, { MetadataFile: idp.metadataXml });
    callbackParams(await signIn(idp, 'ann'));
    const toUrl = await s.idp.send(new UpdateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'UrlSAML', ProviderDetails: { MetadataURL: `${base}/rotated` } }));
    assert.deepEqual(toUrl.IdentityProvider?.ProviderDetails, { MetadataURL: `${base}/rotated` });
    callbackParams(await signIn(rotated, 'bea'));
  });
});
