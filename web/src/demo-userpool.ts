// The demo's user-pool sign-in: the managed login page by the authorization code flow with
// state, PKCE (S256) and nonce; the code is exchanged at the pool's token endpoint.
import { h, replace } from './dom';
import { basicPicks, beginRun, restorePicks, run, runHeaders, showResult, state, traced, type Step } from './demo-flow';

const origin = location.origin;

export function startUserPoolSignIn(): void {
  const bytes = (n: number) => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(n)))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const oauthState = bytes(24), nonce = bytes(24), verifier = bytes(48);
  crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)).then((d) => {
    const challenge = btoa(String.fromCharCode(...new Uint8Array(d))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    sessionStorage.setItem('tessera-demo-oauth', JSON.stringify({ state: oauthState, nonce, verifier, flow: state.flow, ...basicPicks() }));
    const u = new URL(`/auth/${state.demo.domain}/oauth2/authorize`, origin);
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: state.demo.clientId, redirect_uri: `${origin}/demo/callback`, scope: 'openid email profile', state: oauthState, nonce, code_challenge: challenge, code_challenge_method: 'S256' })) u.searchParams.set(k, v);
    location.assign(u.toString());
  });
}

export async function finishUserPoolSignIn(selectTab: (which: 'enhanced' | 'basic') => void): Promise<void> {
  const params = new URLSearchParams(location.search);
  // The code leaves the address bar at once; it is single-use and bound to our PKCE verifier.
  history.replaceState(null, '', '/');
  const saved = JSON.parse(sessionStorage.getItem('tessera-demo-oauth') ?? 'null') as { state: string; nonce: string; verifier: string; flow: 'enhanced' | 'basic'; role?: string; duration?: string } | null;
  sessionStorage.removeItem('tessera-demo-oauth');
  const steps: Step[] = [];
  selectTab(saved?.flow ?? 'enhanced');
  // The basic tab's role and duration as they were picked before the managed login page.
  if (saved) restorePicks(saved);
  const out = document.getElementById('result')!;
  if (!saved || params.get('state') !== saved.state) {
    replace(out, h('p', { class: 'error', role: 'alert' }, 'Sign-in answer refused: its state does not match the sign-in this page started.'));
    return;
  }
  if (params.get('error')) {
    replace(out, h('p', { class: 'error', role: 'alert' }, `Sign-in failed: ${params.get('error')} ${params.get('error_description') ?? ''}`));
    return;
  }
  beginRun();
  const body = new URLSearchParams({ grant_type: 'authorization_code', client_id: state.demo.clientId, code: params.get('code') ?? '', redirect_uri: `${origin}/demo/callback`, code_verifier: saved.verifier });
  let tokens: { id_token?: string };
  try {
    tokens = await traced(steps, `Token endpoint /auth/${state.demo.domain}/oauth2/token`, Object.fromEntries(body), async () => {
      const res = await fetch(`/auth/${state.demo.domain}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...runHeaders() }, body });
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
  await run('Cognito user pool', { [state.demo.userPoolProviderName]: tokens.id_token! }, steps);
}

