/**
 * Cookies of the hosted endpoints (RFC 6265). All are HttpOnly, SameSite=Lax (the upstream
 * IdP's redirect back to /oauth2/idpresponse is a top-level cross-site GET, which Lax still
 * carries), scoped to the domain's path so two user-pool domains served on one listener never
 * see each other's cookies, and Secure when the public URL is https.
 */
export const COOKIE = {
  /** Hosted-UI session: a signed-in user skips the login form for 1 h (aws-surface.md §7.3). */
  session: 'tessera_session',
  /** Managed-login transaction (authorize parameters + CSRF token). */
  login: 'tessera_login',
  /** Upstream IdP transaction (state, nonce, PKCE verifier). */
  upstream: 'tessera_upstream',
} as const;

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    // First occurrence wins (RFC 6265 §5.4: more specific paths are listed first).
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

export interface CookieScope {
  path: string;
  secure: boolean;
}

export function setCookie(name: string, value: string, scope: CookieScope, maxAgeSeconds: number): string {
  return [
    `${name}=${value}`,
    `Path=${scope.path}`,
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(scope.secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearCookie(name: string, scope: CookieScope): string {
  return setCookie(name, '', scope, 0);
}
