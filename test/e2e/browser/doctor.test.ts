/**
 * The token doctor page in a real browser (Debian's chromium driven by playwright-core) against a
 * real `tessera serve --demo` world, for the targets beyond identity pools: a role
 * (AssumeRoleWithWebIdentity, with an IAM OIDC provider for a real issuer over TLS) and a
 * user-pool app client (the demo user's tokens), each picked with the keyboard, a good token
 * accepted and bad ones explained by the right check; axe-core on the page with each target's
 * form and verdict at 1280 px and 390 px; screenshots in $TMPDIR/tessera-screenshots.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { startIssuer, type TestIssuer } from '../../helpers/issuer.js';
import { type RunningBrowser, SCREENSHOTS, axe, ensureChromium, launchChromium } from '../../helpers/chromium.js';

const missing = ensureChromium();

interface Demo { clientId: string; username: string; password: string }

describe('the token doctor page for roles and user-pool clients, in chromium', { skip: missing }, () => {
  let server: TestServer;
  let issuer: TestIssuer;
  let chrome: RunningBrowser;
  let page: Page;
  let demo: Demo;
  let roleArn: string;
  let userPoolId: string;
  let tokens: { IdToken: string; AccessToken: string };

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startTestServer({ demo: true });
    demo = (await (await fetch(`${server.url}/_tessera/demo`)).json()) as Demo;
    issuer = await startIssuer();
    const iam = new IAMClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials });
    const providerArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ['my-app'], ThumbprintList: [issuer.thumbprint] }))).OpenIDConnectProviderArn!;
    const trust = { Version: '2012-10-17', Statement: [{ Sid: 'AliceOnly', Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${issuer.url.replace('https://', '')}:sub`]: 'alice' } } }] };
    roleArn = (await iam.send(new CreateRoleCommand({ RoleName: 'browser-doctor', AssumeRolePolicyDocument: JSON.stringify(trust) }))).Role!.Arn!;
    iam.destroy();
    const idp = new CognitoIdentityProviderClient({ endpoint: server.url, region: server.region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const auth = await idp.send(new InitiateAuthCommand({ ClientId: demo.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: demo.username, PASSWORD: demo.password } }));
    idp.destroy();
    tokens = { IdToken: auth.AuthenticationResult!.IdToken!, AccessToken: auth.AuthenticationResult!.AccessToken! };
    userPoolId = (JSON.parse(Buffer.from(tokens.IdToken.split('.')[1]!, 'base64url').toString()) as { iss: string }).iss.split('/').pop()!;
    chrome = await launchChromium();
    page = await chrome.context.newPage();
    await page.goto(`${server.url}/doctor`);
    await page.getByLabel('Access key id').fill(server.rootCredentials.accessKeyId);
    await page.getByLabel('Secret access key').fill(server.rootCredentials.secretAccessKey);
    await page.getByRole('button', { name: 'Use these credentials' }).click();
  });
  after(async () => {
    await chrome?.close();
    await server?.close();
    await issuer?.close();
  });

  const explain = async (token: string) => {
    await page.getByLabel('Token (a JWT, a SAML response or a provider access token)').fill(token);
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.locator('#verdict').waitFor();
    const verdict = await page.locator('#verdict').innerText();
    const failed = await page.locator('tr[data-status=fail]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-check')));
    return { verdict, failed };
  };
  const clear = () => page.evaluate(`document.getElementById('verdict')?.remove()`);
  const broken = (jwt: string) => {
    const [h, p, s] = jwt.split('.') as [string, string, string];
    const sig = Buffer.from(s, 'base64url');
    sig[7] = sig[7]! ^ 0xff;
    return [h, p, sig.toString('base64url')].join('.');
  };

  it('picks a role with the keyboard, accepts a good ID token and explains a foreign audience, a broken signature and a trust condition', async () => {
    // The target radios are one keyboard group: from "Identity pool", the arrow key moves to "Role".
    await page.getByLabel('Identity pool (GetCredentialsForIdentity)').focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getByLabel(/^Role \(STS/).isChecked(), true);
    assert.equal(await page.evaluate(`document.activeElement.id`), 'target-role');
    await page.locator(`#role option[value="${roleArn}"]`).waitFor({ state: 'attached' });
    await page.getByLabel('Role', { exact: true }).selectOption(roleArn);
    const good = issuer.sign(issuer.claims({ sub: 'alice', aud: 'my-app' }));
    const accepted = await explain(good);
    assert.match(accepted.verdict, /^Accepted: a session of arn:aws:iam::\d{12}:role\/browser-doctor for 3600 seconds/);
    assert.deepEqual(accepted.failed, []);
    assert.match(await page.locator('tr[data-check="trust.sts:AssumeRoleWithWebIdentity"]').innerText(), /AliceOnly/);
    await page.screenshot({ path: join(SCREENSHOTS, 'doctor-role.png'), fullPage: true });
    const cases: Array<[string, string]> = [
      [issuer.sign(issuer.claims({ sub: 'alice', aud: 'other-app' })), 'token.audience'],
      [broken(good), 'token.signature'],
      [issuer.sign(issuer.claims({ sub: 'mallory', aud: 'my-app' })), 'trust.sts:AssumeRoleWithWebIdentity'],
    ];
    for (const [token, check] of cases) {
      await clear();
      const r = await explain(token);
      assert.match(r.verdict, /^Refused: (InvalidIdentityToken|AccessDenied)/, check);
      assert.deepEqual(r.failed, [check]);
    }
  });

  it('picks a user pool and app client, accepts its ID and access tokens and explains a broken signature and a token that is not a JWT', async () => {
    await clear();
    await page.getByLabel(/^User-pool app client/).check();
    await page.locator(`#user-pool option[value="${userPoolId}"]`).waitFor({ state: 'attached' });
    await page.getByLabel('User pool', { exact: true }).selectOption(userPoolId);
    await page.locator(`#user-pool-client option[value="${demo.clientId}"]`).waitFor({ state: 'attached' });
    await page.getByLabel('App client', { exact: true }).selectOption(demo.clientId);
    const id = await explain(tokens.IdToken);
    assert.match(id.verdict, new RegExp(`^Accepted: a valid id token of user ${demo.username}`));
    await page.screenshot({ path: join(SCREENSHOTS, 'doctor-user-pool-client.png'), fullPage: true });
    await clear();
    assert.match((await explain(tokens.AccessToken)).verdict, /^Accepted: a valid access token/);
    for (const [token, check] of [[broken(tokens.AccessToken), 'token.signature'], ['not-a-token', 'token.format']] as const) {
      await clear();
      const r = await explain(token);
      assert.match(r.verdict, /^Refused: NotAuthorizedException/, check);
      assert.deepEqual(r.failed, [check]);
    }
  });

  it('shows a refused request (an app client of another pool) as an alert', async () => {
    await page.evaluate(`(() => { const s = document.getElementById('user-pool-client'); s.append(new Option('ghost', 'ghostclient1')); s.value = 'ghostclient1'; })()`);
    await page.getByLabel('Token (a JWT, a SAML response or a provider access token)').fill(tokens.IdToken);
    await page.getByRole('button', { name: 'Explain' }).click();
    assert.match(await page.getByRole('alert').innerText(), /ResourceNotFoundException/);
  });

  it('axe-core finds no serious or critical violation with either target and its verdict at 1280 px and 390 px', async () => {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const target of [/^Role \(STS/, /^User-pool app client/]) {
        await page.getByLabel(target).check();
        if (String(target).includes('Role')) {
          await page.locator(`#role option[value="${roleArn}"]`).waitFor({ state: 'attached' });
          await page.getByLabel('Role', { exact: true }).selectOption(roleArn);
          await explain(issuer.sign(issuer.claims({ sub: 'alice', aud: 'other-app' })));
        } else {
          await page.locator(`#user-pool-client option[value="${demo.clientId}"]`).waitFor({ state: 'attached' });
          await explain(tokens.IdToken);
        }
        assert.deepEqual(await axe(page), [], `${target} at ${width} px`);
        // Focus is visible: tabbing from the token to the Explain button draws an outline.
        await page.getByLabel('Token (a JWT, a SAML response or a provider access token)').focus();
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(`document.activeElement.textContent`), 'Explain');
        assert.notEqual(await page.evaluate(`getComputedStyle(document.activeElement).outlineStyle`), 'none');
        if (width === 390) await page.screenshot({ path: join(SCREENSHOTS, `doctor-${String(target).includes('Role') ? 'role' : 'user-pool-client'}-390.png`), fullPage: true });
        await clear();
      }
    }
  });
});
