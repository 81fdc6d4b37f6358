// Console: identity pools (create, edit every login setting, delete), their roles and role mappings
// (GetIdentityPoolRoles / SetIdentityPoolRoles), identities (list, describe, delete) and
// "what would this login get?" (the doctor's admin API, rendered by ./verdict).
import {
  CognitoIdentityClient, CreateIdentityPoolCommand, DeleteIdentitiesCommand, DeleteIdentityPoolCommand, DescribeIdentityCommand,
  DescribeIdentityPoolCommand, GetIdentityPoolRolesCommand, ListIdentitiesCommand, ListIdentityPoolsCommand, SetIdentityPoolRolesCommand,
  UpdateIdentityPoolCommand, type CognitoIdentityProvider, type DescribeIdentityPoolCommandOutput, type RoleMapping,
} from '@aws-sdk/client-cognito-identity';
import type { Credentials } from './credentials';
import {
  actions, area, attempt, block, button, checkbox, confirmed, counted, errorLine, field, form, h, input, inspector, lines, listAll, replace, select, show, strip, table, view,
} from './console-kit';
import { explainLogin, renderReport } from './verdict';

type Pool = Omit<DescribeIdentityPoolCommandOutput, '$metadata'>;

const MATCH_TYPES = ['Equals', 'Contains', 'StartsWith', 'NotEqual'];

/** `provider=appId` lines. */
const providersText = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).map(([k, v]) => `${k}=${v}`).join('\n');
function parseProviders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`Supported login providers: "${line}" is not provider=app id`);
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}
/** `providerName clientId [server-side-check]` lines. */
const cognitoText = (list: CognitoIdentityProvider[] | undefined) => (list ?? []).map((p) => `${p.ProviderName} ${p.ClientId}${p.ServerSideTokenCheck ? ' server-side-check' : ''}`).join('\n');
function parseCognito(text: string): CognitoIdentityProvider[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((line) => {
    const [name, clientId, check] = line.split(/\s+/);
    if (!name || !clientId) throw new Error(`Cognito user pools: "${line}" is not "provider-name client-id"`);
    return { ProviderName: name, ClientId: clientId, ServerSideTokenCheck: check === 'server-side-check' };
  });
}
/** `claim | MatchType | value | role ARN` lines. */
const rulesText = (m: RoleMapping | undefined) => (m?.RulesConfiguration?.Rules ?? []).map((r) => `${r.Claim} | ${r.MatchType} | ${r.Value} | ${r.RoleARN}`).join('\n');
function parseRules(text: string) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((line) => {
    const [claim, matchType, value, roleArn] = line.split('|').map((s) => s.trim());
    if (!claim || !matchType || value === undefined || !roleArn) throw new Error(`Rule "${line}" is not claim | match type | value | role ARN`);
    if (!MATCH_TYPES.includes(matchType)) throw new Error(`Rule "${line}": the match type must be one of ${MATCH_TYPES.join(', ')}`);
    return { Claim: claim, MatchType: matchType as 'Equals', Value: value, RoleARN: roleArn };
  });
}

export async function render(panel: HTMLElement, creds: Credentials): Promise<void> {
  const client = new CognitoIdentityClient({ endpoint: location.origin, region: 'us-east-1', credentials: creds });
  const { status, list, detail } = view();
  const name = input('new-pool-name', '', { required: true });
  const guest = checkbox('new-pool-guest', false);

  async function refresh(): Promise<void> {
    const listed = await listAll((NextToken) => client.send(new ListIdentityPoolsCommand({ MaxResults: 60, NextToken })).then((o) => [o.IdentityPools, o.NextToken]));
    replace(list, table(['Name', 'Id', 'Actions'], listed.items.map((p) => [p.IdentityPoolName!, h('code', {}, p.IdentityPoolId!), actions(
      button('Inspect', `Inspect ${p.IdentityPoolName}`, () => void attempt(status, () => inspect(p.IdentityPoolId!))),
      button('Edit', `Edit ${p.IdentityPoolName}`, () => void attempt(status, () => edit(p.IdentityPoolId!))),
      button('Delete', `Delete ${p.IdentityPoolName}`, () => void attempt(status, async () => {
        if (!confirmed(`identity pool ${p.IdentityPoolName}`)) return;
        await client.send(new DeleteIdentityPoolCommand({ IdentityPoolId: p.IdentityPoolId! }));
        replace(detail);
        await refresh();
      }))),
    ]), counted(listed, 'identity pools')));
  }

  async function inspect(id: string): Promise<void> {
    const [pool, roles, identities] = await Promise.all([
      client.send(new DescribeIdentityPoolCommand({ IdentityPoolId: id })),
      client.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: id })),
      listAll((NextToken) => client.send(new ListIdentitiesCommand({ IdentityPoolId: id, MaxResults: 60, NextToken })).then((o) => [o.Identities, o.NextToken])),
    ]);
    const current = { Roles: roles.Roles ?? {}, RoleMappings: roles.RoleMappings ?? {} };
    const setRoles = async (Roles: Record<string, string>, RoleMappings: Record<string, RoleMapping>) => {
      await client.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: id, Roles, RoleMappings }));
      await inspect(id);
    };

    // Default roles
    const auth = input('pool-auth-role', current.Roles.authenticated ?? '', { placeholder: 'arn:aws:iam::…:role/…' });
    const unauth = input('pool-unauth-role', current.Roles.unauthenticated ?? '', { placeholder: 'arn:aws:iam::…:role/…' });
    const rolesForm = form(status, 'Default roles', 'Save roles', async () => {
      const Roles: Record<string, string> = {};
      if (auth.value.trim()) Roles.authenticated = auth.value.trim();
      if (unauth.value.trim()) Roles.unauthenticated = unauth.value.trim();
      await setRoles(Roles, current.RoleMappings);
    }, field('Authenticated role ARN', auth), field('Unauthenticated (guest) role ARN', unauth));

    // Role mappings, one per provider
    const known = loginKeys(pool);
    const mappingRows = Object.entries(current.RoleMappings).map(([key, m]) => [h('code', {}, key), m.Type ?? '', m.AmbiguousRoleResolution ?? '',
      m.Type === 'Rules' ? h('pre', {}, rulesText(m)) : 'roles from the token (cognito:roles, cognito:preferred_role)',
      actions(
        button('Edit', `Edit mapping ${key}`, () => { mapKey.value = key; mapType.value = m.Type ?? 'Token'; mapAmbiguous.value = m.AmbiguousRoleResolution ?? 'AuthenticatedRole'; mapRules.value = rulesText(m); mapKey.focus(); }),
        button('Remove', `Remove mapping ${key}`, () => void attempt(status, async () => {
          if (!confirmed(`the role mapping of ${key}`)) return;
          const rest = { ...current.RoleMappings };
          delete rest[key];
          await setRoles(current.Roles, rest);
        })))]);
    const mapKey = input('mapping-provider', '', { required: true, list: 'mapping-providers', placeholder: 'e.g. cognito-idp.us-east-1.amazonaws.com/us-east-1_… :client-id' });
    const mapType = select('mapping-type', [['Token', 'Token: roles from the token'], ['Rules', 'Rules: match claims']], 'Token');
    const mapAmbiguous = select('mapping-ambiguous', [['AuthenticatedRole', 'Use the authenticated role'], ['Deny', 'Deny']], 'AuthenticatedRole');
    const mapRules = area('mapping-rules', '', { placeholder: 'email | Contains | @example.com | arn:aws:iam::000000000000:role/…' });
    const mappingForm = form(status, 'Add or replace a role mapping', 'Save role mapping', async () => {
      const key = mapKey.value.trim();
      const mapping: RoleMapping = { Type: mapType.value as 'Token', AmbiguousRoleResolution: mapAmbiguous.value as 'Deny' };
      if (mapType.value === 'Rules') mapping.RulesConfiguration = { Rules: parseRules(mapRules.value) };
      await setRoles(current.Roles, { ...current.RoleMappings, [key]: mapping });
    }, field('Provider (Logins key)', mapKey), h('datalist', { id: 'mapping-providers' }, ...known.map((k) => h('option', { value: k }))),
    field('Type', mapType), field('When no rule matches or the token names several roles', mapAmbiguous),
    field('Rules (Type Rules), one per line: claim | match type (Equals, Contains, StartsWith, NotEqual) | value | role ARN', mapRules));

    // Identities
    const identityDetail = h('div');
    const identityRows = identities.items.map((i) => [h('code', {}, i.IdentityId!), (i.Logins ?? []).join(', ') || 'guest', i.LastModifiedDate ? new Date(i.LastModifiedDate).toISOString() : '', actions(
      button('Describe', `Describe identity ${i.IdentityId}`, () => void attempt(status, async () => {
        replace(identityDetail, inspector(`Identity ${i.IdentityId}`, strip(await client.send(new DescribeIdentityCommand({ IdentityId: i.IdentityId! })))));
      })),
      button('Delete', `Delete identity ${i.IdentityId}`, () => void attempt(status, async () => {
        if (!confirmed(`identity ${i.IdentityId}`)) return;
        const out = await client.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [i.IdentityId!] }));
        const failed = out.UnprocessedIdentityIds?.[0];
        if (failed) throw Object.assign(new Error(`${failed.IdentityId} was not deleted`), { name: failed.ErrorCode ?? 'UnprocessedIdentity' });
        await inspect(id);
      })))]);

    // What would this login get?
    const loginKey = input('login-key', '', { list: 'mapping-providers', placeholder: 'told from the token iss when empty' });
    const loginToken = area('login-token', '', { required: true });
    const loginRole = input('login-custom-role', '', { placeholder: 'arn:aws:iam::…:role/… (optional)' });
    const verdict = h('div', { id: 'login-verdict', 'aria-live': 'polite' });
    const loginForm = h('form', { class: 'card', 'aria-label': 'What would this login get?', onsubmit: (e: Event) => {
      e.preventDefault();
      replace(verdict, h('p', { role: 'status' }, 'Asking Tessera…'));
      explainLogin(creds, { IdentityPoolId: id, Token: loginToken.value.trim(), ...(loginKey.value.trim() ? { LoginsKey: loginKey.value.trim() } : {}), ...(loginRole.value.trim() ? { CustomRoleArn: loginRole.value.trim() } : {}) })
        .then((report) => replace(verdict, renderReport(report, 'login-verdict-heading')))
        .catch((err) => replace(verdict, errorLine(err)));
    } }, h('h3', {}, 'What would this login get?'),
    h('p', { class: 'muted' }, 'Paste a token a user signed in with. Tessera runs GetCredentialsForIdentity\'s own checks on it, without creating an identity or credentials, and shows each check and the role.'),
    field('Logins key (optional)', loginKey), field('Token (ID token, access token or base64 SAML response)', loginToken), field('Custom role ARN (optional)', loginRole),
    h('p', {}, h('button', { type: 'submit' }, 'Explain this login')), verdict);

    show(detail, `Identity pool ${pool.IdentityPoolName}`,
      inspector('Settings', strip(pool)),
      block('Roles and role mappings',
        table(['Provider', 'Type', 'Ambiguous', 'Rules', 'Actions'], mappingRows, `${mappingRows.length} role mappings`), rolesForm, mappingForm),
      block('Identities', actions(button('Reload identities', 'Reload identities', () => void attempt(status, () => inspect(id)))), table(['Identity', 'Logins', 'Last modified', 'Actions'], identityRows, counted(identities, 'identities')), identityDetail),
      loginForm);
  }

  async function edit(id: string): Promise<void> {
    const pool = strip(await client.send(new DescribeIdentityPoolCommand({ IdentityPoolId: id })));
    const n = input('edit-pool-name', pool.IdentityPoolName, { required: true });
    const g = checkbox('edit-pool-guest', pool.AllowUnauthenticatedIdentities === true);
    const classic = checkbox('edit-pool-classic', pool.AllowClassicFlow === true);
    const social = area('edit-pool-logins', providersText(pool.SupportedLoginProviders), { placeholder: 'accounts.google.com=1234.apps.googleusercontent.com' });
    const dev = input('edit-pool-developer', pool.DeveloperProviderName ?? '');
    const cognito = area('edit-pool-cognito', cognitoText(pool.CognitoIdentityProviders), { placeholder: 'cognito-idp.us-east-1.amazonaws.com/us-east-1_abc 1example23456789 server-side-check' });
    const oidc = area('edit-pool-oidc', (pool.OpenIdConnectProviderARNs ?? []).join('\n'));
    const saml = area('edit-pool-saml', (pool.SamlProviderARNs ?? []).join('\n'));
    show(detail, `Edit ${pool.IdentityPoolName}`, h('form', { 'aria-label': 'Edit identity pool', onsubmit: (e: Event) => {
      e.preventDefault();
      void attempt(status, async () => {
        const update: Pool = { ...pool, IdentityPoolName: n.value.trim(), AllowUnauthenticatedIdentities: g.checked, AllowClassicFlow: classic.checked,
          SupportedLoginProviders: parseProviders(social.value), CognitoIdentityProviders: parseCognito(cognito.value),
          OpenIdConnectProviderARNs: lines(oidc.value), SamlProviderARNs: lines(saml.value) };
        if (dev.value.trim()) update.DeveloperProviderName = dev.value.trim(); else delete update.DeveloperProviderName;
        await client.send(new UpdateIdentityPoolCommand({ ...update, IdentityPoolId: id, IdentityPoolName: update.IdentityPoolName!, AllowUnauthenticatedIdentities: g.checked }));
        await refresh();
        await inspect(id);
      });
    } }, field('Name', n), field('Allow guest access', g), field('Allow the basic (classic) flow', classic),
    field('Supported login providers, one per line: provider=app id', social),
    field('Developer provider name', dev),
    field('Cognito user pools, one per line: provider-name client-id [server-side-check]', cognito),
    field('OpenID Connect provider ARNs, one per line', oidc),
    field('SAML provider ARNs, one per line', saml),
    h('p', {}, h('button', { type: 'submit' }, 'Save'))));
    n.focus();
  }

  replace(panel,
    h('h2', {}, 'Identity pools'),
    form(status, 'Create identity pool', 'Create identity pool', async () => {
      const made = await client.send(new CreateIdentityPoolCommand({ IdentityPoolName: name.value.trim(), AllowUnauthenticatedIdentities: guest.checked }));
      name.value = '';
      await refresh();
      await inspect(made.IdentityPoolId!);
    }, field('Name', name), field('Allow guest access', guest)),
    status, list, detail);
  await attempt(status, refresh);
}

/** The Logins keys a pool knows of (user pools, social providers, SAML ARNs; OIDC keys are the providers' URLs). */
function loginKeys(pool: Pool): string[] {
  return [
    ...(pool.CognitoIdentityProviders ?? []).map((p) => p.ProviderName!),
    ...(pool.CognitoIdentityProviders ?? []).map((p) => `${p.ProviderName}:${p.ClientId}`),
    ...Object.keys(pool.SupportedLoginProviders ?? {}),
    ...(pool.SamlProviderARNs ?? []),
    ...(pool.DeveloperProviderName ? ['cognito-identity.amazonaws.com'] : []),
  ];
}
