/**
 * Scope resolution at /oauth2/authorize (CG:authorization-endpoint; aws-surface.md §8.1):
 * requested scopes the client is not allowed are ignored; no `scope` means every scope the
 * client is allowed; `email`, `phone` and `profile` only mean something with `openid`, so
 * without it they are dropped; an ID token is issued only when `openid` remains.
 */
const NEEDS_OPENID = new Set(['email', 'phone', 'profile']);

export function resolveScopes(requested: string | undefined, allowed: readonly string[] | undefined): string[] {
  const allow = new Set(allowed ?? []);
  const asked = requested === undefined ? [...allow] : requested.split(' ').filter((s) => s.length > 0);
  const granted: string[] = [];
  for (const s of asked) if (allow.has(s) && !granted.includes(s)) granted.push(s);
  if (!granted.includes('openid')) return granted.filter((s) => !NEEDS_OPENID.has(s));
  return granted;
}

