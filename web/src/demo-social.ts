// The demo's sign-ins through Tessera's development identity providers (src/devidp): the
// development OpenID Provider and the Google, Apple, Facebook and Login with Amazon stand-ins by the
// authorization code flow with state, PKCE (S256) and nonce (the code comes back to /demo/callback
// and is exchanged at the provider's token endpoint by fetch: tokens travel only in bodies), and
// Twitter by OAuth 1.0a through the demo backend, which holds the consumer secret. Each ends in
// run() with the provider's Logins key and token, as the AWS example application does.
import { h, replace } from './dom';
import { basicPicks, beginRun, post, restorePicks, run, runHeaders, showResult, state, traced, type Step } from './demo-flow';

interface DevIdpButton {
  label: string;
  protocol: 'oauth' | 'oauth1';
  authorizeUrl: string;
  tokenUrl?: string;
  clientId: string;
  scope?: string;
  requestTokenUrl?: string;
  accessTokenUrl?: string;
  loginsKey: string;
  token: 'id_token' | 'access_token' | 'token;secret';
}
interface Saved {
  provider: string;
  flow: 'enhanced' | 'basic';
  state?: string;
  nonce?: string;
  verifier?: string;
  oauthToken?: string;
  /** The basic flow's picks, restored when the page comes back (it is a new page load). */
  role?: string;
  duration?: string;
}

const KEY = 'tessera-demo-devidp';
const ORDER = ['google', 'apple', 'facebook', 'amazon', 'twitter', 'oidc'] as const;
const origin = location.origin;
const callback = `${origin}/demo/callback`;

function providers(): Record<string, DevIdpButton> | undefined {
  return (state.demo as unknown as { devIdps?: Record<string, DevIdpButton> }).devIdps;
}

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
/** The same path on this page's origin (the page may be open under another loopback name than the public URL's). */
const here = (url: string) => new URL(new URL(url).pathname, origin).href;
const random = (n: number) => b64url(crypto.getRandomValues(new Uint8Array(n)));

function fail(message: string): void {
  replace(document.getElementById('result')!, h('p', { class: 'error', role: 'alert' }, message));
}

/** The six sign-in buttons (or none when the server has no development identity providers). */
export function devIdpButtons(): HTMLButtonElement[] {
  const all = providers();
  if (!all) return [];
  return ORDER.filter((id) => all[id]).map((id) => h('button', { type: 'button', id: `sign-in-${id}`, onclick: () => void startDevSignIn(id) }, all[id]!.label));
}

export async function startDevSignIn(id: string): Promise<void> {
  const p = providers()?.[id];
  if (!p) return;
  if (p.protocol === 'oauth1') {
    // The request token comes from the demo backend (it signs with the consumer secret).
    try {
      const got = (await post(here(p.requestTokenUrl!), { callback })) as { authorizeUrl: string; oauthToken: string };
      sessionStorage.setItem(KEY, JSON.stringify({ provider: id, flow: state.flow, ...basicPicks(), oauthToken: got.oauthToken } satisfies Saved));
      location.assign(got.authorizeUrl);
    } catch (e) {
      fail(`${p.label}: the demo backend could not start the sign-in: ${(e as Error).message}`);
    }
    return;
  }
  const oauthState = random(24), nonce = random(24), verifier = random(48);
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(KEY, JSON.stringify({ provider: id, flow: state.flow, ...basicPicks(), state: oauthState, nonce, verifier } satisfies Saved));
  const u = new URL(here(p.authorizeUrl));
  for (const [k, v] of Object.entries({ response_type: 'code', client_id: p.clientId, redirect_uri: callback, scope: p.scope ?? '', state: oauthState, nonce, code_challenge: challenge, code_challenge_method: 'S256' })) u.searchParams.set(k, v);
  location.assign(u.toString());
}

function saved(): Saved | null {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Saved | null;
  } catch {
    return null;
  }
}

/** Whether the answer now at /demo/callback belongs to a sign-in this module started (by its state or Twitter's oauth_token). */
export function isDevIdpCallback(): boolean {
  const s = saved();
  if (!s) return false;
  const params = new URLSearchParams(location.search);
  return s.state !== undefined ? params.get('state') === s.state : params.get('oauth_token') === s.oauthToken || params.get('denied') === s.oauthToken;
}

export async function finishDevSignIn(selectTab: (which: 'enhanced' | 'basic') => void): Promise<void> {
  const params = new URLSearchParams(location.search);
  // The code / verifier leaves the address bar at once; each is single-use.
  history.replaceState(null, '', '/');
  const s = saved();
  sessionStorage.removeItem(KEY);
  const p = s ? providers()?.[s.provider] : undefined;
  if (!s || !p) return fail('Sign-in answer refused: it does not match the sign-in this page started.');
  selectTab(s.flow);
  restorePicks(s);
  const steps: Step[] = [];
  if (p.protocol === 'oauth1') {
    if (params.get('denied') || params.get('oauth_token') !== s.oauthToken) return fail(`${p.label}: the sign-in was cancelled or does not match the one this page started.`);
    beginRun();
    let login: string;
    try {
      const got = await traced(steps, 'Access token (by the demo backend, OAuth 1.0a)', { oauth_token: s.oauthToken, oauth_verifier: params.get('oauth_verifier') }, async () => {
        const r = (await post(here(p.accessTokenUrl!), { oauth_token: s.oauthToken, oauth_verifier: params.get('oauth_verifier') ?? '' })) as { login: string; userId: string; screenName: string };
        return { access_token: r.login, user_id: r.userId, screen_name: r.screenName };
      });
      login = got.access_token;
    } catch {
      showResult(p.label, undefined, steps, undefined);
      return;
    }
    await run(p.label, { [p.loginsKey]: login }, steps);
    return;
  }
  if (params.get('state') !== s.state) return fail('Sign-in answer refused: its state does not match the sign-in this page started.');
  if (params.get('error')) return fail(`${p.label}: sign-in failed: ${params.get('error')} ${params.get('error_description') ?? ''}`);
  beginRun();
  const body = new URLSearchParams({ grant_type: 'authorization_code', client_id: p.clientId, code: params.get('code') ?? '', redirect_uri: callback, code_verifier: s.verifier ?? '' });
  let tokens: { id_token?: string; access_token?: string };
  try {
    tokens = await traced(steps, `Token endpoint ${new URL(p.tokenUrl!).pathname}`, Object.fromEntries(body), async () => {
      const res = await fetch(here(p.tokenUrl!), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...runHeaders() }, body });
      const j = await res.json();
      if (!res.ok) throw Object.assign(new Error(j.error_description ?? j.error), { name: j.error ?? 'Error' });
      return j;
    });
  } catch {
    showResult(p.label, undefined, steps, undefined);
    return;
  }
  const token = p.token === 'id_token' ? tokens.id_token : tokens.access_token;
  if (!token) return fail(`${p.label}: the token endpoint sent no ${p.token}.`);
  if (p.token === 'id_token') {
    let claims: { nonce?: unknown } = {};
    try {
      claims = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));
    } catch {
      /* refused below */
    }
    if (claims.nonce !== s.nonce) return fail('ID token refused: its nonce does not match this sign-in.');
  }
  await run(p.label, { [p.loginsKey]: token }, steps);
}
