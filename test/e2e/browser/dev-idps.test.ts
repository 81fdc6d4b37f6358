/**
 * The demo page's development identity providers in a real browser (Debian's chromium driven by
 * playwright-core) against a real `--demo` Tessera: each of the six buttons through its
 * development sign-in page to "<label> — credentials received" and the data step, the OpenID
 * every one also by the basic flow; no token or code verifier ever appears in a URL the browser
 * requested; the sign-in page has no serious accessibility violation; screenshots go to
 * $TMPDIR/tessera-screenshots (the folder pages.test.ts uses).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { type RunningBrowser, SCREENSHOTS, axe, ensureChromium, launchChromium } from '../../helpers/chromium.js';

const missing = ensureChromium();

const BUTTONS = [
  ['google', 'Sign in with Google'],
  ['apple', 'Sign in with Apple'],
  ['facebook', 'Sign in with Facebook'],
  ['amazon', 'Login with Amazon'],
  ['twitter', 'Sign in with Twitter'],
  ['oidc', 'OpenID Connect (OIDC)'],
] as const;

describe('the development identity providers on the demo page in chromium', { skip: missing }, () => {
  let server: TestServer;
  let chrome: RunningBrowser;
  let page: Page;
  const urls: string[] = [];
  const secrets: string[] = [];
  let authenticatedRole: string;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startTestServer({ demo: true });
    const demo = (await (await fetch(`${server.url}/_tessera/demo`)).json()) as { roles: { authenticated: { arn: string } } };
    authenticatedRole = demo.roles.authenticated.arn;
    chrome = await launchChromium();
    page = await chrome.context.newPage();
    page.on('request', (r) => urls.push(r.url()));
    // Every token and secret the providers hand out, to look for in the URLs afterwards.
    page.on('response', (r) => {
      if (!/\/_dev\/\w+\/token$|\/_tessera\/demo\/twitter\/access-token$/.test(new URL(r.url()).pathname)) return;
      void r.json().then((j: Record<string, string>) => {
        for (const k of ['id_token', 'access_token', 'login']) if (typeof j[k] === 'string') secrets.push(...j[k].split(';'));
      }, () => undefined);
    });
    page.on('requestfinished', (r) => {
      const body = r.postData();
      if (body && /code_verifier=/.test(body)) secrets.push(new URLSearchParams(body).get('code_verifier')!);
    });
  });
  after(async () => {
    await chrome?.close();
    await server?.close();
  });

  const ran = async (label: string) => {
    try {
      await page.getByRole('heading', { name: new RegExp(`^${label.replace(/[()]/g, '\\$&')} — credentials received`) }).waitFor({ timeout: 20_000 });
    } catch (err) {
      throw new Error(`${label}: no credentials; the page shows: ${(await page.locator('#result').innerText()).slice(0, 600)}`, { cause: err });
    }
    const data = page.locator('#result table');
    await data.waitFor();
    const text = await data.innerText();
    assert.match(text, /ListObjectsV2[\s\S]*200 OK/);
    assert.match(text, /PutObject[\s\S]*403 AccessDenied/);
    assert.equal(new URL(page.url()).search, '', 'nothing left in the address bar');
  };

  for (const [id, label] of BUTTONS) {
    it(`"${label}" runs through its development sign-in page to credentials and the data step (enhanced flow)`, async () => {
      await page.goto(`${server.url}/`);
      await page.getByRole('button', { name: label, exact: true }).click();
      await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
      assert.match(await page.locator('.dev').innerText(), /Development only/);
      if (id === 'oidc') {
        await page.screenshot({ path: join(SCREENSHOTS, 'dev-idp-sign-in.png'), fullPage: true });
        await page.getByLabel('Name').fill('Dana Example');
        await page.getByLabel('Email').fill('dana@example.com');
        // The keyboard alone: Enter in the email field submits the sign-in.
        await page.getByLabel('Email').press('Enter');
      } else {
        await page.getByRole('button', { name: /^Continue as Alice Example/ }).click();
      }
      await ran(label);
      await page.getByRole('button', { name: 'View detailed API flow' }).click();
      // The server's trace of the run: the provider's token call (Twitter: the demo backend's
      // access-token leg), then GetId and GetCredentialsForIdentity, each answered 200.
      const tokenCall = id === 'twitter' ? 'POST /_tessera/demo/twitter/access-token' : `POST /_dev/${id}/token`;
      assert.match(await page.locator('#api-flow').innerText(), new RegExp(`${tokenCall.replace(/[/]/g, '\\/')}.*HTTP 200[\\s\\S]*GetId \\(cognito-identity\\).*HTTP 200[\\s\\S]*GetCredentialsForIdentity \\(cognito-identity\\).*HTTP 200`));
      // The typed user is the one signed in (Enter submitted the typed fields, not a preset).
      if (id === 'oidc') assert.match((await page.locator('#api-flow').textContent()) ?? '', /dana@example\.com/);
    });
  }

  for (const [, label] of BUTTONS) {
    it(`"${label}" also runs by the basic flow (GetOpenIdToken, AssumeRoleWithWebIdentity with the picked role)`, async () => {
      await page.goto(`${server.url}/`);
      await page.getByRole('tab', { name: 'Basic flow' }).click();
      await page.locator('#basic-role').selectOption(authenticatedRole);
      await page.getByRole('button', { name: label, exact: true }).click();
      await page.getByRole('button', { name: /^Continue as Bob Example/ }).click();
      await ran(label);
      assert.equal(await page.getByRole('tab', { name: 'Basic flow' }).getAttribute('aria-selected'), 'true');
      await page.getByRole('button', { name: 'View detailed API flow' }).click();
      assert.match(await page.locator('#api-flow').innerText(), /GetOpenIdToken[\s\S]*AssumeRoleWithWebIdentity/);
      if (label === 'OpenID Connect (OIDC)') await page.screenshot({ path: join(SCREENSHOTS, 'dev-idp-basic-flow.png'), fullPage: true });
      await page.getByRole('tab', { name: 'Enhanced flow' }).click();
    });
  }

  it('the managed login page of the demo user pool offers the development OpenID Provider, and signing in through it ends in "Cognito user pool — credentials received"', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Cognito user pool', exact: true }).click();
    await page.getByRole('link', { name: 'Sign in with TesseraDevOIDC' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await page.getByLabel('Name').fill('Erin Example');
    await page.getByLabel('Email').fill('erin@example.com');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await ran('Cognito user pool');
    await page.getByRole('button', { name: 'View detailed API flow' }).click();
    // The user pool's ID token names the federated user (email mapped from the development OP).
    assert.match((await page.locator('#api-flow').textContent()) ?? '', /erin@example\.com/);
  });

  it('works from the page opened under another loopback name than the public URL (localhost instead of 127.0.0.1)', async () => {
    const other = server.url.replace('127.0.0.1', 'localhost');
    for (const label of ['Sign in with Google', 'Sign in with Twitter']) {
      await page.goto(`${other}/`);
      await page.getByRole('button', { name: label, exact: true }).click();
      await page.getByRole('button', { name: /^Continue as Alice Example/ }).click();
      await ran(label);
      assert.equal(new URL(page.url()).origin, other);
    }
  });

  it('the development sign-in page has no serious or critical accessibility violation', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Sign in with Google', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    assert.deepEqual(await axe(page), []);
    await page.screenshot({ path: join(SCREENSHOTS, 'dev-idp-sign-in-google.png'), fullPage: true });
  });

  it('no token, access token, Twitter secret or PKCE verifier ever appeared in a URL the browser requested', () => {
    assert.ok(secrets.length >= 7, `tokens seen: ${secrets.length}`);
    assert.ok(urls.length > 0);
    for (const url of urls) {
      const decoded = decodeURIComponent(url);
      for (const secret of secrets) assert.ok(!url.includes(secret) && !decoded.includes(secret), `a token appeared in ${url.slice(0, 80)}…`);
      assert.doesNotMatch(decoded, /[?&](id_token|access_token|code_verifier)=/);
    }
  });
});
