// The pasted credentials of the doctor and console pages: kept in this tab's sessionStorage only.
import { field, h, replace } from './dom';

export interface Credentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
const KEY = 'tessera-console-credentials';

export function load(): Credentials | undefined {
  try {
    const c = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Credentials | null;
    return c?.accessKeyId && c.secretAccessKey ? c : undefined;
  } catch {
    return undefined;
  }
}

/** The sign-in form (or who is signed in, with a sign-out button); calls `changed` after either. */
export function credentialsForm(target: HTMLElement, changed: () => void): void {
  const current = load();
  if (current) {
    replace(target, h('p', {}, 'Signed in with access key ', h('code', {}, current.accessKeyId), ' (this tab only). ',
      h('button', { type: 'button', class: 'secondary', onclick: () => { sessionStorage.removeItem(KEY); credentialsForm(target, changed); changed(); } }, 'Sign out')));
    return;
  }
  const id = h('input', { id: 'access-key-id', autocomplete: 'off', required: true, spellcheck: 'false' });
  const secret = h('input', { id: 'secret-access-key', type: 'password', autocomplete: 'off', required: true });
  const token = h('input', { id: 'session-token', type: 'password', autocomplete: 'off' });
  replace(target, h('form', { 'aria-labelledby': 'creds-h', onsubmit: (e: Event) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, JSON.stringify({ accessKeyId: id.value.trim(), secretAccessKey: secret.value.trim(), ...(token.value.trim() ? { sessionToken: token.value.trim() } : {}) }));
    credentialsForm(target, changed);
    changed();
  } },
    h('h2', { id: 'creds-h' }, 'Credentials'),
    h('p', { class: 'muted' }, 'The root credentials Tessera printed at start-up (or any IAM credentials). They stay in this tab\'s session storage and are never put in a URL.'),
    field('Access key id', id), field('Secret access key', secret), field('Session token (optional)', token),
    h('p', {}, h('button', { type: 'submit' }, 'Use these credentials'))));
}
