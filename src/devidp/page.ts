/**
 * The development identity providers' sign-in page: plain HTML (no script, so it works under a
 * strict CSP and with the keyboard alone), clearly marked development only, every value escaped.
 * One form: type a name and email (Enter submits them: "Sign in" is the form's first, default
 * button) or pick a preset user; the form carries the pending request's
 * id and a CSRF token that must also come back in a SameSite=Strict cookie.
 */
import { escapeHtml } from '../services/oauth2/pages.js';

export { escapeHtml };

export const PRESET_USERS: Readonly<Record<string, { name: string; email: string }>> = Object.freeze({
  alice: { name: 'Alice Example', email: 'alice@example.com' },
  bob: { name: 'Bob Example', email: 'bob@example.com' },
});

export const DEV_STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24}
main{max-width:32rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #c9ced6;border-radius:8px}
.dev{background:#fff4ce;border:2px solid #8a6d00;padding:.5rem .75rem;border-radius:6px;color:#4a3a00}
label{display:block;margin-top:.75rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit;border:1px solid #5b6470;border-radius:4px}
button{margin:.75rem .5rem 0 0;padding:.5rem 1rem;font:inherit;border-radius:4px;border:1px solid #1b4f9c;background:#1b4f9c;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1b4f9c}
:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
.muted{color:#4d5562;font-size:.9rem}
fieldset{border:1px solid #c9ced6;border-radius:6px;margin-top:1rem}
fieldset label{font-weight:normal;margin-top:.3rem}
input[type=checkbox]{width:auto}
.error{color:#a00;border:1px solid #a00;padding:.5rem}
code{word-break:break-all}
`;

export interface SignInPage {
  providerTitle: string;
  /** The real provider this stands in for (absent: Tessera's own development OpenID Provider). */
  standsInFor?: string;
  clientLabel: string;
  action: string;
  hidden: Record<string, string>;
}

export function renderSignInPage(p: SignInPage): string {
  const hidden = Object.entries(p.hidden)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  const presets = Object.entries(PRESET_USERS)
    .map(([id, u]) => `<button type="submit" name="preset" value="${id}" formnovalidate class="secondary">Continue as ${escapeHtml(u.name)} (${escapeHtml(u.email)})</button>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.providerTitle)} — development sign-in</title><link rel="stylesheet" href="/_dev/style.css"></head>
<body><main>
<h1>${escapeHtml(p.providerTitle)}</h1>
<p class="dev" role="note"><strong>Development only.</strong> This sign-in page is a stand-in served by Tessera itself (<code>--demo</code> / <code>--dev-idps</code>). It signs in whoever you say${p.standsInFor ? `: it is not the real ${escapeHtml(p.standsInFor)}` : ''}.</p>
<p class="muted">Signing in to: ${escapeHtml(p.clientLabel)}</p>
<form method="post" action="${escapeHtml(p.action)}">
${hidden}
<fieldset><legend>Type a user</legend>
<label for="name">Name</label><input id="name" name="name" autocomplete="name" maxlength="64" required value="Alice Example">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" maxlength="254" required value="alice@example.com">
<button type="submit" name="action" value="sign-in" id="sign-in">Sign in</button>
<button type="submit" name="action" value="cancel" formnovalidate class="secondary">Cancel</button>
</fieldset>
<fieldset><legend>Or pick a user</legend>${presets}</fieldset>
</form></main></body></html>`;
}

export function renderErrorPage(title: string, message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><link rel="stylesheet" href="/_dev/style.css"></head>
<body><main><h1>${escapeHtml(title)}</h1><p class="dev" role="note"><strong>Development only.</strong> A development identity provider of Tessera.</p>
<p role="alert">${escapeHtml(message)}</p></main></body></html>`;
}

/** The user a submitted sign-in form names, or an error message. */
export function userFromForm(form: URLSearchParams): { name: string; email: string } | string {
  const preset = form.get('preset');
  if (preset !== null) return PRESET_USERS[preset] ?? 'unknown preset user';
  const name = (form.get('name') ?? '').trim();
  const email = (form.get('email') ?? '').trim();
  if (!name || name.length > 64 || /[\u0000-\u001f\u007f<>]/.test(name)) return 'name must be 1 to 64 printable characters';
  if (email.length > 254 || !/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(email)) return 'email must be an address like alice@example.com';
  return { name, email: email.toLowerCase() };
}
