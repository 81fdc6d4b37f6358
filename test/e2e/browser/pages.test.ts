/**
 * The web pages in a real browser (Debian's chromium driven by playwright-core) against a real
 * `tessera serve --demo` world: every available demo flow to its credentials and data step, the
 * token doctor on a good token and five bad ones, a console create-edit-delete round trip for an
 * identity pool, a role and a user, axe-core on every page at 1280 px and 390 px, and a
 * screenshot of each page in $TMPDIR/tessera-screenshots (os.tmpdir()). Page weights and the
 * time to interactive are reported as diagnostics, not asserted.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoIdentityClient, GetIdentityPoolRolesCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { type RunningBrowser, SCREENSHOTS, axe, ensureChromium, launchChromium, weigh } from '../../helpers/chromium.js';


const missing = ensureChromium();

interface Demo { identityPoolId: string; clientId: string; username: string; password: string; userPoolProviderName: string; roles: { guest: { arn: string }; authenticated: { arn: string } } }

describe('the web pages in chromium', { skip: missing }, () => {
  let server: TestServer;
  let chrome: RunningBrowser;
  let page: Page;
  let demo: Demo;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startTestServer({ demo: true });
    demo = (await (await fetch(`${server.url}/_tessera/demo`)).json()) as Demo;
    chrome = await launchChromium();
    page = await chrome.context.newPage();
    page.on('dialog', (d) => void d.accept());
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
    assert.match(text, /ListObjectsV2[\s\S]*200 OK\s+Allowed: statement "\w+" of identity policy demo-data allows s3:ListBucket/);
    // The denied call names what decided: no Allow statement of the role's policies matches it.
    assert.match(text, /PutObject[\s\S]*403 AccessDenied\s+Denied \(no Allow applies\): no statement allows s3:PutObject on arn:aws:s3:::tessera-demo\/public\/from-the-demo\.txt; no statement of identity policy demo-data/);
  };
  /** The detailed API flow, opened: the server's trace of the run (its text, collapsed details included). */
  const flow = async () => {
    await page.getByRole('button', { name: 'View detailed API flow' }).click();
    return (await page.locator('#api-flow').textContent()) ?? '';
  };

  it('runs guest access by the enhanced flow to credentials and the data step, and shows the credentials and the API flow', async (t) => {
    const w = await weigh(page, `${server.url}/`, '#test-guest');
    t.diagnostic(`demo page: ${w.kb} KB transferred, interactive after ${w.ms} ms`);
    await page.getByRole('button', { name: 'Test guest access' }).click();
    await ran('Guest access');
    await page.getByRole('button', { name: 'View AWS credentials only' }).click();
    const shown = await page.locator('#credentials').innerText();
    assert.match(shown, /"AccessKeyId": "ASIA/);
    const secret = (JSON.parse(shown) as { SecretKey: string }).SecretKey;
    const text = await flow();
    assert.match(text, /recorded it/);
    assert.match(text, /GetId \(cognito-identity\).*ok HTTP 200[\s\S]*GetCredentialsForIdentity \(cognito-identity\).*ok HTTP 200[\s\S]*Demo backend: POST \/_tessera\/demo\/data-step.*ok HTTP 200/);
    assert.match(text, /gateway s3 ListObjectsV2.*ok HTTP 200[\s\S]*gateway dynamodb Scan.*failed HTTP 400[\s\S]*gateway s3 PutObject.*failed HTTP 403[\s\S]*Reason: check policy\.implicit-deny/);
    assert.ok(!text.includes(secret), 'the secret key is masked in the flow');
    assert.match(text, new RegExp(`"SecretKey": "\\*{6} \\(${secret.length} chars\\)"`));
    await page.screenshot({ path: join(SCREENSHOTS, 'demo.png'), fullPage: true });
  });

  it('runs guest access by the basic flow with the picked role and session duration', async () => {
    await page.getByRole('tab', { name: 'Basic flow' }).click();
    await page.locator('#basic-role').selectOption(demo.roles.guest.arn);
    await page.getByRole('button', { name: 'Test guest access' }).click();
    await ran('Guest access');
    assert.match(await page.locator('#basic-why').innerText(), /allows the basic flow and has no role mappings/);
    assert.match(await flow(), /GetId \(cognito-identity\).*HTTP 200[\s\S]*GetOpenIdToken \(cognito-identity\).*HTTP 200[\s\S]*AssumeRoleWithWebIdentity \(sts\).*HTTP 200/);
    await page.getByRole('tab', { name: 'Enhanced flow' }).click();
  });

  it('says, when the pool has role mappings, why the basic flow is unavailable, and a basic run shows the refusal', async () => {
    const admin = new CognitoIdentityClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials });
    const { Roles } = await admin.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: demo.identityPoolId }));
    await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: demo.identityPoolId, Roles, RoleMappings: { [demo.userPoolProviderName]: { Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' } } }));
    try {
      await page.goto(`${server.url}/`);
      await page.getByRole('tab', { name: 'Basic flow' }).click();
      assert.match(await page.locator('#basic-why').innerText(), new RegExp(`^The basic flow is unavailable: the identity pool has role mappings \\(for ${demo.userPoolProviderName.replace(/\./g, '\\.')}\\)`));
      await page.locator('#basic-role').selectOption(demo.roles.guest.arn);
      await page.getByRole('button', { name: 'Test guest access' }).click();
      await page.getByRole('heading', { name: /^Guest access — refused at GetOpenIdToken/ }).waitFor();
      assert.match(await flow(), /GetOpenIdToken \(cognito-identity\).*failed HTTP 400[\s\S]*InvalidParameterException: Basic \(classic\) flow is not supported with RoleMappings[\s\S]*Reason: check ci\.pool\.classic-flow\.role-mappings/);
    } finally {
      await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: demo.identityPoolId, Roles }));
    }
    await page.goto(`${server.url}/`);
    await page.locator('#test-guest').waitFor();
  });

  it('signs in a developer identity by its User Identifier', async () => {
    await page.getByLabel('User Identifier').fill('alice');
    await page.getByRole('button', { name: 'Sign in as this user' }).click();
    await ran('Developer provider');
    assert.match(await flow(), /Demo backend: POST \/_tessera\/demo\/developer-token.*HTTP 200[\s\S]*GetOpenIdTokenForDeveloperIdentity \(the demo backend, as the account root\)[\s\S]*GetCredentialsForIdentity \(cognito-identity\)/);
  });

  it('signs the demo user in through the managed login page with state, PKCE and nonce, and leaves no code in the address bar', async () => {
    await page.getByRole('button', { name: 'Cognito user pool' }).click();
    await page.locator('#username').waitFor();
    const authorize = new URL(page.url());
    assert.ok(authorize.searchParams.get('state') && authorize.searchParams.get('nonce') && authorize.searchParams.get('code_challenge_method') === 'S256');
    await page.locator('#username').fill(demo.username);
    await page.locator('#password').fill(demo.password);
    await page.locator('#password').press('Enter');
    await ran('Cognito user pool');
    assert.equal(new URL(page.url()).search, '');
    const text = await flow();
    assert.match(text, /POST \/auth\/tessera-demo\/oauth2\/token.*ok HTTP 200[\s\S]*GetId \(cognito-identity\)/);
    assert.match(text, /"code_verifier": "\*{6} \(\d+ chars\)"/);
    assert.match(text, /"code": "\*{6} \(\d+ chars\)"/);
    assert.match(text, /"refresh_token": "\S{6}…\S{4} \(\d+ chars\)"/);
    assert.match(text, /"token_use": "id"/);
  });

  it('runs the developer identity and the user-pool sign-in by the basic flow with the authenticated role picked, which survives the managed login page', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('tab', { name: 'Basic flow' }).click();
    await page.locator('#basic-role').selectOption(demo.roles.authenticated.arn);
    await page.locator('#basic-duration').selectOption('1800');
    await page.getByLabel('User Identifier').fill('carol');
    await page.getByRole('button', { name: 'Sign in as this user' }).click();
    await ran('Developer provider');
    assert.match(await flow(), /GetOpenIdToken \(cognito-identity\).*HTTP 200[\s\S]*AssumeRoleWithWebIdentity \(sts\).*HTTP 200[\s\S]*tessera-demo-authenticated/);
    await page.getByRole('button', { name: 'Cognito user pool' }).click();
    // The managed login page remembers the earlier sign-in (its session cookie) and may answer at once.
    const login = page.locator('#username');
    await login.or(page.getByRole('heading', { name: /^Cognito user pool — / })).first().waitFor();
    if (await login.isVisible()) {
      await login.fill(demo.username);
      await page.locator('#password').fill(demo.password);
      await page.locator('#password').press('Enter');
    }
    await ran('Cognito user pool');
    assert.equal(await page.getByRole('tab', { name: 'Basic flow' }).getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator('#basic-role').inputValue(), demo.roles.authenticated.arn);
    assert.equal(await page.locator('#basic-duration').inputValue(), '1800');
    assert.match(await flow(), /GetOpenIdToken \(cognito-identity\).*HTTP 200[\s\S]*AssumeRoleWithWebIdentity \(sts\).*HTTP 200[\s\S]*"DurationSeconds": "?1800/);
    await page.getByRole('tab', { name: 'Enhanced flow' }).click();
  });

  it('the token doctor accepts a good token and explains five bad ones by the right check', async (t) => {
    const idp = new CognitoIdentityProviderClient({ endpoint: server.url, region: server.region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const auth = await idp.send(new InitiateAuthCommand({ ClientId: demo.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: demo.username, PASSWORD: demo.password } }));
    const good = auth.AuthenticationResult!.IdToken!;
    const [h, p, s] = good.split('.') as [string, string, string];
    const edit = (part: string, change: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(part, 'base64url').toString()), ...change })).toString('base64url');
    const sig = Buffer.from(s, 'base64url');
    sig[5] = sig[5]! ^ 0xff;
    const w = await weigh(page, `${server.url}/doctor`, '#access-key-id');
    t.diagnostic(`doctor page: ${w.kb} KB transferred, interactive after ${w.ms} ms`);
    await page.getByLabel('Access key id').fill(server.rootCredentials.accessKeyId);
    await page.getByLabel('Secret access key').fill(server.rootCredentials.secretAccessKey);
    await page.getByRole('button', { name: 'Use these credentials' }).click();
    await page.locator(`#identity-pool option[value="${demo.identityPoolId}"]`).waitFor({ state: 'attached' });
    const explain = async (token: string, loginsKey = '') => {
      await page.getByLabel('Token (a JWT, a SAML response or a provider access token)').fill(token);
      await page.getByLabel('Logins key (optional)').fill(loginsKey);
      await page.getByRole('button', { name: 'Explain' }).click();
      await page.locator('#verdict').waitFor();
      const verdict = await page.locator('#verdict').innerText();
      const failed = await page.locator('tr[data-status=fail]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-check')));
      await page.evaluate(`document.getElementById('verdict')?.remove()`);
      return { verdict, failed };
    };
    const accepted = await explain(good);
    assert.match(accepted.verdict, /^Accepted: credentials for arn:aws:iam::000000000000:role\/tessera-demo-authenticated/);
    await page.screenshot({ path: join(SCREENSHOTS, 'doctor.png'), fullPage: true });
    const cases: Array<[string, string, string]> = [
      ['not-a-token', 'token.format', demo.userPoolProviderName],
      [[h, edit(p, { iss: 'https://idp.elsewhere.test' }), s].join('.'), 'token.issuer', ''],
      [[h, edit(p, { aud: 'another-client' }), s].join('.'), 'token.audience', ''],
      [[edit(h, { kid: 'no-such-key' }), p, s].join('.'), 'token.key', ''],
      [[h, p, sig.toString('base64url')].join('.'), 'token.signature', ''],
    ];
    for (const [token, check, key] of cases) {
      const r = await explain(token, key);
      assert.match(r.verdict, /^Refused/, check);
      assert.deepEqual(r.failed, [check]);
    }
  });

  it('the console creates, edits and deletes an identity pool, a role and a user', async (t) => {
    const w = await weigh(page, `${server.url}/console`, '[role=tab]');
    t.diagnostic(`console page: ${w.kb} KB transferred, interactive after ${w.ms} ms`);
    // Identity pool
    await page.locator('#new-pool-name').fill('browser_pool');
    await page.getByRole('button', { name: 'Create identity pool' }).click();
    await page.getByRole('button', { name: 'Edit browser_pool' }).click();
    await page.locator('#edit-pool-name').fill('browser_pool_renamed');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Delete browser_pool_renamed' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console.png'), fullPage: true });
    await page.getByRole('button', { name: 'Delete browser_pool_renamed' }).click();
    await page.getByRole('button', { name: 'Delete browser_pool_renamed' }).waitFor({ state: 'detached' });
    // Role
    await page.getByRole('tab', { name: 'IAM roles and providers' }).click();
    await page.getByLabel('Role name').fill('browser-role');
    await page.getByRole('button', { name: 'Create role' }).click();
    await page.getByRole('button', { name: 'Edit browser-role' }).click();
    await page.locator('#edit-role-description').fill('edited in the browser');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('cell', { name: 'edited in the browser' }).waitFor();
    await page.getByRole('button', { name: 'Delete browser-role' }).click();
    await page.getByRole('button', { name: 'Delete browser-role' }).waitFor({ state: 'detached' });
    // User
    await page.getByRole('tab', { name: 'User pools' }).click();
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Email (optional)').fill('bob@example.com');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('button', { name: 'Edit bob' }).click();
    await page.locator('#edit-user-email').fill('robert@example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('cell', { name: 'robert@example.com' }).waitFor();
    await page.getByRole('button', { name: 'Delete bob' }).click();
    await page.getByRole('button', { name: 'Delete bob' }).waitFor({ state: 'detached' });
  });

  it('axe-core finds no serious or critical violation on any page at 1280 px and 390 px', async () => {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [path, ready] of [['/', '#test-guest'], ['/doctor', 'main h1'], ['/console', '[role=tab]']] as const) {
        await page.goto(`${server.url}${path}`);
        await page.locator(ready).first().waitFor();
        assert.deepEqual(await axe(page), [], `${path} at ${width} px`);
        if (width === 390) await page.screenshot({ path: join(SCREENSHOTS, `${path === '/' ? 'demo' : path.slice(1)}-390.png`), fullPage: true });
      }
    }
  });
});
