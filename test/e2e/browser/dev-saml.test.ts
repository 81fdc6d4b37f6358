/**
 * The demo page's "SAML 2.0" in a real browser (Debian's chromium driven by playwright-core)
 * against a real `tessera serve --demo` world: through the development SAML IdP's sign-in page,
 * its HTTP-POST binding back to the demo's ACS and /demo/callback, to credentials and the data
 * step by the enhanced flow (GetId, GetCredentialsForIdentity) and by the basic flow (STS
 * AssumeRoleWithSAML with the picked role); no SAML response, credential or token in any URL the
 * browser visited; axe-core on the sign-in page; a screenshot of it in $TMPDIR/tessera-screenshots.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { type RunningBrowser, SCREENSHOTS, axe, ensureChromium, launchChromium } from '../../helpers/chromium.js';


const missing = ensureChromium();

interface Demo { roles: { guest: { arn: string }; authenticated: { arn: string } }; saml: { providerArn: string } | null }

describe('the demo’s SAML 2.0 sign-in in chromium', { skip: missing }, () => {
  let server: TestServer;
  let chrome: RunningBrowser;
  let page: Page;
  let demo: Demo;
  const visited: string[] = [];

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startTestServer({ demo: true });
    demo = (await (await fetch(`${server.url}/_tessera/demo`)).json()) as Demo;
    chrome = await launchChromium();
    page = await chrome.context.newPage();
    page.on('request', (r) => visited.push(r.url()));
    page.on('framenavigated', (f) => visited.push(f.url()));
  });
  after(async () => {
    await chrome?.close();
    await server?.close();
  });

  const ran = async (label: string) => {
    await page.getByRole('heading', { name: new RegExp(`^${label} — credentials received`) }).waitFor();
    const data = page.locator('#result table');
    await data.waitFor();
    const text = await data.innerText();
    assert.match(text, /ListObjectsV2[\s\S]*200 OK/);
    assert.match(text, /PutObject[\s\S]*403 AccessDenied/);
  };

  const signInAtTheDevIdp = async (screenshot?: string) => {
    await page.getByRole('button', { name: 'SAML 2.0' }).click();
    await page.getByRole('heading', { name: 'Sign in to the development SAML IdP' }).waitFor();
    assert.match(await page.locator('.dev').innerText(), /Development only/);
    if (screenshot) {
      assert.deepEqual(await axe(page), []);
      await page.screenshot({ path: join(SCREENSHOTS, screenshot), fullPage: true });
    }
    await page.getByLabel(/^User name/).fill('alice');
    await page.getByLabel(/^User name/).press('Enter');
  };

  it('signs in at the development SAML IdP and runs the enhanced flow to credentials and the data step', async () => {
    assert.ok(demo.saml);
    await page.goto(`${server.url}/`);
    await signInAtTheDevIdp('dev-saml-sign-in.png');
    await ran('SAML 2.0');
    assert.equal(new URL(page.url()).pathname, '/');
    await page.getByRole('button', { name: 'View detailed API flow' }).click();
    const flow = (await page.locator('#api-flow').textContent()) ?? '';
    assert.match(flow, /POST \/_tessera\/demo\/saml\/response.*HTTP 200[\s\S]*GetId \(cognito-identity\).*HTTP 200[\s\S]*GetCredentialsForIdentity \(cognito-identity\).*HTTP 200[\s\S]*demo\/data-step.*HTTP 200/);
    assert.match(flow, /"nameId": "alice"/);
    assert.match(flow, /CustomRoleArn/, 'two roles asserted: the page names the authenticated one');
    assert.doesNotMatch(flow, /PHNhbWxw[A-Za-z0-9+/]{40}/, 'the SAML response is shown masked');
  });

  it('runs the basic flow as STS AssumeRoleWithSAML with the role picked in the basic tab', async () => {
    await page.getByRole('tab', { name: 'Basic flow' }).click();
    await page.locator('#basic-role').selectOption(demo.roles.guest.arn);
    await signInAtTheDevIdp();
    await ran('SAML 2.0');
    assert.equal(await page.getByRole('tab', { name: 'Basic flow' }).getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator('#basic-role').inputValue(), demo.roles.guest.arn);
    await page.getByRole('button', { name: 'View detailed API flow' }).click();
    const flow = (await page.locator('#api-flow').textContent()) ?? '';
    assert.match(flow, /AssumeRoleWithSAML[\s\S]*tessera-demo-guest\/alice/);
    assert.doesNotMatch(flow, /GetOpenIdToken/);
    assert.doesNotMatch(flow, /PHNhbWxw[A-Za-z0-9+/]{40}/, 'the SAML response is shown masked');
  });

  it('put no SAML response, credential or token in any URL the browser visited', () => {
    assert.ok(visited.some((u) => u.includes('/_dev/saml/sso')), 'the dev IdP was visited');
    assert.ok(visited.some((u) => u.endsWith('/demo/callback')), 'the callback was visited');
    for (const u of visited) {
      assert.doesNotMatch(u, /SAMLResponse|PHNhbWxw|ASIA[A-Z0-9]{12}|eyJ[\w-]+\.|SessionToken|SecretKey/i, u);
    }
  });
});
