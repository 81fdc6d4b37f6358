// Console: IAM roles (create with a trust policy; edit description, maximum session duration and
// trust policy; inline policies; attached managed policies; delete after removing both, as IAM
// requires), then the OIDC and SAML identity providers (./console-iam-providers).
import {
  AttachRolePolicyCommand, CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, DetachRolePolicyCommand, GetRoleCommand, GetRolePolicyCommand,
  IAMClient, ListAttachedRolePoliciesCommand, ListPoliciesCommand, ListRolePoliciesCommand, ListRolesCommand, PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand, UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import type { Credentials } from './credentials';
import { EXAMPLE_POLICY, actions, area, attempt, block, button, confirmed, counted, field, form, h, input, inspector, listAll, policyDoc, pretty, replace, select, show, table, view } from './console-kit';
import { renderProviders } from './console-iam-providers';

const DEFAULT_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': '<identity pool id>' }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } } }] }, null, 2);

export async function render(panel: HTMLElement, creds: Credentials): Promise<void> {
  const iam = new IAMClient({ endpoint: location.origin, region: 'us-east-1', credentials: creds });
  const { status, list, detail } = view();
  const name = input('new-role-name', '', { required: true });
  const description = input('new-role-description');
  const trust = area('new-role-trust', DEFAULT_TRUST, { required: true });

  async function refresh(): Promise<void> {
    const listed = await listAll((Marker) => iam.send(new ListRolesCommand({ MaxItems: 100, Marker })).then((o) => [o.Roles, o.IsTruncated ? o.Marker : undefined]));
    replace(list, table(['Role', 'Description', 'Actions'], listed.items.map((r) => [h('code', {}, r.RoleName!), r.Description ?? '', actions(
      button('Inspect', `Inspect ${r.RoleName}`, () => void attempt(status, () => inspect(r.RoleName!))),
      button('Edit', `Edit ${r.RoleName}`, () => void attempt(status, () => edit(r.RoleName!))),
      button('Delete', `Delete ${r.RoleName}`, () => void attempt(status, async () => {
        if (!confirmed(`role ${r.RoleName} (its inline policies are deleted and its managed policies detached first)`)) return;
        for (const p of (await iam.send(new ListRolePoliciesCommand({ RoleName: r.RoleName! }))).PolicyNames ?? []) await iam.send(new DeleteRolePolicyCommand({ RoleName: r.RoleName!, PolicyName: p }));
        for (const p of (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: r.RoleName! }))).AttachedPolicies ?? []) await iam.send(new DetachRolePolicyCommand({ RoleName: r.RoleName!, PolicyArn: p.PolicyArn! }));
        await iam.send(new DeleteRoleCommand({ RoleName: r.RoleName! }));
        replace(detail);
        await refresh();
      }))),
    ]), counted(listed, 'roles')));
  }

  async function inspect(roleName: string): Promise<void> {
    const [role, names, attached, policies] = await Promise.all([
      iam.send(new GetRoleCommand({ RoleName: roleName })).then((o) => o.Role!),
      iam.send(new ListRolePoliciesCommand({ RoleName: roleName })).then((o) => o.PolicyNames ?? []),
      iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName })).then((o) => o.AttachedPolicies ?? []),
      listAll((Marker) => iam.send(new ListPoliciesCommand({ Scope: 'Local', MaxItems: 100, Marker })).then((o) => [o.Policies, o.IsTruncated ? o.Marker : undefined])).then((l) => l.items),
    ]);
    const inline = await Promise.all(names.map(async (p) => ({ name: p, document: policyDoc((await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: p }))).PolicyDocument) })));
    const inlineName = input('inline-policy-name', '', { required: true });
    const inlineDoc = area('inline-policy-document', EXAMPLE_POLICY, { required: true });
    const attachable = policies.filter((p) => !attached.some((a) => a.PolicyArn === p.Arn));
    const attach = select('attach-policy', attachable.map((p) => [p.Arn!, p.PolicyName!]));
    show(detail, `Role ${roleName}`,
      inspector('Role', { RoleName: role.RoleName, Arn: role.Arn, RoleId: role.RoleId, Description: role.Description, MaxSessionDuration: role.MaxSessionDuration, CreateDate: role.CreateDate, Tags: role.Tags }),
      inspector('Trust policy', policyDoc(role.AssumeRolePolicyDocument)),
      block('Inline policies',
        ...inline.map((p) => h('details', { class: 'card' }, h('summary', {}, p.name), h('pre', {}, pretty(p.document)), actions(
          button('Edit', `Edit inline policy ${p.name}`, () => { inlineName.value = p.name; inlineDoc.value = pretty(p.document); inlineDoc.focus(); }),
          button('Delete', `Delete inline policy ${p.name}`, () => void attempt(status, async () => {
            if (!confirmed(`inline policy ${p.name}`)) return;
            await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: p.name }));
            await inspect(roleName);
          }))))),
        inline.length ? null : h('p', { class: 'muted' }, 'No inline policies.'),
        form(status, 'Put an inline policy', 'Put inline policy', async () => {
          await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: inlineName.value.trim(), PolicyDocument: inlineDoc.value }));
          await inspect(roleName);
        }, field('Inline policy name', inlineName), field('Inline policy document (JSON)', inlineDoc))),
      block('Attached managed policies',
        table(['Policy', 'ARN', 'Actions'], attached.map((p) => [p.PolicyName!, h('code', {}, p.PolicyArn!), actions(
          button('Detach', `Detach ${p.PolicyName}`, () => void attempt(status, async () => {
            await iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: p.PolicyArn! }));
            await inspect(roleName);
          })))]), `${attached.length} attached managed policies`),
        attachable.length
          ? form(status, 'Attach a managed policy', 'Attach policy', async () => {
            await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: attach.value }));
            await inspect(roleName);
          }, field('Managed policy', attach))
          : h('p', { class: 'muted' }, 'No other customer managed policy to attach (create one in the IAM policies tab).')));
  }

  async function edit(roleName: string): Promise<void> {
    const role = (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role!;
    const d = input('edit-role-description', role.Description ?? '');
    const max = input('edit-role-max-session', String(role.MaxSessionDuration ?? 3600), { type: 'number', min: '3600', max: '43200', step: '1', required: true });
    const t = area('edit-role-trust', pretty(policyDoc(role.AssumeRolePolicyDocument)), { required: true });
    const original = t.value;
    show(detail, `Edit ${roleName}`, h('form', { 'aria-label': 'Edit role', onsubmit: (e: Event) => {
      e.preventDefault();
      void attempt(status, async () => {
        await iam.send(new UpdateRoleCommand({ RoleName: roleName, Description: d.value, MaxSessionDuration: Number(max.value) }));
        if (t.value !== original) await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: t.value }));
        await refresh();
        await inspect(roleName);
      });
    } }, field('Description', d), field('Maximum session duration (seconds, 3600 to 43200)', max), field('Trust policy (JSON)', t), h('p', {}, h('button', { type: 'submit' }, 'Save'))));
    d.focus();
  }

  const providers = h('div');
  replace(panel, h('h2', {}, 'IAM roles'),
    form(status, 'Create role', 'Create role', async () => {
      const made = name.value.trim();
      await iam.send(new CreateRoleCommand({ RoleName: made, AssumeRolePolicyDocument: trust.value, ...(description.value.trim() ? { Description: description.value.trim() } : {}) }));
      name.value = '';
      description.value = '';
      await refresh();
      await inspect(made);
    }, field('Role name', name), field('Description (optional)', description), field('Trust policy (JSON)', trust)),
    status, list, detail, providers);
  await attempt(status, refresh);
  await renderProviders(providers, iam);
}
