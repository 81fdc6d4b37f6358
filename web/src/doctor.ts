// The token doctor page: asks POST /_tessera/doctor/identity-pool (SigV4, service tessera) and shows each check.
import './style.css';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { CognitoIdentityClient, ListIdentityPoolsCommand } from '@aws-sdk/client-cognito-identity';
import { field, h, json, replace } from './dom';
import { credentialsForm, load } from './credentials';

const app = document.getElementById('app')!;
const credsBox = h('section', { class: 'card' });
const formBox = h('section', { class: 'card' });
const result = h('section', { id: 'doctor-result', 'aria-live': 'polite' });
app.append(credsBox, formBox, result);

async function explain(poolId: string, token: string, loginsKey: string): Promise<void> {
  const creds = load()!;
  const body = JSON.stringify({ IdentityPoolId: poolId, Token: token, ...(loginsKey ? { LoginsKey: loginsKey } : {}) });
  const url = new URL('/_tessera/doctor/identity-pool', location.origin);
  const signer = new SignatureV4({ service: 'tessera', region: 'us-east-1', credentials: creds, sha256: Sha256 });
  const signed = await signer.sign({ method: 'POST', protocol: url.protocol, hostname: url.hostname, port: Number(url.port) || undefined, path: url.pathname, headers: { host: url.host, 'content-type': 'application/json' }, body });
  const headers = { ...signed.headers } as Record<string, string>;
  delete headers.host;
  replace(result, h('p', { role: 'status' }, 'Asking Tessera…'));
  const res = await fetch(url, { method: 'POST', headers, body });
  const report = await res.json();
  if (!res.ok) {
    replace(result, h('p', { class: 'error', role: 'alert' }, `${report.__type ?? res.status}: ${report.message ?? ''}`));
    return;
  }
  const show = (v: unknown) => (typeof v === 'string' ? v : json(v));
  replace(result,
    h('h2', { id: 'verdict' }, report.accepted ? h('span', { class: 'pass' }, `Accepted: credentials for ${report.role.arn}`) : h('span', { class: 'fail' }, `Refused: ${report.error?.code ?? ''} — ${report.error?.message ?? ''}`)),
    h('p', {}, 'Logins key ', h('code', {}, report.loginsKey ?? '(unknown)'), report.providerKind ? ` (${report.providerKind})` : ''),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Check'), h('th', {}, 'Result'), h('th', {}, 'Expected / found'))),
      h('tbody', {}, ...(report.checks as any[]).map((c) => h('tr', { 'data-check': c.id, 'data-status': c.status },
        h('td', {}, c.label, c.check && c.status === 'fail' ? h('div', {}, h('code', {}, c.check)) : null),
        h('td', { class: c.status === 'pass' ? 'pass' : c.status === 'fail' ? 'fail' : 'muted' }, c.status),
        h('td', {}, c.expected !== undefined ? h('div', {}, 'expected: ', h('code', {}, show(c.expected))) : null, c.actual !== undefined ? h('div', {}, c.status === 'fail' ? 'found: ' : '', h('code', {}, show(c.actual))) : null, c.detail ? h('div', { class: 'muted' }, c.detail) : null))))),
    report.decoded ? h('details', {}, h('summary', {}, 'Decoded token (signature not shown)'), h('pre', {}, json(report.decoded))) : null,
  );
}

async function renderForm(): Promise<void> {
  const creds = load();
  if (!creds) {
    replace(formBox, h('p', {}, 'Enter credentials above to use the doctor.'));
    return;
  }
  const pool = h('select', { id: 'identity-pool', required: true });
  const token = h('textarea', { id: 'token', required: true, spellcheck: 'false', autocomplete: 'off' });
  const key = h('input', { id: 'logins-key', autocomplete: 'off', placeholder: 'told from the token iss when empty' });
  replace(formBox, h('form', { onsubmit: (e: Event) => { e.preventDefault(); explain(pool.value, token.value.trim(), key.value.trim()).catch((err) => replace(result, h('p', { class: 'error', role: 'alert' }, String(err)))); } },
    field('Identity pool', pool), field('Token (a JWT or a provider access token)', token), field('Logins key (optional)', key), h('p', {}, h('button', { type: 'submit' }, 'Explain'))));
  try {
    const client = new CognitoIdentityClient({ endpoint: location.origin, region: 'us-east-1', credentials: creds });
    const pools = await client.send(new ListIdentityPoolsCommand({ MaxResults: 60 }));
    replace(pool, ...(pools.IdentityPools ?? []).map((p) => h('option', { value: p.IdentityPoolId! }, `${p.IdentityPoolName} (${p.IdentityPoolId})`)));
  } catch (err) {
    formBox.prepend(h('p', { class: 'error', role: 'alert' }, `Could not list identity pools: ${(err as Error).message}`));
  }
}

credentialsForm(credsBox, () => void renderForm());
void renderForm();
