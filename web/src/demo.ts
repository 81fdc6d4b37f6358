// The identity pools demo: the AWS example application's screens and words, against this Tessera.
import './style.css';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand, GetOpenIdTokenCommand } from '@aws-sdk/client-cognito-identity';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { field, h, json, masked, replace } from './dom';

interface Role { name: string; arn: string; description: string }
interface Demo {
  userPoolId: string; clientId: string; domain: string; username: string; password: string;
  identityPoolId: string; developerProviderName: string; userPoolProviderName: string;
  roles: { guest: Role; authenticated: Role; patterns: Role[] };
  bucket: string; table: string; gatewayUrl: string | null; dataStep: { available: boolean; reason?: string };
}
interface Step { call: string; request: unknown; response?: unknown; error?: string; ms: number }
interface Creds { AccessKeyId?: string; SecretKey?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date }

const app = document.getElementById('app')!;
const origin = location.origin;
const dummy = { accessKeyId: 'unused', secretAccessKey: 'unused' };
const identity = new CognitoIdentityClient({ endpoint: origin, region: 'us-east-1', credentials: dummy });
const sts = new STSClient({ endpoint: origin, region: 'us-east-1', credentials: dummy });
let flow: 'enhanced' | 'basic' = 'enhanced';
let demo: Demo;

async function traced<T>(steps: Step[], call: string, request: unknown, run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    const response = await run();
    steps.push({ call, request: masked(request), response: masked(response), ms: Math.round(performance.now() - t0) });
    return response;
  } catch (e) {
    steps.push({ call, request: masked(request), error: `${(e as Error).name}: ${(e as Error).message}`, ms: Math.round(performance.now() - t0) });
    throw e;
  }
}

async function post(path: string, body: unknown): Promise<any> {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const out = await res.json();
  if (!res.ok) throw Object.assign(new Error(out.message ?? `HTTP ${res.status}`), { name: out.__type ?? 'Error' });
  return out;
}

// ---- the flows --------------------------------------------------------------------------------
async function run(label: string, logins: Record<string, string> | undefined, steps: Step[], identityId?: string): Promise<void> {
  const out = document.getElementById('result')!;
  replace(out, h('p', { role: 'status' }, `${label}: working…`));
  let creds: Creds | undefined;
  try {
    let id = identityId;
    if (!id) id = (await traced(steps, 'GetId', { IdentityPoolId: demo.identityPoolId, Logins: logins }, () => identity.send(new GetIdCommand({ IdentityPoolId: demo.identityPoolId, Logins: logins })))).IdentityId!;
    if (flow === 'enhanced') {
      const got = await traced(steps, 'GetCredentialsForIdentity', { IdentityId: id, Logins: logins }, () => identity.send(new GetCredentialsForIdentityCommand({ IdentityId: id, Logins: logins })));
      creds = got.Credentials;
    } else {
      const roleArn = (document.getElementById('basic-role') as HTMLSelectElement).value;
      const duration = Number((document.getElementById('basic-duration') as HTMLSelectElement).value);
      const tokenLogins = logins && 'cognito-identity.amazonaws.com' in logins ? logins : logins;
      const tok = await traced(steps, 'GetOpenIdToken', { IdentityId: id, Logins: tokenLogins }, () => identity.send(new GetOpenIdTokenCommand({ IdentityId: id, Logins: tokenLogins })));
      const assumed = await traced(steps, 'AssumeRoleWithWebIdentity', { RoleArn: roleArn, RoleSessionName: 'tessera-demo', WebIdentityToken: tok.Token, DurationSeconds: duration }, () =>
        sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'tessera-demo', WebIdentityToken: tok.Token!, DurationSeconds: duration })),
      );
      creds = assumed.Credentials;
    }
  } catch {
    /* shown in the flow below */
  }
  let data: any;
  if (creds && demo.dataStep.available) {
    try {
      data = await traced(steps, 'Data step through the gateway', { bucket: demo.bucket, table: demo.table }, () =>
        post('/_tessera/demo/data-step', { accessKeyId: creds!.AccessKeyId, secretAccessKey: creds!.SecretKey ?? creds!.SecretAccessKey, sessionToken: creds!.SessionToken }),
      );
    } catch {
      /* shown in the flow */
    }
  }
  showResult(label, creds, steps, data);
}

function showResult(label: string, creds: Creds | undefined, steps: Step[], data: any): void {
  const out = document.getElementById('result')!;
  const failed = steps.find((s) => s.error);
  const credsView = h('pre', { id: 'credentials', hidden: true },
    creds ? json({ AccessKeyId: creds.AccessKeyId, SecretKey: creds.SecretKey ?? creds.SecretAccessKey, SessionToken: creds.SessionToken, Expiration: creds.Expiration }) : 'No credentials: see the detailed API flow.');
  const flowView = h('div', { id: 'api-flow', hidden: true },
    h('p', { class: 'muted' }, 'Each call this run made, as the browser sent and received it (tokens decoded, secrets masked).'),
    h('ol', {}, ...steps.map((s) => h('li', {},
      h('strong', {}, s.call), ' ', h('span', { class: s.error ? 'fail' : 'pass' }, s.error ? 'failed' : 'ok'), h('span', { class: 'muted' }, ` ${s.ms} ms`),
      s.error ? h('p', { class: 'error' }, s.error) : null,
      h('details', {}, h('summary', {}, 'Request'), h('pre', {}, json(s.request))),
      s.response !== undefined ? h('details', {}, h('summary', {}, 'Response'), h('pre', {}, json(s.response))) : null,
    ))));
  const toggle = (id: string, text: string) => {
    const b = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': id }, text);
    b.addEventListener('click', () => {
      const el = document.getElementById(id)!;
      el.hidden = !el.hidden;
      b.setAttribute('aria-expanded', String(!el.hidden));
    });
    return b;
  };
  replace(out,
    h('h3', {}, label, ' — ', creds ? h('span', { class: 'pass' }, 'credentials received') : h('span', { class: 'fail' }, `refused${failed ? ` at ${failed.call}` : ''}`)),
    failed ? h('p', { class: 'error', role: 'alert' }, failed.error!) : null,
    h('div', { class: 'row' }, toggle('credentials', 'View AWS credentials only'), toggle('api-flow', 'View detailed API flow')),
    credsView, flowView,
    data ? h('section', { 'aria-labelledby': 'data-h' }, h('h3', { id: 'data-h' }, 'Data step (through the SigV4 gateway)'),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Call'), h('th', {}, 'Outcome'), h('th', {}, 'Detail'))),
        h('tbody', {}, ...(data.calls as Array<{ call: string; status: number; outcome: string; detail: string }>).map((c) =>
          h('tr', {}, h('td', {}, c.call), h('td', { class: c.status < 300 ? 'pass' : 'fail' }, `${c.status} ${c.outcome}`), h('td', {}, h('pre', {}, c.detail))))))) : null,
  );
}

function startUserPoolSignIn(): void {
  const bytes = (n: number) => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(n)))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const state = bytes(24), nonce = bytes(24), verifier = bytes(48);
  crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)).then((d) => {
    const challenge = btoa(String.fromCharCode(...new Uint8Array(d))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    sessionStorage.setItem('tessera-demo-oauth', JSON.stringify({ state, nonce, verifier, flow }));
    const u = new URL(`/auth/${demo.domain}/oauth2/authorize`, origin);
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: demo.clientId, redirect_uri: `${origin}/demo/callback`, scope: 'openid email profile', state, nonce, code_challenge: challenge, code_challenge_method: 'S256' })) u.searchParams.set(k, v);
    location.assign(u.toString());
  });
}

async function finishUserPoolSignIn(): Promise<void> {
  const params = new URLSearchParams(location.search);
  // The code leaves the address bar at once; it is single-use and bound to our PKCE verifier.
  history.replaceState(null, '', '/');
  const saved = JSON.parse(sessionStorage.getItem('tessera-demo-oauth') ?? 'null') as { state: string; nonce: string; verifier: string; flow: 'enhanced' | 'basic' } | null;
  sessionStorage.removeItem('tessera-demo-oauth');
  const steps: Step[] = [];
  flow = saved?.flow ?? 'enhanced';
  selectTab(flow);
  const out = document.getElementById('result')!;
  if (!saved || params.get('state') !== saved.state) {
    replace(out, h('p', { class: 'error', role: 'alert' }, 'Sign-in answer refused: its state does not match the sign-in this page started.'));
    return;
  }
  if (params.get('error')) {
    replace(out, h('p', { class: 'error', role: 'alert' }, `Sign-in failed: ${params.get('error')} ${params.get('error_description') ?? ''}`));
    return;
  }
  const body = new URLSearchParams({ grant_type: 'authorization_code', client_id: demo.clientId, code: params.get('code') ?? '', redirect_uri: `${origin}/demo/callback`, code_verifier: saved.verifier });
  let tokens: { id_token?: string };
  try {
    tokens = await traced(steps, `Token endpoint /auth/${demo.domain}/oauth2/token`, Object.fromEntries(body), async () => {
      const res = await fetch(`/auth/${demo.domain}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      const j = await res.json();
      if (!res.ok) throw Object.assign(new Error(j.error_description ?? j.error), { name: j.error ?? 'Error' });
      return j;
    });
  } catch {
    showResult('Cognito user pool', undefined, steps, undefined);
    return;
  }
  const claims = JSON.parse(atob(tokens.id_token!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));
  if (claims.nonce !== saved.nonce) {
    replace(out, h('p', { class: 'error', role: 'alert' }, 'ID token refused: its nonce does not match this sign-in.'));
    return;
  }
  await run('Cognito user pool', { [demo.userPoolProviderName]: tokens.id_token! }, steps);
}

// ---- the page -------------------------------------------------------------------------------
function selectTab(which: 'enhanced' | 'basic'): void {
  flow = which;
  for (const t of document.querySelectorAll<HTMLElement>('[role=tab]')) {
    const on = t.dataset.flow === which;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
  }
  document.getElementById('basic-options')!.hidden = which !== 'basic';
}

function render(): void {
  const soon = (name: string) => h('button', { type: 'button', disabled: true, 'aria-describedby': 'soon-note' }, name);
  const tab = (which: 'enhanced' | 'basic', text: string) =>
    h('button', { type: 'button', role: 'tab', id: `tab-${which}`, 'data-flow': which, 'aria-controls': 'flow-panel', onclick: () => selectTab(which),
      onkeydown: (e: Event) => { const k = (e as KeyboardEvent).key; if (k === 'ArrowRight' || k === 'ArrowLeft') { const next = which === 'enhanced' ? 'basic' : 'enhanced'; selectTab(next); document.getElementById(`tab-${next}`)!.focus(); } } }, text);
  const roleSelect = h('select', { id: 'basic-role' }, ...[demo.roles.guest, demo.roles.authenticated, ...demo.roles.patterns].map((r) => h('option', { value: r.arn }, `${r.name} — ${r.description}`)));
  const duration = h('select', { id: 'basic-duration' }, ...[900, 1800, 3600].map((s) => h('option', { value: String(s) }, `${s / 60} minutes`)));
  const devId = h('input', { id: 'user-identifier', name: 'user-identifier', autocomplete: 'off', required: true, value: 'alice' });
  replace(app,
    h('section', { class: 'card', 'aria-labelledby': 'tenant-h' }, h('h2', { id: 'tenant-h' }, 'The demo tenant'),
      h('p', {}, 'Identity pool ', h('code', {}, demo.identityPoolId), ' (guest access and the basic flow on). Demo user: ', h('code', {}, demo.username), ' / password ', h('code', {}, demo.password), '.'),
      demo.dataStep.available ? h('p', {}, 'Data: bucket ', h('code', {}, demo.bucket), ' and table ', h('code', {}, demo.table), ' behind the SigV4 gateway.') : h('p', { class: 'error' }, `Data step unavailable: ${demo.dataStep.reason ?? ''}`)),
    h('div', { role: 'tablist', 'aria-label': 'Authentication flow' }, tab('enhanced', 'Enhanced flow'), tab('basic', 'Basic flow')),
    h('div', { id: 'flow-panel', role: 'tabpanel', 'aria-labelledby': 'tab-enhanced' },
      h('div', { id: 'basic-options', hidden: true, class: 'card' },
        h('p', {}, 'The basic flow: GetId, GetOpenIdToken, then AssumeRoleWithWebIdentity with the role you pick (the pool has no role mappings, so the basic flow is available).'),
        field('Role', roleSelect), field('Session duration', duration)),
      h('section', { class: 'card', 'aria-labelledby': 'guest-h' }, h('h2', { id: 'guest-h' }, 'Guest access'),
        h('p', {}, 'Get credentials for an unauthenticated (guest) identity.'),
        h('button', { type: 'button', id: 'test-guest', onclick: () => run('Guest access', undefined, []) }, 'Test guest access')),
      h('section', { class: 'card', 'aria-labelledby': 'auth-h' }, h('h2', { id: 'auth-h' }, 'Authenticated access'),
        h('div', { class: 'grid' },
          h('button', { type: 'button', id: 'sign-in-user-pool', onclick: startUserPoolSignIn }, 'Cognito user pool'),
          soon('Sign in with Google'), soon('Sign in with Apple'), soon('Sign in with Facebook'), soon('Login with Amazon'), soon('Sign in with Twitter'), soon('OpenID Connect (OIDC)'), soon('SAML 2.0')),
        h('p', { id: 'soon-note', class: 'muted' }, 'Not yet available in this build: the development identity providers (Google, Apple, Facebook, Amazon, Twitter and OIDC stand-ins) and SAML 2.0 (being added) are not served yet.'),
        h('form', { id: 'developer-form', onsubmit: async (e: Event) => {
          e.preventDefault();
          const steps: Step[] = [];
          try {
            const got = await traced(steps, `GetOpenIdTokenForDeveloperIdentity (by the demo backend, provider ${demo.developerProviderName})`, { IdentityPoolId: demo.identityPoolId, Logins: { [demo.developerProviderName]: devId.value } }, () =>
              post('/_tessera/demo/developer-token', { userIdentifier: devId.value }));
            await run('Developer provider', { 'cognito-identity.amazonaws.com': got.Token }, steps, got.IdentityId);
          } catch {
            showResult('Developer provider', undefined, steps, undefined);
          }
        } },
          h('h3', {}, 'Developer provider'), field('User Identifier', devId), h('button', { type: 'submit' }, 'Sign in as this user')))),
    h('section', { id: 'result', 'aria-live': 'polite', class: 'card' }, h('p', { class: 'muted' }, 'Run a flow to see its credentials and its detailed API flow.')),
  );
  selectTab(flow);
}

async function main(): Promise<void> {
  const res = await fetch('/_tessera/demo');
  if (!res.ok) {
    replace(app, h('p', { class: 'error' }, 'This server is not in demo mode (start it with tessera serve --demo, or npm start).'));
    return;
  }
  demo = await res.json();
  render();
  if (location.pathname === '/demo/callback') await finishUserPoolSignIn();
}
main().catch((e) => replace(app, h('p', { class: 'error', role: 'alert' }, String(e))));
