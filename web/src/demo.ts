// The identity pools demo: the AWS example application's screens and words, against this Tessera.
import './style.css';
import { field, h, replace } from './dom';
import { beginRun, post, run, showResult, state, traced, type Step } from './demo-flow';
import { finishUserPoolSignIn, startUserPoolSignIn } from './demo-userpool';
import { finishSamlSignIn, samlButton, samlNote, SIGN_IN_KEY } from './demo-saml';
import { devIdpButtons, finishDevSignIn, isDevIdpCallback } from './demo-social';

const app = document.getElementById('app')!;

// ---- the page -------------------------------------------------------------------------------
function selectTab(which: 'enhanced' | 'basic'): void {
  state.flow = which;
  for (const t of document.querySelectorAll<HTMLElement>('[role=tab]')) {
    const on = t.dataset.flow === which;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
  }
  document.getElementById('basic-options')!.hidden = which !== 'basic';
}

/**
 * Why the basic flow is or is not available, from the pool's settings read by the server: Tessera,
 * as Cognito, refuses GetOpenIdToken for a pool with AllowClassicFlow off or with role mappings.
 */
function basicFlowText(): string {
  const b = state.demo.basicFlow;
  const steps = 'The basic flow: GetId, GetOpenIdToken, then AssumeRoleWithWebIdentity with the role you pick.';
  if (!b) return steps;
  if (!b.allowClassicFlow) return `The basic flow is unavailable: the identity pool ${state.demo.identityPoolId} has AllowClassicFlow off, so GetOpenIdToken is refused for it (a run here shows that refusal and its reason; turn the basic flow on in the console to use it). The enhanced flow works.`;
  if (b.roleMappings.length) {
    return `The basic flow is unavailable: the identity pool has role mappings (for ${b.roleMappings.join(', ')}), and GetOpenIdToken is refused for a pool with role mappings, because the basic flow would bypass them by letting the caller pick the role. A run here shows that refusal and its reason; the enhanced flow applies the mappings.`;
  }
  return `${steps} Available: the pool allows the basic flow and has no role mappings. You pick the role, within what its trust policy allows.`;
}

function render(): void {
  const soon = (name: string) => h('button', { type: 'button', disabled: true, 'aria-describedby': 'soon-note' }, name);
  const tab = (which: 'enhanced' | 'basic', text: string) =>
    h('button', { type: 'button', role: 'tab', id: `tab-${which}`, 'data-flow': which, 'aria-controls': 'flow-panel', onclick: () => selectTab(which),
      onkeydown: (e: Event) => { const k = (e as KeyboardEvent).key; if (k === 'ArrowRight' || k === 'ArrowLeft') { const next = which === 'enhanced' ? 'basic' : 'enhanced'; selectTab(next); document.getElementById(`tab-${next}`)!.focus(); } } }, text);
  const roleSelect = h('select', { id: 'basic-role' }, ...[state.demo.roles.guest, state.demo.roles.authenticated, ...state.demo.roles.patterns].map((r) => h('option', { value: r.arn }, `${r.name} — ${r.description}`)));
  const duration = h('select', { id: 'basic-duration' }, ...[900, 1800, 3600].map((s) => h('option', { value: String(s) }, `${s / 60} minutes`)));
  const devButtons = devIdpButtons();
  const devId = h('input', { id: 'user-identifier', name: 'user-identifier', autocomplete: 'off', required: true, value: 'alice' });
  replace(app,
    h('section', { class: 'card', 'aria-labelledby': 'tenant-h' }, h('h2', { id: 'tenant-h' }, 'The demo tenant'),
      h('p', {}, 'Identity pool ', h('code', {}, state.demo.identityPoolId), ' (guest access and the basic flow on). Demo user: ', h('code', {}, state.demo.username), ' / password ', h('code', {}, state.demo.password), '.'),
      state.demo.dataStep.available ? h('p', {}, 'Data: bucket ', h('code', {}, state.demo.bucket), ' and table ', h('code', {}, state.demo.table), ' behind the SigV4 gateway.') : h('p', { class: 'error' }, `Data step unavailable: ${state.demo.dataStep.reason ?? ''}`)),
    h('div', { role: 'tablist', 'aria-label': 'Authentication flow' }, tab('enhanced', 'Enhanced flow'), tab('basic', 'Basic flow')),
    h('div', { id: 'flow-panel', role: 'tabpanel', 'aria-labelledby': 'tab-enhanced' },
      h('div', { id: 'basic-options', hidden: true, class: 'card' },
        h('p', { id: 'basic-why', class: state.demo.basicFlow && !state.demo.basicFlow.available ? 'error' : undefined }, basicFlowText()),
        field('Role', roleSelect), field('Session duration', duration)),
      h('section', { class: 'card', 'aria-labelledby': 'guest-h' }, h('h2', { id: 'guest-h' }, 'Guest access'),
        h('p', {}, 'Get credentials for an unauthenticated (guest) identity.'),
        h('button', { type: 'button', id: 'test-guest', onclick: () => { beginRun(); void run('Guest access', undefined, []); } }, 'Test guest access')),
      h('section', { class: 'card', 'aria-labelledby': 'auth-h' }, h('h2', { id: 'auth-h' }, 'Authenticated access'),
        h('div', { class: 'grid' },
          h('button', { type: 'button', id: 'sign-in-user-pool', onclick: startUserPoolSignIn }, 'Cognito user pool'),
          ...(devButtons.length ? devButtons : [soon('Sign in with Google'), soon('Sign in with Apple'), soon('Sign in with Facebook'), soon('Login with Amazon'), soon('Sign in with Twitter'), soon('OpenID Connect (OIDC)')]), samlButton()),
        devButtons.length
          ? h('p', { id: 'soon-note', class: 'muted' }, 'Google, Apple, Facebook, Amazon, Twitter, OpenID Connect and SAML 2.0 sign in through Tessera\'s own development identity providers (development only: they speak the real protocols, they are not the real providers).')
          : h('p', { id: 'soon-note', class: 'muted' }, 'Not available: this server runs without its development identity providers (Google, Apple, Facebook, Amazon, Twitter and OIDC stand-ins).'),
        samlNote(),
        h('form', { id: 'developer-form', onsubmit: async (e: Event) => {
          e.preventDefault();
          beginRun();
          const steps: Step[] = [];
          try {
            const got = await traced(steps, `GetOpenIdTokenForDeveloperIdentity (by the demo backend, provider ${state.demo.developerProviderName})`, { IdentityPoolId: state.demo.identityPoolId, Logins: { [state.demo.developerProviderName]: devId.value } }, () =>
              post('/_tessera/demo/developer-token', { userIdentifier: devId.value }));
            await run('Developer provider', { 'cognito-identity.amazonaws.com': got.Token }, steps, got.IdentityId);
          } catch {
            showResult('Developer provider', undefined, steps, undefined);
          }
        } },
          h('h3', {}, 'Developer provider'), field('User Identifier', devId), h('button', { type: 'submit' }, 'Sign in as this user')))),
    h('section', { id: 'result', 'aria-live': 'polite', class: 'card' }, h('p', { class: 'muted' }, 'Run a flow to see its credentials and its detailed API flow.')),
  );
  selectTab(state.flow);
}

async function main(): Promise<void> {
  const res = await fetch('/_tessera/demo');
  if (!res.ok) {
    replace(app, h('p', { class: 'error' }, 'This server is not in demo mode (start it with tessera serve --demo, or npm start).'));
    return;
  }
  state.demo = await res.json();
  render();
  if (location.pathname === '/demo/callback') {
    // Which sign-in went away: the development IdPs and SAML by what they saved in sessionStorage;
    // otherwise the user pool's answer (?code&state).
    if (isDevIdpCallback()) await finishDevSignIn(selectTab);
    else if (sessionStorage.getItem(SIGN_IN_KEY) === 'saml' && !new URLSearchParams(location.search).has('code')) await finishSamlSignIn(selectTab);
    else await finishUserPoolSignIn(selectTab);
  }
}
main().catch((e) => replace(app, h('p', { class: 'error', role: 'alert' }, String(e))));
