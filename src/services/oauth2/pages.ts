/**
 * The managed login pages: plain HTML, no scripts, no external assets, every dynamic value
 * escaped (security.md O10: an upstream `error_description` is hostile text). Forms post back
 * to the same domain path and carry the CSRF token of their login transaction.
 */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
label{display:block;margin-top:.8rem}input{width:100%;padding:.4rem;box-sizing:border-box}
button,.idp{display:block;width:100%;margin-top:1rem;padding:.5rem;text-align:center}
.error{color:#a00;border:1px solid #a00;padding:.5rem}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

function errorBox(message: string | undefined): string {
  return message ? `<p class="error" role="alert">${escapeHtml(message)}</p>\n` : '';
}

export interface LoginPageInput {
  action: string;
  csrf: string;
  username?: string;
  error?: string;
  /** Whether the client allows COGNITO (the username/password form). */
  showForm: boolean;
  /** One button per enabled upstream IdP: its name and the authorize URL that goes straight there. */
  providers: Array<{ name: string; href: string }>;
}

export function loginPage(input: LoginPageInput): string {
  const form = input.showForm
    ? `<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="_csrf" value="${escapeHtml(input.csrf)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required value="${escapeHtml(input.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
`
    : '';
  const idps = input.providers.length
    ? `<nav aria-label="Sign in with another provider">
${input.providers.map((p) => `<a class="idp" href="${escapeHtml(p.href)}">Sign in with ${escapeHtml(p.name)}</a>`).join('\n')}
</nav>
`
    : '';
  return layout('Sign in', errorBox(input.error) + form + idps);
}

export function newPasswordPage(input: { action: string; csrf: string; error?: string }): string {
  return layout(
    'Change your password',
    `${errorBox(input.error)}<p>Your password is temporary. Choose a new one to continue.</p>
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="_csrf" value="${escapeHtml(input.csrf)}">
<label for="new_password">New password</label>
<input id="new_password" name="new_password" type="password" autocomplete="new-password" required>
<label for="confirm_password">Confirm new password</label>
<input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required>
<button type="submit">Change password and sign in</button>
</form>
`,
  );
}

/** The second step for a user with an authenticator app (software token MFA). */
export function mfaCodePage(input: { action: string; csrf: string; error?: string }): string {
  return layout(
    'Enter your code',
    `${errorBox(input.error)}<p>Enter the code from your authenticator app.</p>
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="_csrf" value="${escapeHtml(input.csrf)}">
<label for="code">Code</label>
<input id="code" name="code" inputmode="numeric" pattern="[0-9]{6}" autocomplete="one-time-code" required>
<button type="submit">Sign in</button>
</form>
`,
  );
}

export function errorPage(message: string): string {
  return layout('Something went wrong', errorBox(message));
}

export function signedOutPage(): string {
  return layout('Signed out', '<p>You have been signed out.</p>\n');
}
