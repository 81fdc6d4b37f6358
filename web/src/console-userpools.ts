import {
  AdminCreateUserCommand, AdminDeleteUserCommand, AdminGetUserCommand, AdminUpdateUserAttributesCommand, CognitoIdentityProviderClient,
  ListGroupsCommand, ListUserPoolClientsCommand, ListUserPoolsCommand, ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Credentials } from './credentials';
import { field, h, replace } from './dom';
import { attempt, inspector, table } from './ui';

export async function render(panel: HTMLElement, creds: Credentials): Promise<void> {
  const idp = new CognitoIdentityProviderClient({ endpoint: location.origin, region: 'us-east-1', credentials: creds });
  const status = h('div');
  const poolSelect = h('select', { id: 'user-pool' });
  const pool = h('div');
  const detail = h('div');
  const username = h('input', { id: 'new-user-name', required: true, autocomplete: 'off' });
  const email = h('input', { id: 'new-user-email', type: 'email', autocomplete: 'off' });

  async function showPool(): Promise<void> {
    const id = poolSelect.value;
    if (!id) return replace(pool, h('p', {}, 'No user pool.'));
    const [users, clients, groups] = await Promise.all([
      idp.send(new ListUsersCommand({ UserPoolId: id, Limit: 60 })),
      idp.send(new ListUserPoolClientsCommand({ UserPoolId: id, MaxResults: 60 })),
      idp.send(new ListGroupsCommand({ UserPoolId: id, Limit: 60 })),
    ]);
    const attr = (u: { Attributes?: Array<{ Name?: string; Value?: string }> }, n: string) => u.Attributes?.find((a) => a.Name === n)?.Value ?? '';
    replace(pool,
      table(['User', 'Email', 'Status', 'Actions'], (users.Users ?? []).map((u) => [h('code', {}, u.Username!), attr(u, 'email'), u.UserStatus ?? '', h('div', { class: 'row' },
        h('button', { type: 'button', class: 'secondary', 'aria-label': `Inspect ${u.Username}`, onclick: () => attempt(status, async () => { const got = await idp.send(new AdminGetUserCommand({ UserPoolId: id, Username: u.Username! })); const { $metadata: _m, ...rest } = got; replace(detail, inspector(`User ${u.Username}`, rest)); }) }, 'Inspect'),
        h('button', { type: 'button', class: 'secondary', 'aria-label': `Edit ${u.Username}`, onclick: () => editUser(id, u.Username!, attr(u, 'email')) }, 'Edit'),
        h('button', { type: 'button', class: 'secondary', 'aria-label': `Delete ${u.Username}`, onclick: () => attempt(status, async () => {
          if (!confirm(`Delete user ${u.Username}?`)) return;
          await idp.send(new AdminDeleteUserCommand({ UserPoolId: id, Username: u.Username! }));
          replace(detail);
          await showPool();
        }) }, 'Delete'))]), `${users.Users?.length ?? 0} users`),
      table(['App client', 'Id'], (clients.UserPoolClients ?? []).map((c) => [c.ClientName ?? '', h('code', {}, c.ClientId!)]), 'App clients'),
      table(['Group', 'Description'], (groups.Groups ?? []).map((g) => [g.GroupName ?? '', g.Description ?? '']), 'Groups'),
      h('form', { class: 'card', 'aria-label': 'Create user', onsubmit: (e: Event) => {
        e.preventDefault();
        void attempt(status, async () => {
          await idp.send(new AdminCreateUserCommand({ UserPoolId: id, Username: username.value, MessageAction: 'SUPPRESS', ...(email.value ? { UserAttributes: [{ Name: 'email', Value: email.value }] } : {}) }));
          username.value = '';
          email.value = '';
          await showPool();
        });
      } }, h('h3', {}, 'Create user'), field('Username', username), field('Email (optional)', email), h('p', {}, h('button', { type: 'submit' }, 'Create user'))));
  }

  function editUser(poolId: string, name: string, current: string): void {
    const e = h('input', { id: 'edit-user-email', type: 'email', value: current, required: true });
    replace(detail, h('form', { class: 'card', 'aria-label': 'Edit user', onsubmit: (ev: Event) => {
      ev.preventDefault();
      void attempt(status, async () => {
        await idp.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: name, UserAttributes: [{ Name: 'email', Value: e.value }] }));
        await showPool();
      });
    } }, h('h3', {}, `Edit ${name}`), field('Email', e), h('p', {}, h('button', { type: 'submit' }, 'Save'))));
    e.focus();
  }

  poolSelect.addEventListener('change', () => void attempt(status, showPool));
  replace(panel, h('h2', {}, 'User pools'), field('User pool', poolSelect), status, pool, detail);
  await attempt(status, async () => {
    const pools = (await idp.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? [];
    replace(poolSelect, ...pools.map((p) => h('option', { value: p.Id! }, `${p.Name} (${p.Id})`)));
    await showPool();
  });
}
