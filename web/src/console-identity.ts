import {
  CognitoIdentityClient, CreateIdentityPoolCommand, DeleteIdentityPoolCommand, DescribeIdentityPoolCommand, GetIdentityPoolRolesCommand,
  ListIdentitiesCommand, ListIdentityPoolsCommand, SetIdentityPoolRolesCommand, UpdateIdentityPoolCommand,
} from '@aws-sdk/client-cognito-identity';
import type { Credentials } from './credentials';
import { field, h, replace } from './dom';
import { attempt, inspector, table } from './ui';

export async function render(panel: HTMLElement, creds: Credentials): Promise<void> {
  const client = new CognitoIdentityClient({ endpoint: location.origin, region: 'us-east-1', credentials: creds });
  const status = h('div');
  const detail = h('div');
  const list = h('div');
  const name = h('input', { id: 'new-pool-name', required: true, autocomplete: 'off' });
  const guest = h('input', { id: 'new-pool-guest', type: 'checkbox' });
  guest.style.width = 'auto';

  async function refresh(): Promise<void> {
    const pools = (await client.send(new ListIdentityPoolsCommand({ MaxResults: 60 }))).IdentityPools ?? [];
    replace(list, table(['Name', 'Id', 'Actions'], pools.map((p) => [p.IdentityPoolName!, h('code', {}, p.IdentityPoolId!), h('div', { class: 'row' },
      h('button', { type: 'button', class: 'secondary', 'aria-label': `Inspect ${p.IdentityPoolName}`, onclick: () => attempt(status, () => inspect(p.IdentityPoolId!)) }, 'Inspect'),
      h('button', { type: 'button', class: 'secondary', 'aria-label': `Edit ${p.IdentityPoolName}`, onclick: () => edit(p.IdentityPoolId!) }, 'Edit'),
      h('button', { type: 'button', class: 'secondary', 'aria-label': `Delete ${p.IdentityPoolName}`, onclick: () => attempt(status, async () => {
        if (!confirm(`Delete identity pool ${p.IdentityPoolName}?`)) return;
        await client.send(new DeleteIdentityPoolCommand({ IdentityPoolId: p.IdentityPoolId! }));
        replace(detail);
        await refresh();
      }) }, 'Delete'))]), `${pools.length} identity pools`));
  }

  async function inspect(id: string): Promise<void> {
    const [pool, roles, identities] = await Promise.all([
      client.send(new DescribeIdentityPoolCommand({ IdentityPoolId: id })),
      client.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: id })),
      client.send(new ListIdentitiesCommand({ IdentityPoolId: id, MaxResults: 60 })),
    ]);
    const strip = (o: object) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== '$metadata'));
    replace(detail, inspector(`Identity pool ${pool.IdentityPoolName}`, strip(pool)), inspector('Roles and role mappings', strip(roles)), inspector('Identities', identities.Identities ?? []));
  }

  function edit(id: string): void {
    void attempt(status, async () => {
      const pool = await client.send(new DescribeIdentityPoolCommand({ IdentityPoolId: id }));
      const n = h('input', { id: 'edit-pool-name', value: pool.IdentityPoolName!, required: true });
      const g = h('input', { id: 'edit-pool-guest', type: 'checkbox', checked: pool.AllowUnauthenticatedIdentities === true });
      g.style.width = 'auto';
      const role = h('input', { id: 'edit-pool-auth-role', placeholder: 'arn:aws:iam::…:role/…' });
      replace(detail, h('form', { class: 'card', 'aria-label': 'Edit identity pool', onsubmit: (e: Event) => {
        e.preventDefault();
        void attempt(status, async () => {
          const { $metadata: _m, ...rest } = pool;
          await client.send(new UpdateIdentityPoolCommand({ ...rest, IdentityPoolId: id, IdentityPoolName: n.value, AllowUnauthenticatedIdentities: g.checked }));
          if (role.value.trim()) await client.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: id, Roles: { authenticated: role.value.trim() } }));
          await refresh();
          await inspect(id);
        });
      } }, h('h3', {}, `Edit ${pool.IdentityPoolName}`), field('Name', n), field('Allow guest access', g), field('Authenticated role ARN (optional)', role), h('p', {}, h('button', { type: 'submit' }, 'Save'))));
      n.focus();
    });
  }

  replace(panel,
    h('h2', {}, 'Identity pools'),
    h('form', { class: 'card', 'aria-label': 'Create identity pool', onsubmit: (e: Event) => {
      e.preventDefault();
      void attempt(status, async () => {
        const made = await client.send(new CreateIdentityPoolCommand({ IdentityPoolName: name.value, AllowUnauthenticatedIdentities: guest.checked }));
        name.value = '';
        await refresh();
        await inspect(made.IdentityPoolId!);
      });
    } }, h('h3', {}, 'Create identity pool'), field('Name', name), field('Allow guest access', guest), h('p', {}, h('button', { type: 'submit' }, 'Create identity pool'))),
    status, list, detail);
  await attempt(status, refresh);
}
