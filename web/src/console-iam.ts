import {
  CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, GetRoleCommand, IAMClient, ListOpenIDConnectProvidersCommand, ListRolePoliciesCommand,
  ListRolesCommand, ListSAMLProvidersCommand, GetRolePolicyCommand, UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import type { Credentials } from './credentials';
import { field, h, replace } from './dom';
import { attempt, inspector, table } from './ui';

const DEFAULT_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': '<identity pool id>' } } }] }, null, 2);

export async function render(panel: HTMLElement, creds: Credentials): Promise<void> {
  const iam = new IAMClient({ endpoint: location.origin, region: 'us-east-1', credentials: creds });
  const status = h('div');
  const list = h('div');
  const providers = h('div');
  const detail = h('div');
  const name = h('input', { id: 'new-role-name', required: true, autocomplete: 'off' });
  const trust = h('textarea', { id: 'new-role-trust', spellcheck: 'false' }, DEFAULT_TRUST);

  async function refresh(): Promise<void> {
    const roles = (await iam.send(new ListRolesCommand({}))).Roles ?? [];
    replace(list, table(['Role', 'Description', 'Actions'], roles.map((r) => [h('code', {}, r.RoleName!), r.Description ?? '', h('div', { class: 'row' },
      h('button', { type: 'button', class: 'secondary', 'aria-label': `Inspect ${r.RoleName}`, onclick: () => attempt(status, () => inspect(r.RoleName!)) }, 'Inspect'),
      h('button', { type: 'button', class: 'secondary', 'aria-label': `Edit ${r.RoleName}`, onclick: () => edit(r.RoleName!, r.Description ?? '') }, 'Edit'),
      h('button', { type: 'button', class: 'secondary', 'aria-label': `Delete ${r.RoleName}`, onclick: () => attempt(status, async () => {
        if (!confirm(`Delete role ${r.RoleName}?`)) return;
        for (const p of (await iam.send(new ListRolePoliciesCommand({ RoleName: r.RoleName! }))).PolicyNames ?? []) await iam.send(new DeleteRolePolicyCommand({ RoleName: r.RoleName!, PolicyName: p }));
        await iam.send(new DeleteRoleCommand({ RoleName: r.RoleName! }));
        replace(detail);
        await refresh();
      }) }, 'Delete'))]), `${roles.length} roles`));
    const [oidc, saml] = await Promise.all([iam.send(new ListOpenIDConnectProvidersCommand({})), iam.send(new ListSAMLProvidersCommand({}))]);
    replace(providers, table(['Kind', 'ARN'], [
      ...(oidc.OpenIDConnectProviderList ?? []).map((p) => ['OIDC', h('code', {}, p.Arn!)] as Array<Node | string>),
      ...(saml.SAMLProviderList ?? []).map((p) => ['SAML', h('code', {}, p.Arn!)] as Array<Node | string>),
    ], 'IAM identity providers'));
  }

  async function inspect(roleName: string): Promise<void> {
    const role = (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role!;
    const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? [];
    const policies = await Promise.all(names.map(async (p) => ({ name: p, document: JSON.parse(decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: p }))).PolicyDocument!)) })));
    replace(detail, inspector(`Role ${roleName}`, { Arn: role.Arn, Description: role.Description, MaxSessionDuration: role.MaxSessionDuration }),
      inspector('Trust policy', JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument ?? '{}'))), inspector('Inline policies', policies));
  }

  function edit(roleName: string, description: string): void {
    const d = h('input', { id: 'edit-role-description', value: description });
    replace(detail, h('form', { class: 'card', 'aria-label': 'Edit role', onsubmit: (e: Event) => {
      e.preventDefault();
      void attempt(status, async () => {
        await iam.send(new UpdateRoleCommand({ RoleName: roleName, Description: d.value }));
        await refresh();
        await inspect(roleName);
      });
    } }, h('h3', {}, `Edit ${roleName}`), field('Description', d), h('p', {}, h('button', { type: 'submit' }, 'Save'))));
    d.focus();
  }

  replace(panel, h('h2', {}, 'IAM roles and providers'),
    h('form', { class: 'card', 'aria-label': 'Create role', onsubmit: (e: Event) => {
      e.preventDefault();
      void attempt(status, async () => {
        await iam.send(new CreateRoleCommand({ RoleName: name.value, AssumeRolePolicyDocument: trust.value }));
        const made = name.value;
        name.value = '';
        await refresh();
        await inspect(made);
      });
    } }, h('h3', {}, 'Create role'), field('Role name', name), field('Trust policy (JSON)', trust), h('p', {}, h('button', { type: 'submit' }, 'Create role'))),
    status, list, providers, detail);
  await attempt(status, refresh);
}
