// Console: IAM users (create, inspect, delete after removing keys, policies and group memberships,
// as IAM requires) and their access keys (create, shown once; deactivate or activate; delete).
import {
  CreateAccessKeyCommand, CreateUserCommand, DeleteAccessKeyCommand, DeleteUserCommand, DeleteUserPolicyCommand, DetachUserPolicyCommand, GetUserCommand,
  IAMClient, ListAccessKeysCommand, ListAttachedUserPoliciesCommand, ListGroupsForUserCommand, ListUserPoliciesCommand, ListUsersCommand,
  RemoveUserFromGroupCommand, UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import type { Credentials } from './credentials';
import { actions, attempt, block, button, confirmed, counted, field, form, h, input, inspector, listAll, replace, show, table, view } from './console-kit';

export async function render(panel: HTMLElement, creds: Credentials): Promise<void> {
  const iam = new IAMClient({ endpoint: location.origin, region: 'us-east-1', credentials: creds });
  const { status, list, detail } = view();
  const name = input('new-iam-user-name', '', { required: true });

  async function refresh(): Promise<void> {
    const listed = await listAll((Marker) => iam.send(new ListUsersCommand({ MaxItems: 100, Marker })).then((o) => [o.Users, o.IsTruncated ? o.Marker : undefined]));
    replace(list, table(['User', 'ARN', 'Actions'], listed.items.map((u) => [h('code', {}, u.UserName!), h('code', {}, u.Arn!), actions(
      button('Inspect', `Inspect IAM user ${u.UserName}`, () => void attempt(status, () => inspect(u.UserName!))),
      button('Delete', `Delete IAM user ${u.UserName}`, () => void attempt(status, async () => {
        if (!confirmed(`IAM user ${u.UserName} (its access keys and inline policies are deleted, managed policies detached and group memberships removed first)`)) return;
        const UserName = u.UserName!;
        for (const k of (await iam.send(new ListAccessKeysCommand({ UserName }))).AccessKeyMetadata ?? []) await iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: k.AccessKeyId! }));
        for (const p of (await iam.send(new ListUserPoliciesCommand({ UserName }))).PolicyNames ?? []) await iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName: p }));
        for (const p of (await iam.send(new ListAttachedUserPoliciesCommand({ UserName }))).AttachedPolicies ?? []) await iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn: p.PolicyArn! }));
        for (const g of (await iam.send(new ListGroupsForUserCommand({ UserName }))).Groups ?? []) await iam.send(new RemoveUserFromGroupCommand({ UserName, GroupName: g.GroupName! }));
        await iam.send(new DeleteUserCommand({ UserName }));
        replace(detail);
        await refresh();
      }))),
    ]), counted(listed, 'IAM users')));
  }

  async function inspect(UserName: string, created?: { id: string; secret: string }): Promise<void> {
    const [user, keys, groups, inline, attached] = await Promise.all([
      iam.send(new GetUserCommand({ UserName })).then((o) => o.User!),
      iam.send(new ListAccessKeysCommand({ UserName })).then((o) => o.AccessKeyMetadata ?? []),
      iam.send(new ListGroupsForUserCommand({ UserName })).then((o) => o.Groups ?? []),
      iam.send(new ListUserPoliciesCommand({ UserName })).then((o) => o.PolicyNames ?? []),
      iam.send(new ListAttachedUserPoliciesCommand({ UserName })).then((o) => o.AttachedPolicies ?? []),
    ]);
    show(detail, `IAM user ${UserName}`,
      inspector('User', { ...user, Groups: groups.map((g) => g.GroupName), InlinePolicies: inline, AttachedPolicies: attached.map((p) => p.PolicyArn) }),
      created ? h('div', { class: 'card', role: 'status' }, h('p', {}, 'New access key — the secret is shown this once; copy it now:'),
        h('p', {}, 'Access key id ', h('code', { id: 'new-key-id' }, created.id)), h('p', {}, 'Secret access key ', h('code', { id: 'new-key-secret' }, created.secret))) : null,
      block('Access keys',
        table(['Access key', 'Status', 'Created', 'Actions'], keys.map((k) => [h('code', {}, k.AccessKeyId!), k.Status ?? '', k.CreateDate ? new Date(k.CreateDate).toISOString() : '', actions(
          button(k.Status === 'Active' ? 'Deactivate' : 'Activate', `${k.Status === 'Active' ? 'Deactivate' : 'Activate'} key ${k.AccessKeyId}`, () => void attempt(status, async () => {
            await iam.send(new UpdateAccessKeyCommand({ UserName, AccessKeyId: k.AccessKeyId!, Status: k.Status === 'Active' ? 'Inactive' : 'Active' }));
            await inspect(UserName);
          })),
          button('Delete', `Delete key ${k.AccessKeyId}`, () => void attempt(status, async () => {
            if (!confirmed(`access key ${k.AccessKeyId}`)) return;
            await iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: k.AccessKeyId! }));
            await inspect(UserName);
          })))]), `${keys.length} access keys (at most 2)`),
        h('p', {}, button('Create access key', `Create access key for ${UserName}`, () => void attempt(status, async () => {
          const k = (await iam.send(new CreateAccessKeyCommand({ UserName }))).AccessKey!;
          await inspect(UserName, { id: k.AccessKeyId!, secret: k.SecretAccessKey! });
        }), ''))));
  }

  replace(panel, h('h2', {}, 'IAM users'),
    h('p', { class: 'muted' }, 'IAM users sign with long-term access keys (no passwords or MFA devices in Tessera).'),
    form(status, 'Create IAM user', 'Create IAM user', async () => {
      const made = name.value.trim();
      await iam.send(new CreateUserCommand({ UserName: made }));
      name.value = '';
      await refresh();
      await inspect(made);
    }, field('IAM user name', name)),
    status, list, detail);
  await attempt(status, refresh);
}
