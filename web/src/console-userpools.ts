// Console: user pools (create, inspect, delete), their users (create, edit, delete, groups of a
// user), app clients (create, edit, delete) and groups (create with role and precedence, edit,
// delete, add and remove members), then identity providers and the domain (./console-userpool-federation).
import {
  AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminDeleteUserCommand, AdminGetUserCommand, AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand, AdminUpdateUserAttributesCommand, CognitoIdentityProviderClient, CreateGroupCommand, CreateUserPoolClientCommand,
  CreateUserPoolCommand, DeleteGroupCommand, DeleteUserPoolClientCommand, DeleteUserPoolCommand, DescribeUserPoolClientCommand, DescribeUserPoolCommand,
  GetGroupCommand, ListGroupsCommand, ListIdentityProvidersCommand, ListUserPoolClientsCommand, ListUserPoolsCommand, ListUsersCommand, ListUsersInGroupCommand,
  UpdateGroupCommand, UpdateUserPoolClientCommand, type ExplicitAuthFlowsType, type OAuthFlowType, type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Credentials } from './credentials';
import { renderFederation } from './console-userpool-federation';
import { actions, area, attempt, block, button, checkbox, confirmed, counted, field, form, h, input, inspector, lines, listAll, option, replace, select, show, strip, table, view } from './console-kit';

const AUTH_FLOWS: ExplicitAuthFlowsType[] = ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
const OAUTH_FLOWS: OAuthFlowType[] = ['code', 'implicit', 'client_credentials'];

export async function render(panel: HTMLElement, creds: Credentials): Promise<void> {
  const idp = new CognitoIdentityProviderClient({ endpoint: location.origin, region: 'us-east-1', credentials: creds });
  const { status, list: pool, detail } = view();
  const poolSelect = h('select', { id: 'user-pool' });
  const newPool = input('new-user-pool-name', '', { required: true });
  const username = input('new-user-name', '', { required: true });
  const email = input('new-user-email', '', { type: 'email' });
  const groupName = input('new-group-name', '', { required: true });
  const groupDescription = input('new-group-description');
  const groupRole = input('new-group-role', '', { placeholder: 'arn:aws:iam::…:role/… (optional)' });
  const groupPrecedence = input('new-group-precedence', '', { type: 'number', min: '0', step: '1' });

  const poolCount = h('p', { class: 'muted', id: 'user-pool-count' });
  const listUsers = (UserPoolId: string) => listAll((PaginationToken) => idp.send(new ListUsersCommand({ UserPoolId, Limit: 60, PaginationToken })).then((o) => [o.Users, o.PaginationToken]));
  const listGroups = (UserPoolId: string) => listAll((NextToken) => idp.send(new ListGroupsCommand({ UserPoolId, Limit: 60, NextToken })).then((o) => [o.Groups, o.NextToken]));

  async function loadPools(selected?: string): Promise<void> {
    const pools = await listAll((NextToken) => idp.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken })).then((o) => [o.UserPools, o.NextToken]));
    replace(poolSelect, ...pools.items.map((p) => h('option', { value: p.Id! }, `${p.Name} (${p.Id})`)));
    replace(poolCount, counted(pools, 'user pools'));
    if (selected) poolSelect.value = selected;
    replace(detail);
    await showPool();
  }

  async function showPool(): Promise<void> {
    const id = poolSelect.value;
    if (!id) return replace(pool, h('p', {}, 'No user pool.'));
    const [users, clients, groups] = await Promise.all([
      listUsers(id),
      listAll((NextToken) => idp.send(new ListUserPoolClientsCommand({ UserPoolId: id, MaxResults: 60, NextToken })).then((o) => [o.UserPoolClients, o.NextToken])),
      listGroups(id),
    ]);
    const federation = h('div');
    const attr = (u: { Attributes?: Array<{ Name?: string; Value?: string }> }, n: string) => u.Attributes?.find((a) => a.Name === n)?.Value ?? '';
    replace(pool,
      h('h3', {}, 'Users'),
      table(['User', 'Email', 'Status', 'Actions'], users.items.map((u) => [h('code', {}, u.Username!), attr(u, 'email'), u.UserStatus ?? '', actions(
        button('Inspect', `Inspect ${u.Username}`, () => void attempt(status, () => inspectUser(id, u.Username!))),
        button('Edit', `Edit ${u.Username}`, () => editUser(id, u.Username!, attr(u, 'email'))),
        button('Delete', `Delete ${u.Username}`, () => void attempt(status, async () => {
          if (!confirmed(`user ${u.Username}`)) return;
          await idp.send(new AdminDeleteUserCommand({ UserPoolId: id, Username: u.Username! }));
          replace(detail);
          await showPool();
        })))]), counted(users, 'users')),
      form(status, 'Create user', 'Create user', async () => {
        await idp.send(new AdminCreateUserCommand({ UserPoolId: id, Username: username.value.trim(), MessageAction: 'SUPPRESS', ...(email.value ? { UserAttributes: [{ Name: 'email', Value: email.value.trim() }] } : {}) }));
        username.value = '';
        email.value = '';
        await showPool();
      }, field('Username', username), field('Email (optional)', email)),
      h('h3', {}, 'App clients'),
      table(['App client', 'Id', 'Actions'], clients.items.map((c) => [c.ClientName ?? '', h('code', {}, c.ClientId!), actions(
        button('Inspect', `Inspect app client ${c.ClientName}`, () => void attempt(status, async () => {
          const got = (await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: id, ClientId: c.ClientId! }))).UserPoolClient!;
          show(detail, `App client ${c.ClientName}`, inspector('App client', { ...got, ClientSecret: got.ClientSecret ? `${got.ClientSecret.slice(0, 4)}… (hidden)` : undefined }));
        })),
        button('Edit', `Edit app client ${c.ClientName}`, () => void attempt(status, () => editClient(id, c.ClientId!))),
        button('Delete', `Delete app client ${c.ClientName}`, () => void attempt(status, async () => {
          if (!confirmed(`app client ${c.ClientName}`)) return;
          await idp.send(new DeleteUserPoolClientCommand({ UserPoolId: id, ClientId: c.ClientId! }));
          replace(detail);
          await showPool();
        })))]), counted(clients, 'app clients')),
      h('p', {}, button('New app client', 'New app client', () => void attempt(status, () => editClient(id)))),
      h('h3', {}, 'Groups'),
      table(['Group', 'Description', 'Precedence', 'Role', 'Actions'], groups.items.map((g) => [h('code', {}, g.GroupName!), g.Description ?? '', g.Precedence === undefined ? '' : String(g.Precedence), g.RoleArn ? h('code', {}, g.RoleArn) : '', actions(
        button('Inspect', `Inspect group ${g.GroupName}`, () => void attempt(status, () => inspectGroup(id, g.GroupName!))),
        button('Edit', `Edit group ${g.GroupName}`, () => void attempt(status, () => editGroup(id, g.GroupName!))),
        button('Delete', `Delete group ${g.GroupName}`, () => void attempt(status, async () => {
          if (!confirmed(`group ${g.GroupName} (its members lose it)`)) return;
          await idp.send(new DeleteGroupCommand({ UserPoolId: id, GroupName: g.GroupName! }));
          replace(detail);
          await showPool();
        })))]), counted(groups, 'groups')),
      form(status, 'Create group', 'Create group', async () => {
        const made = groupName.value.trim();
        await idp.send(new CreateGroupCommand({ UserPoolId: id, GroupName: made, ...(groupDescription.value.trim() ? { Description: groupDescription.value.trim() } : {}),
          ...(groupRole.value.trim() ? { RoleArn: groupRole.value.trim() } : {}), ...(groupPrecedence.value !== '' ? { Precedence: Number(groupPrecedence.value) } : {}) }));
        groupName.value = groupDescription.value = groupRole.value = groupPrecedence.value = '';
        await showPool();
        await inspectGroup(id, made);
      }, field('Group name', groupName), field('Group description (optional)', groupDescription), field('Group role ARN (optional)', groupRole), field('Precedence (optional; lower wins)', groupPrecedence)),
      federation);
    await renderFederation(federation, idp, id, clients.items, { status, detail, refresh: showPool });
  }

  async function inspectUser(poolId: string, name: string): Promise<void> {
    const [user, groups, all] = await Promise.all([
      idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: name })),
      listAll((NextToken) => idp.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: name, Limit: 60, NextToken })).then((o) => [o.Groups, o.NextToken])).then((l) => l.items),
      listGroups(poolId).then((l) => l.items),
    ]);
    const others = all.filter((g) => !groups.some((m) => m.GroupName === g.GroupName));
    const pick = select('user-add-group', others.map((g) => [g.GroupName!, g.GroupName!]));
    show(detail, `User ${name}`, inspector('User', strip(user)),
      block('Groups of this user',
        table(['Group', 'Actions'], groups.map((g) => [h('code', {}, g.GroupName!), actions(button('Remove', `Remove ${name} from ${g.GroupName}`, () => void attempt(status, async () => {
          await idp.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: name, GroupName: g.GroupName! }));
          await inspectUser(poolId, name);
        })))]), `${name} is in ${groups.length} groups`),
        others.length ? form(status, 'Add to a group', 'Add to group', async () => {
          await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: name, GroupName: pick.value }));
          await inspectUser(poolId, name);
        }, field('Group', pick)) : null));
  }

  async function inspectGroup(poolId: string, name: string): Promise<void> {
    const [group, members, users] = await Promise.all([
      idp.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: name })).then((o) => o.Group!),
      listAll((NextToken) => idp.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: name, Limit: 60, NextToken })).then((o) => [o.Users, o.NextToken])),
      listUsers(poolId).then((l) => l.items),
    ]);
    const others = users.filter((u) => !members.items.some((m) => m.Username === u.Username));
    const pick = select('group-add-user', others.map((u) => [u.Username!, u.Username!]));
    show(detail, `Group ${name}`, inspector('Group', group),
      block('Members',
        table(['User', 'Actions'], members.items.map((u) => [h('code', {}, u.Username!), actions(button('Remove', `Remove ${u.Username} from ${name}`, () => void attempt(status, async () => {
          await idp.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: u.Username!, GroupName: name }));
          await inspectGroup(poolId, name);
        })))]), counted(members, 'members')),
        others.length ? form(status, 'Add a member', 'Add member', async () => {
          await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: pick.value, GroupName: name }));
          await inspectGroup(poolId, name);
        }, field('User to add', pick)) : null));
  }

  async function editGroup(poolId: string, name: string): Promise<void> {
    const group = (await idp.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: name }))).Group!;
    const d = input('edit-group-description', group.Description ?? '');
    const r = input('edit-group-role', group.RoleArn ?? '');
    const p = input('edit-group-precedence', group.Precedence === undefined ? '' : String(group.Precedence), { type: 'number', min: '0', step: '1' });
    show(detail, `Edit group ${name}`, h('form', { 'aria-label': 'Edit group', onsubmit: (e: Event) => {
      e.preventDefault();
      void attempt(status, async () => {
        await idp.send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName: name, Description: d.value, ...(r.value.trim() ? { RoleArn: r.value.trim() } : {}), ...(p.value !== '' ? { Precedence: Number(p.value) } : {}) }));
        await showPool();
        await inspectGroup(poolId, name);
      });
    } }, field('Description', d), field('Role ARN', r), field('Precedence', p), h('p', {}, h('button', { type: 'submit' }, 'Save'))));
    d.focus();
  }

  /** The create form (no `clientId`) or the edit form of an app client. */
  async function editClient(poolId: string, clientId?: string): Promise<void> {
    const c: UserPoolClientType = clientId ? (await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient! : {
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], SupportedIdentityProviders: ['COGNITO'], AllowedOAuthScopes: ['openid', 'email', 'profile'],
    };
    const name = input('client-name', c.ClientName ?? '', { required: true });
    const secret = checkbox('client-secret', false);
    const callbacks = area('client-callbacks', (c.CallbackURLs ?? []).join('\n'), { placeholder: 'https://app.example.com/callback' });
    const logouts = area('client-logouts', (c.LogoutURLs ?? []).join('\n'));
    const authFlows = AUTH_FLOWS.map((f) => option(`client-flow-${f}`, f, (c.ExplicitAuthFlows ?? []).includes(f)));
    const oauthFlows = OAUTH_FLOWS.map((f) => option(`client-oauth-${f}`, f, (c.AllowedOAuthFlows ?? []).includes(f)));
    const scopes = input('client-scopes', (c.AllowedOAuthScopes ?? []).join(' '));
    const idps = input('client-idps', (c.SupportedIdentityProviders ?? []).join(' '), { 'aria-describedby': 'client-idps-known' });
    const known = await listAll((NextToken) => idp.send(new ListIdentityProvidersCommand({ UserPoolId: poolId, MaxResults: 60, NextToken })).then((o) => [o.Providers, o.NextToken]));
    const title = clientId ? `Edit app client ${c.ClientName}` : 'Create app client';
    const words = (s: string) => lines(s.replace(/\s+/g, '\n'));
    show(detail, title, h('form', { 'aria-label': title, onsubmit: (e: Event) => {
      e.preventDefault();
      void attempt(status, async () => {
        const flows = oauthFlows.filter(([, box]) => box.checked).map(([, box]) => box.id.replace('client-oauth-', '') as OAuthFlowType);
        const settings = {
          ClientName: name.value.trim(), CallbackURLs: lines(callbacks.value), LogoutURLs: lines(logouts.value),
          ExplicitAuthFlows: authFlows.filter(([, box]) => box.checked).map(([, box]) => box.id.replace('client-flow-', '') as ExplicitAuthFlowsType),
          AllowedOAuthFlows: flows, AllowedOAuthFlowsUserPoolClient: flows.length > 0, AllowedOAuthScopes: flows.length ? words(scopes.value) : [],
          SupportedIdentityProviders: words(idps.value),
        };
        let id = clientId;
        if (clientId) {
          // UpdateUserPoolClient resets what it is not given: send the stored settings with the edits.
          const { ClientSecret: _s, CreationDate: _c, LastModifiedDate: _l, ...stored } = c;
          await idp.send(new UpdateUserPoolClientCommand({ ...stored, ...settings, UserPoolId: poolId, ClientId: clientId }));
        } else {
          id = (await idp.send(new CreateUserPoolClientCommand({ ...settings, UserPoolId: poolId, GenerateSecret: secret.checked }))).UserPoolClient!.ClientId!;
        }
        await showPool();
        const got = (await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: id! }))).UserPoolClient!;
        show(detail, `App client ${got.ClientName}`, inspector('App client', { ...got, ClientSecret: got.ClientSecret ? `${got.ClientSecret.slice(0, 4)}… (hidden)` : undefined }));
      });
    } },
    field('App client name', name), clientId ? null : field('Generate a client secret', secret),
    field('Callback URLs, one per line', callbacks), field('Sign-out URLs, one per line', logouts),
    h('fieldset', {}, h('legend', {}, 'Sign-in flows (ExplicitAuthFlows)'), ...authFlows.map(([row]) => row)),
    h('fieldset', {}, h('legend', {}, 'OAuth 2.0 grants (hosted sign-in)'), ...oauthFlows.map(([row]) => row)),
    field('OAuth scopes, separated by spaces', scopes), field('Identity providers, separated by spaces', idps), h('p', { class: 'muted', id: 'client-idps-known' }, `This pool's providers: ${['COGNITO', ...known.items.map((p) => p.ProviderName!)].join(' ')}${known.more ? ' …' : ''}`),
    h('p', {}, h('button', { type: 'submit' }, clientId ? 'Save' : 'Create app client'))));
    name.focus();
  }

  function editUser(poolId: string, name: string, current: string): void {
    const e = input('edit-user-email', current, { type: 'email', required: true });
    show(detail, `Edit ${name}`, h('form', { 'aria-label': 'Edit user', onsubmit: (ev: Event) => {
      ev.preventDefault();
      void attempt(status, async () => {
        await idp.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: name, UserAttributes: [{ Name: 'email', Value: e.value }] }));
        await showPool();
      });
    } }, field('Email', e), h('p', {}, h('button', { type: 'submit' }, 'Save'))));
    e.focus();
  }

  poolSelect.addEventListener('change', () => { replace(detail); void attempt(status, showPool); });
  replace(panel, h('h2', {}, 'User pools'),
    h('div', { class: 'row' }, field('User pool', poolSelect), poolCount,
      button('Inspect pool', 'Inspect pool (the selected user pool)', () => void attempt(status, async () => {
        const got = (await idp.send(new DescribeUserPoolCommand({ UserPoolId: poolSelect.value }))).UserPool!;
        show(detail, `User pool ${got.Name}`, inspector('User pool', got));
      })),
      button('Delete pool', 'Delete pool (the selected user pool)', () => void attempt(status, async () => {
        const label = poolSelect.selectedOptions[0]?.textContent ?? poolSelect.value;
        if (!poolSelect.value || !confirmed(`user pool ${label} with all its users, groups and app clients`)) return;
        await idp.send(new DeleteUserPoolCommand({ UserPoolId: poolSelect.value }));
        await loadPools();
      }))),
    form(status, 'New user pool', 'Add user pool', async () => {
      const made = await idp.send(new CreateUserPoolCommand({ PoolName: newPool.value.trim() }));
      newPool.value = '';
      await loadPools(made.UserPool!.Id!);
    }, field('New user pool name', newPool)),
    status, detail, pool);
  await attempt(status, () => loadPools());
}
