/**
 * The console in a real browser (Debian's chromium driven by playwright-core) against a real
 * `tessera serve --demo` world, signed in with the root credentials: create-edit-delete round
 * trips for an IAM OIDC provider, a SAML provider (metadata of an in-process SAML IdP), a managed
 * policy with a second version attached to and detached from a role, an app client, a user-pool
 * group with a user added and removed, an IAM user and its access keys, a user pool, an identity pool's roles with a rules mapping, an identity
 * listed and deleted, "what would this login get?" on the demo pool with a good and a bad ID
 * token, an IAM group with a member and inline and managed policies, a user-pool OIDC and a SAML
 * identity provider and a domain (with the managed login link fetched), lists longer than one
 * page, and a list past the 1,000-item bound saying so. Every state change made in the page is
 * read back through the AWS SDK from the test.
 * axe-core runs on each tab at 1280 px and 390 px, with a screenshot of each in
 * $TMPDIR/tessera-screenshots (the folder pages.test.ts uses). The page weight and the time to
 * interactive are reported as diagnostics, not asserted.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  AdminCreateUserCommand, AdminListGroupsForUserCommand, CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand, DeleteUserPoolCommand,
  DescribeIdentityProviderCommand, DescribeUserPoolClientCommand, DescribeUserPoolCommand, DescribeUserPoolDomainCommand, GetGroupCommand, InitiateAuthCommand, ListGroupsCommand,
  ListUserPoolClientsCommand, ListUsersCommand, ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CognitoIdentityClient, DescribeIdentityCommand, DescribeIdentityPoolCommand, GetCredentialsForIdentityCommand, GetIdCommand, GetIdentityPoolRolesCommand,
  ListIdentityPoolsCommand,
} from '@aws-sdk/client-cognito-identity';
import {
  CreateOpenIDConnectProviderCommand, CreateSAMLProviderCommand, GetOpenIDConnectProviderCommand, GetPolicyCommand, GetUserCommand, ListAccessKeysCommand, GetPolicyVersionCommand, GetRoleCommand, GetSAMLProviderCommand, IAMClient, ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProvidersCommand, ListPolicyVersionsCommand, ListRolePoliciesCommand, ListSAMLProvidersCommand, CreateUserCommand, DeleteUserCommand,
  CreatePolicyCommand, DeletePolicyCommand, GetGroupCommand as GetIamGroupCommand, GetGroupPolicyCommand, ListAttachedGroupPoliciesCommand, ListGroupPoliciesCommand, RemoveUserFromGroupCommand,
  ListUsersCommand as ListUsersIamCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { type RunningBrowser, SCREENSHOTS, axe, ensureChromium, launchChromium } from '../../helpers/chromium.js';
import { startSamlIdp } from '../../helpers/saml-idp.js';


const missing = ensureChromium();

interface Demo {
  identityPoolId: string; userPoolId: string; clientId: string; username: string; password: string; userPoolProviderName: string;
  roles: { guest: { arn: string }; authenticated: { arn: string } };
}

const TABS = [
  { id: 'identity-pools', tab: 'Identity pools', heading: 'Identity pools' },
  { id: 'iam', tab: 'IAM roles and providers', heading: 'IAM roles' },
  { id: 'iam-policies', tab: 'IAM policies', heading: 'IAM managed policies' },
  { id: 'iam-users', tab: 'IAM users', heading: 'IAM users' },
  { id: 'iam-groups', tab: 'IAM groups', heading: 'IAM groups' },
  { id: 'user-pools', tab: 'User pools', heading: 'User pools' },
];

const transferred = async (page: Page) => (await page.evaluate(
  `performance.getEntriesByType('navigation')[0].transferSize + performance.getEntriesByType('resource').reduce((n, r) => n + r.transferSize, 0)`,
)) as number;
const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;

/** No call of the console is under way (each shows "Working…" in its view's status line until it ends). */
const IDLE = `!document.querySelector('.status [role=status]')`;

const policy = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

describe('the console in chromium', { skip: missing }, () => {
  let server: TestServer;
  let chrome: RunningBrowser;
  let page: Page;
  let demo: Demo;
  let iam: IAMClient;
  let identity: CognitoIdentityClient;
  let idp: CognitoIdentityProviderClient;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startTestServer({ demo: true });
    demo = (await (await fetch(`${server.url}/_tessera/demo`)).json()) as Demo;
    const sdk = { endpoint: server.url, region: server.region, credentials: server.rootCredentials };
    iam = new IAMClient(sdk);
    identity = new CognitoIdentityClient(sdk);
    idp = new CognitoIdentityProviderClient(sdk);
    chrome = await launchChromium();
    page = await chrome.context.newPage();
    page.on('dialog', (d) => void d.accept());
  });
  after(async () => {
    await chrome?.close();
    await server?.close();
  });

  /** Clicks, waits for the call it started to finish (its "Working…" line goes), and fails on an error line. */
  async function act(name: string | RegExp, exact = true): Promise<void> {
    await page.getByRole('button', { name, exact }).click();
    await page.waitForFunction(IDLE);
    const errors = await page.locator('.status [role=alert]').allInnerTexts();
    assert.deepEqual(errors, [], `after ${String(name)}`);
  }
  async function openTab(tab: string, heading: string): Promise<void> {
    await page.getByRole('tab', { name: tab }).click();
    await page.getByRole('heading', { name: heading, exact: true, level: 2 }).waitFor();
    await page.waitForFunction(IDLE);
  }
  const heading = (name: string) => page.getByRole('heading', { name, exact: true }).waitFor();
  const button = (name: string) => page.getByRole('button', { name, exact: true });

  it('loads light, signs in with pasted credentials and moves between tabs with the keyboard', async (t) => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');
    await cdp.detach();
    const t0 = Date.now();
    await page.goto(`${server.url}/console`);
    await page.getByLabel('Access key id').waitFor();
    const ms = Date.now() - t0;
    t.diagnostic(`console first load: ${kb(await transferred(page))} KB transferred, interactive (sign-in form) after ${ms} ms`);
    await page.getByLabel('Access key id').fill(server.rootCredentials.accessKeyId);
    await page.getByLabel('Secret access key').fill(server.rootCredentials.secretAccessKey);
    await page.getByRole('button', { name: 'Use these credentials' }).click();
    await page.getByRole('heading', { name: 'Identity pools', level: 2 }).waitFor();
    assert.equal(await page.evaluate(`JSON.parse(sessionStorage.getItem('tessera-console-credentials')).accessKeyId`), server.rootCredentials.accessKeyId);
    await page.getByRole('tab', { name: 'Identity pools' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('heading', { name: 'IAM roles', exact: true, level: 2 }).waitFor();
    assert.equal(await page.getByRole('tab', { name: 'IAM roles and providers' }).getAttribute('aria-selected'), 'true');
    assert.equal(await page.evaluate(`document.activeElement.id`), 'tab-iam');
    await page.keyboard.press('End');
    await page.getByRole('heading', { name: 'User pools', exact: true, level: 2 }).waitFor();
    // A first load signed in (credentials in session storage): the page and the identity pools tab with its SDK client.
    const cdp2 = await page.context().newCDPSession(page);
    await cdp2.send('Network.clearBrowserCache');
    await cdp2.detach();
    const t1 = Date.now();
    await page.goto(`${server.url}/console`);
    await page.getByRole('button', { name: 'Create identity pool' }).waitFor();
    await page.waitForFunction(IDLE);
    const signedIn = Date.now() - t1;
    t.diagnostic(`console first load signed in: ${kb(await transferred(page))} KB transferred, identity pools listed after ${signedIn} ms`);
    for (const s of TABS) await openTab(s.tab, s.heading);
    t.diagnostic(`console with every tab loaded: ${kb(await transferred(page))} KB transferred in all`);
  });

  it('creates an OIDC provider, adds and removes client ids, replaces its thumbprints and deletes it', async () => {
    const arn = `arn:aws:iam::${server.accountId}:oidc-provider/oidc.console.test`;
    const get = () => iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    await openTab('IAM roles and providers', 'IAM roles');
    await page.locator('#new-oidc-url').fill('https://oidc.console.test');
    await page.locator('#new-oidc-client-ids').fill('client-a\nclient-b');
    await page.locator('#new-oidc-thumbprints').fill('a'.repeat(40));
    await act('Create OIDC provider');
    await heading('OIDC provider oidc.console.test');
    assert.deepEqual(await axe(page), [], 'OIDC provider detail');
    let got = await get();
    assert.deepEqual([got.ClientIDList, got.ThumbprintList], [['client-a', 'client-b'], ['a'.repeat(40)]]);
    await page.locator('#oidc-add-client-id').fill('client-c');
    await act('Add client id');
    await act('Remove client id client-a');
    await page.locator('#oidc-thumbprints').fill(`${'b'.repeat(40)}\n${'c'.repeat(40)}`);
    await act('Update thumbprints');
    got = await get();
    assert.deepEqual([got.ClientIDList?.sort(), got.ThumbprintList], [['client-b', 'client-c'], ['b'.repeat(40), 'c'.repeat(40)]]);
    assert.match(await page.locator('#console-panel').innerText(), /cccccccc/);
    await act('Delete OIDC provider oidc.console.test');
    await button('Delete OIDC provider oidc.console.test').waitFor({ state: 'detached' });
    assert.ok(!((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? []).some((p) => p.Arn === arn));
  });

  it('creates a SAML provider from pasted metadata, updates its metadata and deletes it', async () => {
    const first = await startSamlIdp({ entityId: 'https://saml-one.console.test/idp' });
    const second = await startSamlIdp({ entityId: 'https://saml-two.console.test/idp' });
    const arn = `arn:aws:iam::${server.accountId}:saml-provider/console-saml`;
    await page.locator('#new-saml-name').fill('console-saml');
    await page.locator('#new-saml-metadata').fill(first.metadataXml);
    await act('Create SAML provider');
    await heading('SAML provider console-saml');
    assert.match((await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn }))).SAMLMetadataDocument!, /saml-one\.console\.test/);
    await page.locator('#saml-metadata').fill(second.metadataXml);
    await act('Update metadata');
    assert.match((await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn }))).SAMLMetadataDocument!, /saml-two\.console\.test/);
    await page.locator('pre', { hasText: 'saml-two.console.test' }).waitFor({ state: 'attached' });
    // A refusal shows the AWS error code and message.
    await page.locator('#saml-metadata').fill('<not-metadata/>');
    await page.getByRole('button', { name: 'Update metadata', exact: true }).click();
    const alert = page.locator('.status [role=alert]');
    await alert.waitFor();
    assert.match(await alert.innerText(), /^ValidationError: .*sAMLMetadataDocument.* \(HTTP 400\)$/);
    await act('Delete SAML provider console-saml');
    await button('Delete SAML provider console-saml').waitFor({ state: 'detached' });
    assert.ok(!((await iam.send(new ListSAMLProvidersCommand({}))).SAMLProviderList ?? []).some((p) => p.Arn === arn));
  });

  it('creates a managed policy, adds a default version, attaches it to a role it edits and detaches it, then deletes both', async () => {
    const arn = `arn:aws:iam::${server.accountId}:policy/console-policy`;
    await openTab('IAM policies', 'IAM managed policies');
    await page.getByLabel('Policy name').fill('console-policy');
    await page.getByLabel('Policy document (JSON)').fill(policy('s3:GetObject'));
    await act('Create policy');
    await heading('Policy console-policy');
    assert.deepEqual(await axe(page), [], 'policy detail');
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId, 'v1');
    await page.locator('#policy-version-document').fill(policy('s3:ListBucket'));
    await act('Create version');
    await button('Delete version v1').waitFor();
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId, 'v2');
    assert.match(decodeURIComponent((await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }))).PolicyVersion!.Document!), /s3:ListBucket/);
    await act('Delete version v1');
    assert.deepEqual(((await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions ?? []).map((v) => v.VersionId), ['v2']);
    // A version made without becoming the default, then set as the default.
    await page.locator('#policy-version-document').fill(policy('s3:PutObject'));
    await page.locator('#policy-version-default').uncheck();
    await act('Create version');
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId, 'v2');
    await act('Set as default version v3');
    await button('Delete version v2').waitFor();
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId, 'v3');

    await openTab('IAM roles and providers', 'IAM roles');
    await page.getByLabel('Role name').fill('console-role');
    await act('Create role');
    await heading('Role console-role');
    await page.locator('#attach-policy').selectOption(arn);
    await act('Attach policy');
    await button('Detach console-policy').waitFor();
    assert.deepEqual(((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'console-role' }))).AttachedPolicies ?? []).map((p) => p.PolicyArn), [arn]);
    await page.locator('#inline-policy-name').fill('console-inline');
    await page.locator('#inline-policy-document').fill(policy('sqs:SendMessage'));
    await act('Put inline policy');
    assert.deepEqual((await iam.send(new ListRolePoliciesCommand({ RoleName: 'console-role' }))).PolicyNames, ['console-inline']);
    assert.deepEqual(await axe(page), [], 'role detail');
    await act('Edit console-role');
    assert.deepEqual(await axe(page), [], 'role edit form');
    await page.locator('#edit-role-max-session').fill('7200');
    await page.locator('#edit-role-description').fill('made by the console test');
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': demo.identityPoolId } } }] };
    await page.locator('#edit-role-trust').fill(JSON.stringify(trust, null, 2));
    await act('Save');
    await heading('Role console-role');
    const role = (await iam.send(new GetRoleCommand({ RoleName: 'console-role' }))).Role!;
    assert.deepEqual([role.MaxSessionDuration, role.Description], [7200, 'made by the console test']);
    assert.deepEqual(JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!)), trust);
    await act('Detach console-policy');
    await button('Detach console-policy').waitFor({ state: 'detached' });
    assert.deepEqual((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'console-role' }))).AttachedPolicies, []);
    await act('Delete console-role');
    await button('Delete console-role').waitFor({ state: 'detached' });
    await assert.rejects(iam.send(new GetRoleCommand({ RoleName: 'console-role' })), { name: 'NoSuchEntityException' });

    await openTab('IAM policies', 'IAM managed policies');
    await act('Delete policy console-policy');
    await assert.rejects(iam.send(new GetPolicyCommand({ PolicyArn: arn })), { name: 'NoSuchEntityException' });
  });

  it('creates an app client with a secret and callback URLs, edits its flows and deletes it', async () => {
    await openTab('User pools', 'User pools');
    await page.locator('#user-pool').selectOption(demo.userPoolId);
    await act('New app client');
    await page.locator('#client-name').fill('console-client');
    await page.locator('#client-secret').check();
    await page.locator('#client-callbacks').fill('https://app.console.test/callback');
    await page.locator('#client-oauth-code').check();
    await act('Create app client');
    await heading('App client console-client');
    const clientId = ((await idp.send(new ListUserPoolClientsCommand({ UserPoolId: demo.userPoolId, MaxResults: 60 }))).UserPoolClients ?? []).find((c) => c.ClientName === 'console-client')!.ClientId!;
    let client = (await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: demo.userPoolId, ClientId: clientId }))).UserPoolClient!;
    assert.ok(client.ClientSecret);
    assert.deepEqual([client.CallbackURLs, client.AllowedOAuthFlows], [['https://app.console.test/callback'], ['code']]);
    await act('Edit app client console-client');
    assert.deepEqual(await axe(page), [], 'app client edit form');
    await page.locator('#client-callbacks').fill('https://app.console.test/callback\nhttps://app.console.test/other');
    await page.locator('#client-flow-ALLOW_USER_PASSWORD_AUTH').check();
    await act('Save');
    await heading('App client console-client');
    client = (await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: demo.userPoolId, ClientId: clientId }))).UserPoolClient!;
    assert.deepEqual(client.CallbackURLs, ['https://app.console.test/callback', 'https://app.console.test/other']);
    assert.ok(client.ExplicitAuthFlows?.includes('ALLOW_USER_PASSWORD_AUTH'));
    assert.ok(client.ClientSecret, 'the secret is kept');
    await act('Delete app client console-client');
    await assert.rejects(idp.send(new DescribeUserPoolClientCommand({ UserPoolId: demo.userPoolId, ClientId: clientId })), { name: 'ResourceNotFoundException' });
  });

  it('creates a group with a role and precedence, edits it, adds the demo user and removes them, and deletes it', async () => {
    await page.locator('#new-group-name').fill('console-group');
    await page.locator('#new-group-description').fill('made in the console');
    await page.locator('#new-group-role').fill(demo.roles.authenticated.arn);
    await page.locator('#new-group-precedence').fill('5');
    await act('Create group');
    await heading('Group console-group');
    assert.deepEqual(await axe(page), [], 'group detail');
    let group = (await idp.send(new GetGroupCommand({ UserPoolId: demo.userPoolId, GroupName: 'console-group' }))).Group!;
    assert.deepEqual([group.RoleArn, group.Precedence], [demo.roles.authenticated.arn, 5]);
    await act('Edit group console-group');
    await page.locator('#edit-group-precedence').fill('3');
    await act('Save');
    await heading('Group console-group');
    group = (await idp.send(new GetGroupCommand({ UserPoolId: demo.userPoolId, GroupName: 'console-group' }))).Group!;
    assert.equal(group.Precedence, 3);
    await page.locator('#group-add-user').selectOption(demo.username);
    await act('Add member');
    await button(`Remove ${demo.username} from console-group`).waitFor();
    assert.deepEqual(((await idp.send(new AdminListGroupsForUserCommand({ UserPoolId: demo.userPoolId, Username: demo.username }))).Groups ?? []).map((g) => g.GroupName), ['console-group']);
    // The user's own view lists the group and removes the user from it.
    await act(`Inspect ${demo.username}`);
    await heading(`User ${demo.username}`);
    await act(`Remove ${demo.username} from console-group`);
    await button(`Remove ${demo.username} from console-group`).waitFor({ state: 'detached' });
    assert.deepEqual((await idp.send(new ListUsersInGroupCommand({ UserPoolId: demo.userPoolId, GroupName: 'console-group' }))).Users, []);
    await act('Delete group console-group');
    assert.ok(!((await idp.send(new ListGroupsCommand({ UserPoolId: demo.userPoolId }))).Groups ?? []).some((g) => g.GroupName === 'console-group'));
  });

  it('creates an IAM user from the keyboard, gives it an access key shown once that works, deactivates and deletes keys, and deletes the user', async () => {
    await openTab('IAM users', 'IAM users');
    await page.locator('#new-iam-user-name').focus();
    await page.keyboard.type('console-user');
    await page.keyboard.press('Enter');
    await heading('IAM user console-user');
    await page.waitForFunction(IDLE);
    assert.equal((await iam.send(new GetUserCommand({ UserName: 'console-user' }))).User?.UserName, 'console-user');
    await act('Create access key for console-user');
    const accessKeyId = await page.locator('#new-key-id').innerText();
    const secretAccessKey = await page.locator('#new-key-secret').innerText();
    const asUser = new IAMClient({ endpoint: server.url, region: server.region, credentials: { accessKeyId, secretAccessKey } });
    // The key shown signs requests as the user (who has no policy yet, so IAM says no by name).
    await assert.rejects(asUser.send(new GetUserCommand({})), (e: Error) => /^AccessDenied/.test(e.name) && e.message.startsWith(`User: arn:aws:iam::${server.accountId}:user/console-user is not authorized`));
    asUser.destroy();
    assert.deepEqual(await axe(page), [], 'IAM user detail');
    await act(`Deactivate key ${accessKeyId}`);
    assert.deepEqual(((await iam.send(new ListAccessKeysCommand({ UserName: 'console-user' }))).AccessKeyMetadata ?? []).map((k) => [k.AccessKeyId, k.Status]), [[accessKeyId, 'Inactive']]);
    await act(`Delete key ${accessKeyId}`);
    assert.deepEqual((await iam.send(new ListAccessKeysCommand({ UserName: 'console-user' }))).AccessKeyMetadata, []);
    await act('Create access key for console-user');
    await act('Delete IAM user console-user');
    await button('Delete IAM user console-user').waitFor({ state: 'detached' });
    await assert.rejects(iam.send(new GetUserCommand({ UserName: 'console-user' })), { name: 'NoSuchEntityException' });
  });

  it('creates an IAM group, adds and removes a member, puts and deletes an inline policy, attaches and detaches a managed policy, and deletes it with a member and a policy left', async () => {
    const GroupName = 'console-iam-group';
    await iam.send(new CreateUserCommand({ UserName: 'group-member' }));
    const policyArn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'group-policy', PolicyDocument: policy('s3:GetObject') }))).Policy!.Arn!;
    const membersOf = async () => ((await iam.send(new GetIamGroupCommand({ GroupName }))).Users ?? []).map((u) => u.UserName);
    try {
      await openTab('IAM groups', 'IAM groups');
      await page.locator('#new-iam-group-name').fill(GroupName);
      await act('Create IAM group');
      await heading(`IAM group ${GroupName}`);
      assert.deepEqual(await membersOf(), []);
      assert.deepEqual(await axe(page), [], 'IAM group detail');
      await page.locator('#iam-group-add-user').selectOption('group-member');
      await act('Add user to group');
      await button(`Remove group-member from IAM group ${GroupName}`).waitFor();
      assert.deepEqual(await membersOf(), ['group-member']);
      await page.locator('#group-inline-policy-name').fill('group-inline');
      await page.locator('#group-inline-policy-document').fill(policy('sqs:SendMessage'));
      await act('Put inline policy');
      await page.locator('summary', { hasText: 'group-inline' }).click();
      assert.match(await page.locator('details', { hasText: 'group-inline' }).innerText(), /sqs:SendMessage/);
      assert.match(decodeURIComponent((await iam.send(new GetGroupPolicyCommand({ GroupName, PolicyName: 'group-inline' }))).PolicyDocument!), /sqs:SendMessage/);
      await act('Delete group inline policy group-inline');
      await button('Delete group inline policy group-inline').waitFor({ state: 'detached' });
      assert.deepEqual((await iam.send(new ListGroupPoliciesCommand({ GroupName }))).PolicyNames, []);
      await page.locator('#group-attach-policy').selectOption(policyArn);
      await act('Attach policy');
      await button(`Detach group-policy from IAM group ${GroupName}`).waitFor();
      assert.deepEqual(((await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName }))).AttachedPolicies ?? []).map((p) => p.PolicyArn), [policyArn]);
      await page.setViewportSize({ width: 390, height: 900 });
      assert.deepEqual(await axe(page), [], 'IAM group detail at 390 px');
      await page.screenshot({ path: join(SCREENSHOTS, 'console-iam-group-390.png'), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
      await act(`Detach group-policy from IAM group ${GroupName}`);
      await button(`Detach group-policy from IAM group ${GroupName}`).waitFor({ state: 'detached' });
      assert.deepEqual((await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName }))).AttachedPolicies, []);
      await act(`Remove group-member from IAM group ${GroupName}`);
      await button(`Remove group-member from IAM group ${GroupName}`).waitFor({ state: 'detached' });
      assert.deepEqual(await membersOf(), []);
      // Deleting removes what IAM would refuse to delete the group with.
      await page.locator('#iam-group-add-user').selectOption('group-member');
      await act('Add user to group');
      await page.locator('#group-inline-policy-name').fill('group-inline');
      await act('Put inline policy');
      await page.locator('#group-attach-policy').selectOption(policyArn);
      await act('Attach policy');
      await button(`Detach group-policy from IAM group ${GroupName}`).waitFor();
      await act(`Delete IAM group ${GroupName}`);
      await button(`Delete IAM group ${GroupName}`).waitFor({ state: 'detached' });
      await assert.rejects(iam.send(new GetIamGroupCommand({ GroupName })), { name: 'NoSuchEntityException' });
    } finally {
      await iam.send(new RemoveUserFromGroupCommand({ GroupName, UserName: 'group-member' })).catch(() => undefined); // only when the test failed midway
      await iam.send(new DeleteUserCommand({ UserName: 'group-member' }));
      await iam.send(new DeletePolicyCommand({ PolicyArn: policyArn }));
    }
  });

  it('creates a user pool, inspects it and deletes it', async () => {
    await openTab('User pools', 'User pools');
    await page.locator('#new-user-pool-name').fill('console-user-pool');
    await act('Add user pool');
    const id = await page.locator('#user-pool').inputValue();
    assert.notEqual(id, demo.userPoolId);
    assert.equal((await idp.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool?.Name, 'console-user-pool');
    await act('Inspect pool (the selected user pool)');
    await heading('User pool console-user-pool');
    assert.deepEqual(await axe(page), [], 'user pool detail');
    await act('Delete pool (the selected user pool)');
    assert.equal(await page.locator('#user-pool').inputValue(), demo.userPoolId);
    await assert.rejects(idp.send(new DescribeUserPoolCommand({ UserPoolId: id })), { name: 'ResourceNotFoundException' });
  });

  let poolId = '';
  it('edits an identity pool\'s logins and sets its roles with a rules mapping', async () => {
    const key = `${demo.userPoolProviderName}:${demo.clientId}`;
    await openTab('Identity pools', 'Identity pools');
    await page.locator('#new-pool-name').fill('console_pool');
    await act('Create identity pool');
    await heading('Identity pool console_pool');
    poolId = ((await identity.send(new ListIdentityPoolsCommand({ MaxResults: 60 }))).IdentityPools ?? []).find((p) => p.IdentityPoolName === 'console_pool')!.IdentityPoolId!;
    const oidcArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://oidc-pool.console.test', ClientIDList: ['pool-client'] }))).OpenIDConnectProviderArn!;
    const samlArn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'pool-saml', SAMLMetadataDocument: (await startSamlIdp()).metadataXml }))).SAMLProviderArn!;
    await act('Edit console_pool');
    assert.deepEqual(await axe(page), [], 'identity pool edit form');
    await page.locator('#edit-pool-guest').check();
    await page.locator('#edit-pool-classic').check();
    await page.locator('#edit-pool-developer').fill('login.console.test');
    await page.locator('#edit-pool-logins').fill('accounts.google.com=console.apps.googleusercontent.com');
    await page.locator('#edit-pool-cognito').fill(`${demo.userPoolProviderName} ${demo.clientId}`);
    await page.locator('#edit-pool-oidc').fill(oidcArn);
    await page.locator('#edit-pool-saml').fill(samlArn);
    await act('Save');
    await heading('Identity pool console_pool');
    const pool = await identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: poolId }));
    assert.deepEqual([pool.AllowUnauthenticatedIdentities, pool.AllowClassicFlow, pool.DeveloperProviderName, pool.SupportedLoginProviders],
      [true, true, 'login.console.test', { 'accounts.google.com': 'console.apps.googleusercontent.com' }]);
    assert.deepEqual(pool.CognitoIdentityProviders?.map((p) => [p.ProviderName, p.ClientId]), [[demo.userPoolProviderName, demo.clientId]]);
    assert.deepEqual([pool.OpenIdConnectProviderARNs, pool.SamlProviderARNs], [[oidcArn], [samlArn]]);

    await page.locator('#pool-auth-role').fill(demo.roles.authenticated.arn);
    await page.locator('#pool-unauth-role').fill(demo.roles.guest.arn);
    await act('Save roles');
    await page.locator('#mapping-provider').fill(key);
    await page.locator('#mapping-type').selectOption('Rules');
    await page.locator('#mapping-ambiguous').selectOption('Deny');
    await page.locator('#mapping-rules').fill(`email | Contains | @example.com | ${demo.roles.authenticated.arn}\ncognito:groups | Contains | admins | ${demo.roles.guest.arn}`);
    await act('Save role mapping');
    await button(`Remove mapping ${key}`).waitFor();
    const roles = await identity.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }));
    assert.deepEqual(roles.Roles, { authenticated: demo.roles.authenticated.arn, unauthenticated: demo.roles.guest.arn });
    assert.deepEqual(roles.RoleMappings?.[key], { Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: [
      { Claim: 'email', MatchType: 'Contains', Value: '@example.com', RoleARN: demo.roles.authenticated.arn },
      { Claim: 'cognito:groups', MatchType: 'Contains', Value: 'admins', RoleARN: demo.roles.guest.arn },
    ] } });
    // Edit turns it into a token-based mapping.
    await act(`Edit mapping ${key}`);
    await page.locator('#mapping-type').selectOption('Token');
    await page.locator('#mapping-ambiguous').selectOption('AuthenticatedRole');
    await act('Save role mapping');
    assert.deepEqual((await identity.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }))).RoleMappings?.[key], { Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' });
    await act(`Remove mapping ${key}`);
    assert.deepEqual((await identity.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }))).RoleMappings ?? {}, {});
  });

  it('lists an identity, describes it and deletes it, then deletes the pool', async () => {
    const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: poolId }));
    await act('Reload identities');
    await act(`Describe identity ${IdentityId}`);
    await page.locator('summary', { hasText: `Identity ${IdentityId}` }).waitFor();
    await act(`Delete identity ${IdentityId}`);
    await button(`Delete identity ${IdentityId}`).waitFor({ state: 'detached' });
    await assert.rejects(identity.send(new DescribeIdentityCommand({ IdentityId: IdentityId! })), { name: 'ResourceNotFoundException' });
    await act('Delete console_pool');
    await button('Delete console_pool').waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(`document.activeElement.id`), 'console-panel', 'focus is not lost with the deleted row');
    await assert.rejects(identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: poolId })), { name: 'ResourceNotFoundException' });
  });

  it('answers "what would this login get?" on the demo pool: accepted with the role for a good ID token, refused by its check for a bad one', async () => {
    const auth = await idp.send(new InitiateAuthCommand({ ClientId: demo.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: demo.username, PASSWORD: demo.password } }));
    const good = auth.AuthenticationResult!.IdToken!;
    const [hd, claims, sig] = good.split('.') as [string, string, string];
    const badAudience = [hd, Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims, 'base64url').toString()), aud: 'another-client' })).toString('base64url'), sig].join('.');
    const name = (await identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: demo.identityPoolId }))).IdentityPoolName!;
    await openTab('Identity pools', 'Identity pools');
    await act(`Inspect ${name}`);
    const explain = async (token: string) => {
      await page.locator('#login-token').fill(token);
      await page.getByRole('button', { name: 'Explain this login' }).click();
      await page.locator('#login-verdict-heading').waitFor();
      const verdict = await page.locator('#login-verdict-heading').innerText();
      const failed = await page.locator('#login-verdict tr[data-status=fail]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-check')));
      return { verdict, failed };
    };
    const accepted = await explain(good);
    assert.match(accepted.verdict, new RegExp(`^Accepted: credentials for ${demo.roles.authenticated.arn.replace(/[/.]/g, '\\$&')}$`));
    assert.deepEqual(accepted.failed, []);
    assert.match(await page.locator('#login-verdict [data-role]').innerText(), /tessera-demo-authenticated/);
    // The SDK gets the role the page named.
    const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId, Logins: { [demo.userPoolProviderName]: good } }));
    const got = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [demo.userPoolProviderName]: good } }));
    const sts = new STSClient({ endpoint: server.url, region: server.region, credentials: { accessKeyId: got.Credentials!.AccessKeyId!, secretAccessKey: got.Credentials!.SecretKey!, sessionToken: got.Credentials!.SessionToken! } });
    assert.match((await sts.send(new GetCallerIdentityCommand({}))).Arn!, /:assumed-role\/tessera-demo-authenticated\//);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-login-accepted.png'), fullPage: true });
    assert.deepEqual(await axe(page), [], 'identity pool detail with a verdict');

    const refused = await explain(badAudience);
    assert.match(refused.verdict, /^Refused: /);
    assert.deepEqual(refused.failed, ['token.audience']);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-login-refused.png'), fullPage: true });
  });

  it('lists every page: 65 users of a user pool (ListUsers pages of 60) and 105 IAM users (ListUsers pages of 100)', async () => {
    const poolId = (await idp.send(new CreateUserPoolCommand({ PoolName: 'console-paging' }))).UserPool!.Id!;
    const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
    const inBatches = async (items: string[], one: (name: string) => Promise<unknown>) => {
      for (let i = 0; i < items.length; i += 10) await Promise.all(items.slice(i, i + 10).map(one));
    };
    const poolUsers = names('paged-user', 65);
    const iamUsers = names('paged-iam', 105);
    await inBatches(poolUsers, (Username) => idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username, MessageAction: 'SUPPRESS' })));
    await inBatches(iamUsers, (UserName) => iam.send(new CreateUserCommand({ UserName })));
    const first = await idp.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 60 }));
    assert.ok(first.PaginationToken && first.Users?.length === 60, 'the pool\'s users take two pages');
    try {
      await openTab('User pools', 'User pools');
      await page.locator('#user-pool').selectOption(poolId);
      await page.waitForFunction(IDLE);
      await page.locator('caption', { hasText: /^65 users$/ }).waitFor();
      const shownUsers = await page.getByRole('button', { name: /^Inspect paged-user-/ }).evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label')!.replace('Inspect ', '')));
      assert.deepEqual(shownUsers.sort(), poolUsers);
      await openTab('IAM users', 'IAM users');
      const shownIam = await page.getByRole('button', { name: /^Inspect IAM user paged-iam-/ }).evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label')!.replace('Inspect IAM user ', '')));
      assert.deepEqual(shownIam.sort(), iamUsers);
      const total = ((await iam.send(new ListUsersIamCommand({ MaxItems: 1000 }))).Users ?? []).length;
      assert.equal(await page.locator('caption').first().innerText(), `${total} IAM users`);
    } finally {
      await inBatches(iamUsers, (UserName) => iam.send(new DeleteUserCommand({ UserName })));
      await idp.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
    }
  });

  it('stops at 1,000 items and says that there are more (1,001 IAM users)', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `many-iam-${String(i).padStart(4, '0')}`);
    const inBatches = async (one: (name: string) => Promise<unknown>) => {
      for (let i = 0; i < many.length; i += 20) await Promise.all(many.slice(i, i + 20).map(one));
    };
    await inBatches((UserName) => iam.send(new CreateUserCommand({ UserName })));
    try {
      await openTab('IAM users', 'IAM users');
      assert.equal(await page.locator('caption').first().innerText(), 'The first 1000 IAM users are shown; there are more.');
      assert.equal(await page.getByRole('button', { name: /^Inspect IAM user / }).count(), 1000);
    } finally {
      await inBatches((UserName) => iam.send(new DeleteUserCommand({ UserName })));
    }
  });

  it('creates, edits, inspects and deletes a user-pool OIDC identity provider, a SAML one and a domain, with a working managed login link', async () => {
    const poolId = (await idp.send(new CreateUserPoolCommand({ PoolName: 'console-fed' }))).UserPool!.Id!;
    const clientId = (await idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'console-fed-client', CallbackURLs: ['https://app.console.test/cb'],
      AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['openid', 'email'], SupportedIdentityProviders: ['COGNITO'] }))).UserPoolClient!.ClientId!;
    const describe = async () => (await idp.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'ConsoleOidc' }))).IdentityProvider!;
    try {
      await openTab('User pools', 'User pools');
      await page.locator('#user-pool').selectOption(poolId);
      await page.waitForFunction(IDLE);
      await act('New identity provider');
      await heading('Create identity provider');
      await page.locator('#idp-name').fill('ConsoleOidc');
      await page.getByLabel('Issuer URL (oidc_issuer)').fill('https://oidc-up.console.test');
      await page.getByLabel('Client id', { exact: true }).fill('up-client');
      await page.getByLabel('Client secret', { exact: true }).fill('up-secret-123');
      await page.locator('#idp-mapping').fill('email = email\nname = name');
      await page.locator('#idp-identifiers').fill('console.test');
      assert.deepEqual(await axe(page), [], 'identity provider create form');
      await act('Create identity provider');
      await heading('Identity provider ConsoleOidc');
      let got = await describe();
      assert.deepEqual([got.ProviderType, got.ProviderDetails?.oidc_issuer, got.ProviderDetails?.client_id, got.ProviderDetails?.client_secret, got.ProviderDetails?.authorize_scopes],
        ['OIDC', 'https://oidc-up.console.test', 'up-client', 'up-secret-123', 'openid email profile']);
      assert.deepEqual([got.AttributeMapping?.email, got.AttributeMapping?.name, got.IdpIdentifiers], ['email', 'name', ['console.test']]);
      const inspected = await page.locator('#console-panel .detail').innerText();
      assert.ok(inspected.includes('"client_secret": "(hidden)"') && !inspected.includes('up-secret-123'), 'the secret is not shown');
      assert.deepEqual(await axe(page), [], 'identity provider detail');

      await act('Edit identity provider ConsoleOidc');
      await heading('Edit identity provider ConsoleOidc');
      assert.deepEqual(await axe(page), [], 'identity provider edit form');
      await page.locator('#idp-scopes').fill('openid email');
      await page.locator('#idp-mapping').fill('email = mail');
      await act('Save identity provider');
      await heading('Identity provider ConsoleOidc');
      got = await describe();
      assert.deepEqual([got.ProviderDetails?.authorize_scopes, got.ProviderDetails?.client_secret, got.AttributeMapping?.email], ['openid email', 'up-secret-123', 'mail']);
      await act('Inspect identity provider ConsoleOidc');
      await heading('Identity provider ConsoleOidc');

      // The app client's form names the pool's providers; the client is given the new one.
      await act('Edit app client console-fed-client');
      assert.equal(await page.locator('#client-idps-known').innerText(), "This pool's providers: COGNITO ConsoleOidc");
      await page.locator('#client-idps').fill('COGNITO ConsoleOidc');
      await act('Save');
      await heading('App client console-fed-client');
      assert.deepEqual((await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient?.SupportedIdentityProviders, ['COGNITO', 'ConsoleOidc']);

      // The domain, and the managed login page of the app client (which offers the provider).
      await page.locator('#new-domain').fill('console-fed');
      await act('Create domain');
      await page.locator('#user-pool-domain').waitFor();
      assert.equal((await idp.send(new DescribeUserPoolDomainCommand({ Domain: 'console-fed' }))).DomainDescription?.UserPoolId, poolId);
      const href = (await page.getByRole('link', { name: 'Managed login page of console-fed-client' }).getAttribute('href'))!;
      const link = new URL(href);
      assert.deepEqual([link.origin + link.pathname, link.searchParams.get('client_id'), link.searchParams.get('redirect_uri'), link.searchParams.get('response_type')],
        [`${server.url}/auth/console-fed/login`, clientId, 'https://app.console.test/cb', 'code']);
      const login = await fetch(href);
      assert.equal(login.status, 200);
      const loginPage = await login.text();
      assert.match(loginPage, /<form[^>]*action="[^"]*\/auth\/console-fed\/login"/);
      assert.match(loginPage, /ConsoleOidc/);
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        assert.deepEqual(await axe(page), [], `user pool with identity providers and a domain at ${width} px`);
        await page.screenshot({ path: join(SCREENSHOTS, `console-user-pool-federation${width === 390 ? '-390' : ''}.png`), fullPage: true });
      }
      await page.setViewportSize({ width: 1280, height: 900 });
      await act('Inspect domain console-fed');
      await heading('Domain console-fed');
      assert.match(await page.locator('#console-panel .detail').innerText(), /"UserPoolId": "[^"]+"/);
      await act('Delete domain console-fed');
      await page.locator('#new-domain').waitFor();
      assert.equal((await idp.send(new DescribeUserPoolDomainCommand({ Domain: 'console-fed' }))).DomainDescription?.UserPoolId, undefined);

      await act('Delete identity provider ConsoleOidc');
      await button('Delete identity provider ConsoleOidc').waitFor({ state: 'detached' });
      await assert.rejects(describe(), { name: 'ResourceNotFoundException' });

      // A SAML provider from a pasted metadata document, its metadata replaced, then deleted.
      const first = await startSamlIdp({ entityId: 'https://saml-up-one.console.test/idp' });
      const second = await startSamlIdp({ entityId: 'https://saml-up-two.console.test/idp' });
      const describeSaml = async () => (await idp.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: 'ConsoleSaml' }))).IdentityProvider!;
      await act('New identity provider');
      await page.locator('#idp-name').fill('ConsoleSaml');
      await page.getByLabel('Provider type').selectOption('SAML');
      assert.equal(await page.getByLabel('Issuer URL (oidc_issuer)').isVisible(), false, 'the OIDC fields are hidden');
      await page.getByLabel('Or the metadata document (XML)').fill(first.metadataXml);
      await page.locator('#idp-mapping').fill('email = http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress');
      await act('Create identity provider');
      await heading('Identity provider ConsoleSaml');
      let saml = await describeSaml();
      assert.equal(saml.ProviderType, 'SAML');
      assert.match(saml.ProviderDetails?.MetadataFile ?? '', /saml-up-one\.console\.test/);
      assert.equal(saml.AttributeMapping?.email, 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress');
      await act('Edit identity provider ConsoleSaml');
      assert.equal(await page.getByLabel('Provider type').isDisabled(), true, 'the type cannot change');
      await page.getByLabel('Or the metadata document (XML)').fill(second.metadataXml);
      await act('Save identity provider');
      await heading('Identity provider ConsoleSaml');
      saml = await describeSaml();
      assert.match(saml.ProviderDetails?.MetadataFile ?? '', /saml-up-two\.console\.test/);
      // A refused document shows the error code and changes nothing.
      await act('Edit identity provider ConsoleSaml');
      await page.getByLabel('Or the metadata document (XML)').fill('<not-metadata/>');
      await page.getByRole('button', { name: 'Save identity provider', exact: true }).click();
      const alert = page.locator('.status [role=alert]');
      await alert.waitFor();
      assert.match(await alert.innerText(), /^InvalidParameterException: /);
      assert.match((await describeSaml()).ProviderDetails?.MetadataFile ?? '', /saml-up-two\.console\.test/);
      await act('Delete identity provider ConsoleSaml');
      await button('Delete identity provider ConsoleSaml').waitFor({ state: 'detached' });
      await assert.rejects(describeSaml(), { name: 'ResourceNotFoundException' });
    } finally {
      await idp.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
    }
  });

  it('axe-core finds no serious or critical violation on any console tab at 1280 px and 390 px', async () => {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${server.url}/console`);
      for (const s of TABS) {
        await openTab(s.tab, s.heading);
        assert.deepEqual(await axe(page), [], `${s.tab} at ${width} px`);
        await page.screenshot({ path: join(SCREENSHOTS, `console-${s.id}${width === 390 ? '-390' : ''}.png`), fullPage: true });
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
