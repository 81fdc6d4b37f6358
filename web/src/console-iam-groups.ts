// Console: IAM groups (create; inspect members, inline and attached policies; add and remove
// users; put and delete inline policies; attach and detach managed policies; delete after
// removing members and policies, as IAM requires).
import {
  AddUserToGroupCommand, AttachGroupPolicyCommand, CreateGroupCommand, DeleteGroupCommand, DeleteGroupPolicyCommand, DetachGroupPolicyCommand, GetGroupCommand,
  GetGroupPolicyCommand, IAMClient, ListAttachedGroupPoliciesCommand, ListGroupPoliciesCommand, ListGroupsCommand, ListPoliciesCommand, ListUsersCommand,
  PutGroupPolicyCommand, RemoveUserFromGroupCommand,
} from '@aws-sdk/client-iam';
import type { Credentials } from './credentials';
import { EXAMPLE_POLICY, actions, area, attempt, block, button, confirmed, counted, field, form, h, input, inspector, listAll, policyDoc, pretty, replace, select, show, table, view } from './console-kit';

export async function render(panel: HTMLElement, creds: Credentials): Promise<void> {
  const iam = new IAMClient({ endpoint: location.origin, region: 'us-east-1', credentials: creds });
  const { status, list, detail } = view();
  const name = input('new-iam-group-name', '', { required: true });

  const members = (GroupName: string) => listAll((Marker) => iam.send(new GetGroupCommand({ GroupName, MaxItems: 100, Marker })).then((o) => [o.Users, o.IsTruncated ? o.Marker : undefined]));

  async function refresh(): Promise<void> {
    const listed = await listAll((Marker) => iam.send(new ListGroupsCommand({ MaxItems: 100, Marker })).then((o) => [o.Groups, o.IsTruncated ? o.Marker : undefined]));
    replace(list, table(['Group', 'ARN', 'Actions'], listed.items.map((g) => [h('code', {}, g.GroupName!), h('code', {}, g.Arn!), actions(
      button('Inspect', `Inspect IAM group ${g.GroupName}`, () => void attempt(status, () => inspect(g.GroupName!))),
      button('Delete', `Delete IAM group ${g.GroupName}`, () => void attempt(status, async () => {
        if (!confirmed(`IAM group ${g.GroupName} (its members are removed, its inline policies deleted and its managed policies detached first)`)) return;
        const GroupName = g.GroupName!;
        for (const u of (await members(GroupName)).items) await iam.send(new RemoveUserFromGroupCommand({ GroupName, UserName: u.UserName! }));
        for (const p of (await iam.send(new ListGroupPoliciesCommand({ GroupName }))).PolicyNames ?? []) await iam.send(new DeleteGroupPolicyCommand({ GroupName, PolicyName: p }));
        for (const p of (await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName }))).AttachedPolicies ?? []) await iam.send(new DetachGroupPolicyCommand({ GroupName, PolicyArn: p.PolicyArn! }));
        await iam.send(new DeleteGroupCommand({ GroupName }));
        replace(detail);
        await refresh();
      }))),
    ]), counted(listed, 'IAM groups')));
  }

  async function inspect(GroupName: string): Promise<void> {
    const [group, users, all, names, attached, policies] = await Promise.all([
      iam.send(new GetGroupCommand({ GroupName, MaxItems: 1 })).then((o) => o.Group!),
      members(GroupName),
      listAll((Marker) => iam.send(new ListUsersCommand({ MaxItems: 100, Marker })).then((o) => [o.Users, o.IsTruncated ? o.Marker : undefined])).then((l) => l.items),
      iam.send(new ListGroupPoliciesCommand({ GroupName })).then((o) => o.PolicyNames ?? []),
      iam.send(new ListAttachedGroupPoliciesCommand({ GroupName })).then((o) => o.AttachedPolicies ?? []),
      listAll((Marker) => iam.send(new ListPoliciesCommand({ Scope: 'Local', MaxItems: 100, Marker })).then((o) => [o.Policies, o.IsTruncated ? o.Marker : undefined])).then((l) => l.items),
    ]);
    const inline = await Promise.all(names.map(async (p) => ({ name: p, document: policyDoc((await iam.send(new GetGroupPolicyCommand({ GroupName, PolicyName: p }))).PolicyDocument) })));
    const others = all.filter((u) => !users.items.some((m) => m.UserName === u.UserName));
    const addUser = select('iam-group-add-user', others.map((u) => [u.UserName!, u.UserName!]));
    const inlineName = input('group-inline-policy-name', '', { required: true });
    const inlineDoc = area('group-inline-policy-document', EXAMPLE_POLICY, { required: true });
    const attachable = policies.filter((p) => !attached.some((a) => a.PolicyArn === p.Arn));
    const attach = select('group-attach-policy', attachable.map((p) => [p.Arn!, p.PolicyName!]));
    show(detail, `IAM group ${GroupName}`,
      inspector('Group', group),
      block('Members',
        table(['User', 'Actions'], users.items.map((u) => [h('code', {}, u.UserName!), actions(button('Remove', `Remove ${u.UserName} from IAM group ${GroupName}`, () => void attempt(status, async () => {
          await iam.send(new RemoveUserFromGroupCommand({ GroupName, UserName: u.UserName! }));
          await inspect(GroupName);
        })))]), counted(users, 'members')),
        others.length
          ? form(status, 'Add a user', 'Add user to group', async () => {
            await iam.send(new AddUserToGroupCommand({ GroupName, UserName: addUser.value }));
            await inspect(GroupName);
          }, field('IAM user to add', addUser))
          : h('p', { class: 'muted' }, 'Every IAM user is in this group (create users in the IAM users tab).')),
      block('Inline policies',
        ...inline.map((p) => h('details', { class: 'card' }, h('summary', {}, p.name), h('pre', {}, pretty(p.document)), actions(
          button('Edit', `Edit group inline policy ${p.name}`, () => { inlineName.value = p.name; inlineDoc.value = pretty(p.document); inlineDoc.focus(); }),
          button('Delete', `Delete group inline policy ${p.name}`, () => void attempt(status, async () => {
            if (!confirmed(`inline policy ${p.name}`)) return;
            await iam.send(new DeleteGroupPolicyCommand({ GroupName, PolicyName: p.name }));
            await inspect(GroupName);
          }))))),
        inline.length ? null : h('p', { class: 'muted' }, 'No inline policies.'),
        form(status, 'Put an inline policy', 'Put inline policy', async () => {
          await iam.send(new PutGroupPolicyCommand({ GroupName, PolicyName: inlineName.value.trim(), PolicyDocument: inlineDoc.value }));
          await inspect(GroupName);
        }, field('Inline policy name', inlineName), field('Inline policy document (JSON)', inlineDoc))),
      block('Attached managed policies',
        table(['Policy', 'ARN', 'Actions'], attached.map((p) => [p.PolicyName!, h('code', {}, p.PolicyArn!), actions(
          button('Detach', `Detach ${p.PolicyName} from IAM group ${GroupName}`, () => void attempt(status, async () => {
            await iam.send(new DetachGroupPolicyCommand({ GroupName, PolicyArn: p.PolicyArn! }));
            await inspect(GroupName);
          })))]), `${attached.length} attached managed policies (at most 10)`),
        attachable.length
          ? form(status, 'Attach a managed policy', 'Attach policy', async () => {
            await iam.send(new AttachGroupPolicyCommand({ GroupName, PolicyArn: attach.value }));
            await inspect(GroupName);
          }, field('Managed policy', attach))
          : h('p', { class: 'muted' }, 'No other customer managed policy to attach (create one in the IAM policies tab).')));
  }

  replace(panel, h('h2', {}, 'IAM groups'),
    h('p', { class: 'muted' }, 'Members of a group are allowed what its inline and attached policies allow, besides their own.'),
    form(status, 'Create IAM group', 'Create IAM group', async () => {
      const made = name.value.trim();
      await iam.send(new CreateGroupCommand({ GroupName: made }));
      name.value = '';
      await refresh();
      await inspect(made);
    }, field('IAM group name', name)),
    status, list, detail);
  await attempt(status, refresh);
}
