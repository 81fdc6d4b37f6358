// Console: IAM OpenID Connect providers (create, inspect, add/remove client ids, replace thumbprints,
// delete) and SAML providers (create from metadata XML, inspect, update metadata, delete).
import {
  AddClientIDToOpenIDConnectProviderCommand, CreateOpenIDConnectProviderCommand, CreateSAMLProviderCommand, DeleteOpenIDConnectProviderCommand,
  DeleteSAMLProviderCommand, GetOpenIDConnectProviderCommand, GetSAMLProviderCommand, ListOpenIDConnectProvidersCommand, ListSAMLProvidersCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand, UpdateOpenIDConnectProviderThumbprintCommand, UpdateSAMLProviderCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import { actions, area, attempt, block, button, confirmed, field, form, h, input, inspector, lines, replace, show, strip, table, view } from './console-kit';

const tail = (arn: string) => arn.slice(arn.indexOf('/') + 1);

export async function renderProviders(target: HTMLElement, iam: IAMClient): Promise<void> {
  const oidc = view();
  const saml = view();
  const url = input('new-oidc-url', '', { required: true, type: 'url', placeholder: 'https://idp.example.com' });
  const clientIds = area('new-oidc-client-ids', '', { placeholder: 'one per line' });
  const thumbprints = area('new-oidc-thumbprints', '', { placeholder: '40 hex digits, one per line (optional)' });
  const samlName = input('new-saml-name', '', { required: true });
  const metadata = area('new-saml-metadata', '', { required: true, placeholder: '<EntityDescriptor …>' });

  async function refreshOidc(): Promise<void> {
    const providers = (await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? [];
    replace(oidc.list, table(['Provider', 'ARN', 'Actions'], providers.map((p) => [tail(p.Arn!), h('code', {}, p.Arn!), actions(
      button('Inspect', `Inspect OIDC provider ${tail(p.Arn!)}`, () => void attempt(oidc.status, () => inspectOidc(p.Arn!))),
      button('Delete', `Delete OIDC provider ${tail(p.Arn!)}`, () => void attempt(oidc.status, async () => {
        if (!confirmed(`OIDC provider ${tail(p.Arn!)}`)) return;
        await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: p.Arn! }));
        replace(oidc.detail);
        await refreshOidc();
      }))),
    ]), `${providers.length} OpenID Connect providers`));
  }

  async function inspectOidc(arn: string): Promise<void> {
    const got = strip(await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })));
    const add = input('oidc-add-client-id', '', { required: true });
    const prints = area('oidc-thumbprints', (got.ThumbprintList ?? []).join('\n'));
    show(oidc.detail, `OIDC provider ${tail(arn)}`,
      inspector('Provider', { Arn: arn, ...got }),
      block('Client ids (audiences)',
        table(['Client id', 'Actions'], (got.ClientIDList ?? []).map((c) => [h('code', {}, c), actions(button('Remove', `Remove client id ${c}`, () => void attempt(oidc.status, async () => {
          await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: c }));
          await inspectOidc(arn);
        })))]), `${got.ClientIDList?.length ?? 0} client ids`),
        form(oidc.status, 'Add a client id', 'Add client id', async () => {
          await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: add.value.trim() }));
          await inspectOidc(arn);
        }, field('Client id to add', add))),
      form(oidc.status, 'Thumbprints', 'Update thumbprints', async () => {
        await iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: lines(prints.value) }));
        await inspectOidc(arn);
      }, field('Thumbprints of the provider\'s certificates, one per line (replaces the list)', prints)));
  }

  async function refreshSaml(): Promise<void> {
    const providers = (await iam.send(new ListSAMLProvidersCommand({}))).SAMLProviderList ?? [];
    replace(saml.list, table(['Provider', 'Valid until', 'Actions'], providers.map((p) => [h('code', {}, p.Arn!), p.ValidUntil ? new Date(p.ValidUntil).toISOString() : '', actions(
      button('Inspect', `Inspect SAML provider ${tail(p.Arn!)}`, () => void attempt(saml.status, () => inspectSaml(p.Arn!))),
      button('Delete', `Delete SAML provider ${tail(p.Arn!)}`, () => void attempt(saml.status, async () => {
        if (!confirmed(`SAML provider ${tail(p.Arn!)}`)) return;
        await iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: p.Arn! }));
        replace(saml.detail);
        await refreshSaml();
      }))),
    ]), `${providers.length} SAML providers`));
  }

  async function inspectSaml(arn: string): Promise<void> {
    const got = strip(await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn })));
    const doc = area('saml-metadata', got.SAMLMetadataDocument ?? '', { required: true });
    const { SAMLMetadataDocument: _doc, ...rest } = got;
    show(saml.detail, `SAML provider ${tail(arn)}`,
      inspector('Provider', { Arn: arn, ...rest }),
      h('details', { class: 'card' }, h('summary', {}, 'Metadata document'), h('pre', {}, got.SAMLMetadataDocument ?? '')),
      form(saml.status, 'Update metadata', 'Update metadata', async () => {
        await iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arn, SAMLMetadataDocument: doc.value }));
        await inspectSaml(arn);
      }, field('New metadata document (XML)', doc)));
  }

  replace(target,
    h('h2', {}, 'OpenID Connect providers'),
    form(oidc.status, 'Create OIDC provider', 'Create OIDC provider', async () => {
      const made = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: url.value.trim(), ClientIDList: lines(clientIds.value), ThumbprintList: lines(thumbprints.value) }));
      url.value = clientIds.value = thumbprints.value = '';
      await refreshOidc();
      await inspectOidc(made.OpenIDConnectProviderArn!);
    }, field('Provider URL (https, the tokens\' iss)', url), field('Client ids (audiences), one per line', clientIds), field('Thumbprints, one per line (optional)', thumbprints)),
    oidc.status, oidc.list, oidc.detail,
    h('h2', {}, 'SAML providers'),
    form(saml.status, 'Create SAML provider', 'Create SAML provider', async () => {
      const made = await iam.send(new CreateSAMLProviderCommand({ Name: samlName.value.trim(), SAMLMetadataDocument: metadata.value }));
      samlName.value = metadata.value = '';
      await refreshSaml();
      await inspectSaml(made.SAMLProviderArn!);
    }, field('SAML provider name', samlName), field('Metadata document (XML, from the identity provider)', metadata)),
    saml.status, saml.list, saml.detail);
  await Promise.all([attempt(oidc.status, refreshOidc), attempt(saml.status, refreshSaml)]);
}
