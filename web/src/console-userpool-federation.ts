// Console: a user pool's identity providers (OIDC and SAML: create, inspect, edit details,
// attribute mapping and identifiers, delete) and its domain (create, inspect, delete), with links
// to the managed login page of each app client that may use hosted sign-in.
import {
  CreateIdentityProviderCommand, CreateUserPoolDomainCommand, DeleteIdentityProviderCommand, DeleteUserPoolDomainCommand, DescribeIdentityProviderCommand,
  DescribeUserPoolClientCommand, DescribeUserPoolCommand, DescribeUserPoolDomainCommand, ListIdentityProvidersCommand, UpdateIdentityProviderCommand,
  type CognitoIdentityProviderClient, type IdentityProviderType, type IdentityProviderTypeType, type UserPoolClientDescription,
} from '@aws-sdk/client-cognito-identity-provider';
import { actions, area, attempt, block, button, confirmed, counted, field, h, input, inspector, lines, listAll, replace, select, show, strip, table } from './console-kit';

/** `pool attribute = provider attribute` lines. */
const mappingText = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).map(([k, v]) => `${k} = ${v}`).join('\n');
function parseMapping(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`Attribute mapping: "${line}" is not "pool attribute = provider attribute"`);
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** What DescribeIdentityProvider answers, with secrets hidden. */
function shown(p: IdentityProviderType): IdentityProviderType {
  const details = { ...(p.ProviderDetails ?? {}) };
  for (const k of ['client_secret', 'private_key']) if (details[k]) details[k] = '(hidden)';
  if (details.MetadataFile && details.MetadataFile.length > 200) details.MetadataFile = `${details.MetadataFile.slice(0, 200)}… (${details.MetadataFile.length} characters)`;
  return { ...p, ProviderDetails: details };
}

export interface Federation { status: HTMLElement; detail: HTMLElement; refresh: () => Promise<void> }

/** The identity providers and domain blocks of user pool `poolId`, rendered into `target`. */
export async function renderFederation(target: HTMLElement, idp: CognitoIdentityProviderClient, poolId: string, clients: UserPoolClientDescription[], ui: Federation): Promise<void> {
  const { status, detail } = ui;
  const [providers, pool] = await Promise.all([
    listAll((NextToken) => idp.send(new ListIdentityProvidersCommand({ UserPoolId: poolId, MaxResults: 60, NextToken })).then((o) => [o.Providers, o.NextToken])),
    idp.send(new DescribeUserPoolCommand({ UserPoolId: poolId })).then((o) => o.UserPool!),
  ]);
  const domain = pool.CustomDomain ?? pool.Domain;

  async function edit(name?: string): Promise<void> {
    const p: IdentityProviderType = name ? (await idp.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: name }))).IdentityProvider! : { ProviderType: 'OIDC', AttributeMapping: { email: 'email' } };
    const d = p.ProviderDetails ?? {};
    const providerName = input('idp-name', p.ProviderName ?? '', { required: true });
    const type = select('idp-type', [['OIDC', 'OpenID Connect (OIDC)'], ['SAML', 'SAML 2.0']], p.ProviderType);
    const issuer = input('idp-issuer', d.oidc_issuer ?? '', { type: 'url', placeholder: 'https://idp.example.com' });
    const clientId = input('idp-client-id', d.client_id ?? '');
    const secret = input('idp-client-secret', '', { type: 'password', placeholder: name ? 'leave empty to keep the stored secret' : '' });
    const scopes = input('idp-scopes', d.authorize_scopes ?? 'openid email profile');
    const method = select('idp-method', [['GET', 'GET'], ['POST', 'POST']], d.attributes_request_method ?? 'GET');
    const metadataUrl = input('idp-metadata-url', d.MetadataURL ?? '', { type: 'url', placeholder: 'https://idp.example.com/metadata.xml' });
    const metadataFile = area('idp-metadata-file', d.MetadataURL ? '' : (d.MetadataFile ?? ''), { placeholder: '<EntityDescriptor …> (or give a metadata URL)' });
    const mapping = area('idp-mapping', mappingText(p.AttributeMapping), { placeholder: 'email = email' });
    const identifiers = area('idp-identifiers', (p.IdpIdentifiers ?? []).join('\n'));
    const oidc = h('fieldset', {}, h('legend', {}, 'OpenID Connect details'), field('Issuer URL (oidc_issuer)', issuer), field('Client id', clientId),
      field(name ? 'Client secret (leave empty to keep it)' : 'Client secret', secret), field('Authorize scopes, separated by spaces (must include openid)', scopes),
      field('Attributes request method', method));
    const saml = h('fieldset', {}, h('legend', {}, 'SAML details'), field('Metadata URL (https; fetched once by Tessera)', metadataUrl), field('Or the metadata document (XML)', metadataFile));
    const sync = () => { oidc.hidden = type.value !== 'OIDC'; saml.hidden = type.value !== 'SAML'; };
    type.addEventListener('change', sync);
    sync();
    if (name) type.disabled = true;
    const title = name ? `Edit identity provider ${name}` : 'Create identity provider';
    show(detail, title, h('form', { 'aria-label': title, onsubmit: (e: Event) => {
      e.preventDefault();
      void attempt(status, async () => {
        const t = type.value as IdentityProviderTypeType;
        const details: Record<string, string> = t === 'OIDC'
          ? { oidc_issuer: issuer.value.trim(), client_id: clientId.value.trim(), authorize_scopes: scopes.value.trim().replace(/\s+/g, ' '), attributes_request_method: method.value, ...(secret.value ? { client_secret: secret.value } : {}) }
          : metadataUrl.value.trim() ? { MetadataURL: metadataUrl.value.trim() } : { MetadataFile: metadataFile.value };
        const common = { UserPoolId: poolId, ProviderDetails: details, AttributeMapping: parseMapping(mapping.value), IdpIdentifiers: lines(identifiers.value) };
        const made = name ?? providerName.value.trim();
        if (name) await idp.send(new UpdateIdentityProviderCommand({ ...common, ProviderName: name }));
        else await idp.send(new CreateIdentityProviderCommand({ ...common, ProviderName: made, ProviderType: t }));
        await ui.refresh();
        await inspect(made);
      });
    } },
    name ? null : field('Provider name', providerName), field('Provider type', type), oidc, saml,
    field('Attribute mapping, one per line: pool attribute = provider attribute (claim or SAML attribute name)', mapping),
    field('Identifiers (idp_identifier values), one per line (optional)', identifiers),
    h('p', {}, h('button', { type: 'submit' }, name ? 'Save identity provider' : 'Create identity provider'))));
    (name ? (type.value === 'OIDC' ? issuer : metadataUrl) : providerName).focus();
  }

  async function inspect(name: string): Promise<void> {
    const p = (await idp.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: name }))).IdentityProvider!;
    show(detail, `Identity provider ${name}`, inspector('Identity provider', shown(p)),
      h('p', { class: 'muted' }, 'App clients sign in with it once it is listed in their identity providers (edit the app client).'));
  }

  // The managed login page: the hosted endpoints' base is the discovery document's (it names them once the pool has a domain).
  let loginLinks: HTMLElement | null = null;
  if (domain) {
    const discovery: { authorization_endpoint?: string } = await fetch(`${location.origin}/${encodeURIComponent(poolId)}/.well-known/openid-configuration`).then((r) => (r.ok ? r.json() : {}));
    const base = discovery.authorization_endpoint?.replace(/\/oauth2\/authorize$/, '');
    const described = await Promise.all(clients.slice(0, 25).map((c) => idp.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: c.ClientId! })).then((o) => o.UserPoolClient!)));
    const hosted = described.filter((c) => c.AllowedOAuthFlowsUserPoolClient && (c.AllowedOAuthFlows ?? []).some((f) => f !== 'client_credentials') && (c.CallbackURLs ?? []).length);
    loginLinks = base
      ? (hosted.length
        ? h('ul', {}, ...hosted.map((c) => {
          const q = new URLSearchParams({ client_id: c.ClientId!, response_type: (c.AllowedOAuthFlows ?? []).includes('code') ? 'code' : 'token', scope: (c.AllowedOAuthScopes ?? ['openid']).join(' '), redirect_uri: c.CallbackURLs![0]! });
          return h('li', {}, h('a', { href: `${base}/login?${q.toString()}`, target: '_blank', rel: 'noopener' }, `Managed login page of ${c.ClientName}`), ' (returns to ', h('code', {}, c.CallbackURLs![0]!), ')');
        }))
        : h('p', { class: 'muted' }, 'No app client may use hosted sign-in yet: give one an OAuth 2.0 grant (code or implicit) and a callback URL.'))
      : null;
    if (loginLinks && clients.length > 25) loginLinks = h('div', {}, loginLinks, h('p', { class: 'muted' }, `Links for the first 25 of ${clients.length} app clients.`));
  }
  const prefix = input('new-domain', '', { required: true, pattern: '^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$', placeholder: 'e.g. my-app' });

  replace(target,
    h('h3', {}, 'Identity providers'),
    table(['Provider', 'Type', 'Actions'], providers.items.map((p) => [h('code', {}, p.ProviderName!), p.ProviderType ?? '', actions(
      button('Inspect', `Inspect identity provider ${p.ProviderName}`, () => void attempt(status, () => inspect(p.ProviderName!))),
      button('Edit', `Edit identity provider ${p.ProviderName}`, () => void attempt(status, () => edit(p.ProviderName!))),
      button('Delete', `Delete identity provider ${p.ProviderName}`, () => void attempt(status, async () => {
        if (!confirmed(`identity provider ${p.ProviderName} (app clients that list it keep its name)`)) return;
        await idp.send(new DeleteIdentityProviderCommand({ UserPoolId: poolId, ProviderName: p.ProviderName! }));
        replace(detail);
        await ui.refresh();
      })))]), counted(providers, 'identity providers')),
    h('p', {}, button('New identity provider', 'New identity provider', () => void attempt(status, () => edit()))),
    block('Domain',
      domain
        ? h('div', {}, h('p', {}, 'Domain ', h('code', { id: 'user-pool-domain' }, domain), '.'), loginLinks,
          actions(
            button('Inspect domain', `Inspect domain ${domain}`, () => void attempt(status, async () => {
              const got = strip(await idp.send(new DescribeUserPoolDomainCommand({ Domain: domain })));
              show(detail, `Domain ${domain}`, inspector('Domain', got));
            })),
            button('Delete domain', `Delete domain ${domain}`, () => void attempt(status, async () => {
              if (!confirmed(`domain ${domain} (hosted sign-in stops at once)`)) return;
              await idp.send(new DeleteUserPoolDomainCommand({ Domain: domain, UserPoolId: poolId }));
              replace(detail);
              await ui.refresh();
            }))))
        : h('form', { class: 'card', 'aria-label': 'Create domain', onsubmit: (e: Event) => {
          e.preventDefault();
          void attempt(status, async () => {
            await idp.send(new CreateUserPoolDomainCommand({ Domain: prefix.value.trim(), UserPoolId: poolId }));
            await ui.refresh();
          });
        } }, h('p', { class: 'muted' }, 'No domain: hosted sign-in (the managed login page and the OAuth 2.0 endpoints) is off for this pool.'),
        field('Domain prefix (lower-case letters, digits and hyphens)', prefix), h('p', {}, h('button', { type: 'submit' }, 'Create domain')))));
}
