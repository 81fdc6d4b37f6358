/**
 * Redirect URIs. The value sent must equal one of the client's registered CallbackURLs (or
 * LogoutURLs) character for character: no normalisation, no prefix, port or trailing-slash
 * leniency (RFC 9700 §4.1.3 exact matching; security.md O06). A URI that does not match is
 * never redirected to: the caller renders an error page instead (RFC 6749 §4.1.2.1).
 */

export function isRegistered(candidate: string | undefined, registered: readonly string[] | undefined): candidate is string {
  if (candidate === undefined || candidate.length === 0 || candidate.length > 1024) return false;
  if (candidate.includes('#')) return false; // RFC 6749 §3.1.2: no fragment component
  return (registered ?? []).some((url) => url === candidate);
}

/**
 * Appends response parameters to a redirect URI: in the query for the code flow (keeping any
 * query the registered URI already has), in the fragment for the implicit flow (RFC 6749
 * §4.2.2; aws-surface.md §8.1).
 */
export function withParams(redirectUri: string, params: Record<string, string | undefined>, mode: 'query' | 'fragment'): string {
  const pairs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) pairs.set(k, v);
  const encoded = pairs.toString();
  if (mode === 'fragment') return `${redirectUri}#${encoded}`;
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${encoded}`;
}
