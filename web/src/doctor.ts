// The token doctor page: pick a target (identity pool, role, user-pool app client), paste a token;
// asks POST /_tessera/doctor/<target> (SigV4, service tessera) and shows each check.
import './style.css';
import './doctor.css';
import { CognitoIdentityClient, ListIdentityPoolsCommand } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient, ListUserPoolClientsCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { field, h, replace } from './dom';
import { credentialsForm, load, type Credentials } from './credentials';
import { askDoctor, checksTable, decodedToken, DoctorApiError } from './verdict';

type Target = 'identity-pool' | 'role' | 'user-pool-client';

const app = document.getElementById('app')!;
const credsBox = h('section', { class: 'card' });
const formBox = h('section', { class: 'card' });
const result = h('section', { id: 'doctor-result', 'aria-live': 'polite' });
app.append(credsBox, formBox, result);

const alert = (text: string) => h('p', { class: 'error', role: 'alert' }, text);

async function ask(route: Target, body: Record<string, unknown>): Promise<void> {
  replace(result, h('p', { role: 'status' }, 'Asking Tessera…'));
  try {
    render(route, await askDoctor<any>(load()!, route, body));
  } catch (err) {
    if (!(err instanceof DoctorApiError)) throw err;
    replace(result, alert(`${err.name}: ${err.message}`));
  }
}

function acceptedText(route: Target, report: any): string {
  if (route === 'identity-pool') return `Accepted: credentials for ${report.role?.arn}`;
  if (route === 'role') return `Accepted: a session of ${report.session?.roleArn} for ${report.session?.durationSeconds} seconds`;
  return `Accepted: a valid ${report.tokenUse ?? ''} token of user ${report.user?.username} for this app client`;
}

function summary(route: Target, report: any): HTMLElement {
  if (route === 'identity-pool') return h('p', {}, 'Logins key ', h('code', {}, report.loginsKey ?? '(unknown)'), report.providerKind ? ` (${report.providerKind})` : '');
  if (route === 'role') {
    const t = report.target;
    return h('p', {}, t.mode === 'saml' ? 'AssumeRoleWithSAML' : 'AssumeRoleWithWebIdentity', ' for ', h('code', {}, t.roleArn),
      t.principalArn ? h('span', {}, ', SAML provider ', h('code', {}, t.principalArn)) : null, report.provider && t.mode !== 'saml' ? h('span', {}, ', provider ', h('code', {}, report.provider)) : null);
  }
  return h('p', {}, 'App client ', h('code', {}, report.target.clientId), report.target.clientName ? ` (${report.target.clientName})` : '', ' of user pool ', h('code', {}, report.target.userPoolId), report.tokenUse ? `, ${report.tokenUse} token` : '');
}

function render(route: Target, report: any): void {
  replace(result,
    h('h2', { id: 'verdict', tabindex: '-1' }, report.accepted ? h('span', { class: 'pass' }, acceptedText(route, report)) : h('span', { class: 'fail' }, `Refused: ${report.error?.code ?? ''} — ${report.error?.message ?? ''}`)),
    summary(route, report),
    checksTable(report.checks, 'Each check, in the order the API runs them'),
    decodedToken(report.decoded),
  );
}

/** Fills a select from a listing call; a failure is shown as an alert in the form. */
async function fill(select: HTMLSelectElement, what: string, list: () => Promise<Array<{ value: string; text: string }>>): Promise<void> {
  try {
    const items = await list();
    replace(select, ...items.map((i) => h('option', { value: i.value }, i.text)));
    if (!items.length) replace(select, h('option', { value: '' }, `(no ${what})`));
  } catch (err) {
    formBox.prepend(alert(`Could not list ${what}: ${(err as Error).message}`));
  }
}

function targetFields(target: Target, creds: Credentials): { box: HTMLElement; body: () => Record<string, unknown> } {
  const common = { endpoint: location.origin, region: 'us-east-1', credentials: creds };
  if (target === 'identity-pool') {
    const pool = h('select', { id: 'identity-pool', required: true });
    const key = h('input', { id: 'logins-key', autocomplete: 'off', placeholder: 'told from the token when empty' });
    void fill(pool, 'identity pools', async () => {
      const out = await new CognitoIdentityClient(common).send(new ListIdentityPoolsCommand({ MaxResults: 60 }));
      return (out.IdentityPools ?? []).map((p) => ({ value: p.IdentityPoolId!, text: `${p.IdentityPoolName} (${p.IdentityPoolId})` }));
    });
    return { box: h('div', {}, field('Identity pool', pool), field('Logins key (optional)', key)), body: () => ({ IdentityPoolId: pool.value, ...(key.value.trim() ? { LoginsKey: key.value.trim() } : {}) }) };
  }
  if (target === 'role') {
    const role = h('select', { id: 'role', required: true });
    const kind = h('select', { id: 'role-kind' }, h('option', { value: '' }, 'Told from the token'), h('option', { value: 'web-identity' }, 'AssumeRoleWithWebIdentity (a JWT)'), h('option', { value: 'saml' }, 'AssumeRoleWithSAML (a SAML response)'));
    const principal = h('input', { id: 'principal-arn', autocomplete: 'off', placeholder: "SAML: from the response's Role attribute when empty" });
    void fill(role, 'roles', async () => {
      const out = await new IAMClient(common).send(new ListRolesCommand({}));
      return (out.Roles ?? []).map((r) => ({ value: r.Arn!, text: `${r.RoleName} (${r.Arn})` }));
    });
    return {
      box: h('div', {}, field('Role', role), field('Token kind', kind), field('SAML provider ARN (optional)', principal)),
      body: () => ({ RoleArn: role.value, ...(kind.value ? { Kind: kind.value } : {}), ...(principal.value.trim() ? { PrincipalArn: principal.value.trim(), Kind: 'saml' } : {}) }),
    };
  }
  const idp = new CognitoIdentityProviderClient(common);
  const pool = h('select', { id: 'user-pool', required: true });
  const client = h('select', { id: 'user-pool-client', required: true });
  const clients = () => fill(client, 'app clients', async () => {
    if (!pool.value) return [];
    const out = await idp.send(new ListUserPoolClientsCommand({ UserPoolId: pool.value, MaxResults: 60 }));
    return (out.UserPoolClients ?? []).map((c) => ({ value: c.ClientId!, text: `${c.ClientName} (${c.ClientId})` }));
  });
  pool.addEventListener('change', () => void clients());
  void fill(pool, 'user pools', async () => {
    const out = await idp.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    return (out.UserPools ?? []).map((p) => ({ value: p.Id!, text: `${p.Name} (${p.Id})` }));
  }).then(clients);
  return { box: h('div', {}, field('User pool', pool), field('App client', client)), body: () => ({ UserPoolId: pool.value, ClientId: client.value }) };
}

function renderForm(): void {
  const creds = load();
  if (!creds) {
    replace(formBox, h('p', {}, 'Enter credentials above to use the doctor.'));
    return;
  }
  const labels: Record<Target, string> = { 'identity-pool': 'Identity pool (GetCredentialsForIdentity)', role: 'Role (STS AssumeRoleWithWebIdentity / AssumeRoleWithSAML)', 'user-pool-client': 'User-pool app client (ID or access token)' };
  let target: Target = 'identity-pool';
  let fields = targetFields(target, creds);
  const slot = h('div', { id: 'target-fields' }, fields.box);
  const radios = (Object.keys(labels) as Target[]).map((t) => {
    const input = h('input', { type: 'radio', name: 'target', id: `target-${t}`, value: t, checked: t === target, onchange: () => {
      target = t;
      fields = targetFields(t, creds);
      replace(slot, fields.box);
      replace(result);
    } });
    return h('div', { class: 'choice' }, input, h('label', { for: `target-${t}` }, labels[t]));
  });
  const token = h('textarea', { id: 'token', required: true, spellcheck: 'false', autocomplete: 'off' });
  replace(formBox, h('form', { onsubmit: (e: Event) => {
    e.preventDefault();
    ask(target, { ...fields.body(), Token: token.value.trim() })
      .then(() => document.getElementById('verdict')?.focus())
      .catch((err) => replace(result, alert(String(err))));
  } },
    h('fieldset', {}, h('legend', {}, 'Target'), ...radios),
    slot,
    field('Token (a JWT, a SAML response or a provider access token)', token),
    h('p', {}, h('button', { type: 'submit' }, 'Explain'))));
}

credentialsForm(credsBox, renderForm);
renderForm();
