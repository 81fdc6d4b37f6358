// Console: customer managed policies (create; inspect the default version's document and the
// versions; create a version, optionally as the default; set the default; delete a non-default
// version; delete the policy, its non-default versions first, as IAM requires).
import {
  CreatePolicyCommand, CreatePolicyVersionCommand, DeletePolicyCommand, DeletePolicyVersionCommand, GetPolicyCommand, GetPolicyVersionCommand,
  IAMClient, ListPoliciesCommand, ListPolicyVersionsCommand, SetDefaultPolicyVersionCommand,
} from '@aws-sdk/client-iam';
import type { Credentials } from './credentials';
import { EXAMPLE_POLICY, actions, area, attempt, block, button, checkbox, confirmed, counted, field, form, h, input, inspector, listAll, policyDoc, pretty, replace, show, table, view } from './console-kit';

export async function render(panel: HTMLElement, creds: Credentials): Promise<void> {
  const iam = new IAMClient({ endpoint: location.origin, region: 'us-east-1', credentials: creds });
  const { status, list, detail } = view();
  const name = input('new-policy-name', '', { required: true });
  const description = input('new-policy-description');
  const doc = area('new-policy-document', EXAMPLE_POLICY, { required: true });

  async function refresh(): Promise<void> {
    const listed = await listAll((Marker) => iam.send(new ListPoliciesCommand({ Scope: 'Local', MaxItems: 100, Marker })).then((o) => [o.Policies, o.IsTruncated ? o.Marker : undefined]));
    replace(list, table(['Policy', 'Default version', 'Attachments', 'Actions'], listed.items.map((p) => [h('code', {}, p.PolicyName!), p.DefaultVersionId ?? '', String(p.AttachmentCount ?? 0), actions(
      button('Inspect', `Inspect policy ${p.PolicyName}`, () => void attempt(status, () => inspect(p.Arn!))),
      button('Delete', `Delete policy ${p.PolicyName}`, () => void attempt(status, async () => {
        if (!confirmed(`policy ${p.PolicyName} and all its versions`)) return;
        const versions = (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: p.Arn! }))).Versions ?? [];
        for (const v of versions) if (!v.IsDefaultVersion) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: p.Arn!, VersionId: v.VersionId! }));
        await iam.send(new DeletePolicyCommand({ PolicyArn: p.Arn! }));
        replace(detail);
        await refresh();
      }))),
    ]), counted(listed, 'customer managed policies')));
  }

  async function inspect(arn: string): Promise<void> {
    const policy = (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!;
    const [current, versions] = await Promise.all([
      iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.DefaultVersionId! })).then((o) => o.PolicyVersion!),
      iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn })).then((o) => o.Versions ?? []),
    ]);
    const next = area('policy-version-document', pretty(policyDoc(current.Document)), { required: true });
    const asDefault = checkbox('policy-version-default', true);
    const versionDetail = h('div');
    show(detail, `Policy ${policy.PolicyName}`,
      inspector('Policy', policy),
      inspector(`Default version ${current.VersionId}`, policyDoc(current.Document)),
      block('Versions',
        table(['Version', 'Default', 'Created', 'Actions'], versions.map((v) => [v.VersionId!, v.IsDefaultVersion ? 'default' : '', v.CreateDate ? new Date(v.CreateDate).toISOString() : '', actions(
          button('View', `View version ${v.VersionId}`, () => void attempt(status, async () => {
            const got = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: v.VersionId! }))).PolicyVersion!;
            replace(versionDetail, inspector(`Version ${v.VersionId}`, policyDoc(got.Document)));
          })),
          ...(v.IsDefaultVersion ? [] : [
            button('Set as default', `Set as default version ${v.VersionId}`, () => void attempt(status, async () => {
              await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: v.VersionId! }));
              await inspect(arn);
              await refresh();
            })),
            button('Delete', `Delete version ${v.VersionId}`, () => void attempt(status, async () => {
              if (!confirmed(`version ${v.VersionId} of ${policy.PolicyName}`)) return;
              await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v.VersionId! }));
              await inspect(arn);
            })),
          ]))]), `${versions.length} versions (at most 5)`),
        versionDetail,
        form(status, 'Create a new version', 'Create version', async () => {
          await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: next.value, SetAsDefault: asDefault.checked }));
          await inspect(arn);
          await refresh();
        }, field('New version document (JSON)', next), field('Set as the default version', asDefault))));
  }

  replace(panel, h('h2', {}, 'IAM managed policies'),
    form(status, 'Create managed policy', 'Create policy', async () => {
      const made = await iam.send(new CreatePolicyCommand({ PolicyName: name.value.trim(), PolicyDocument: doc.value, ...(description.value.trim() ? { Description: description.value.trim() } : {}) }));
      name.value = '';
      description.value = '';
      await refresh();
      await inspect(made.Policy!.Arn!);
    }, field('Policy name', name), field('Description (optional)', description), field('Policy document (JSON)', doc)),
    status, list, detail);
  await attempt(status, refresh);
}
