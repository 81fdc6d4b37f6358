/** URLs of the social providers' endpoints, from the defaults and the configured overrides. */
import { DEFAULT_PROVIDER_ENDPOINTS, type SocialKey } from './types.js';

/** The configured base for `key` (no trailing slash) followed by `path` (which starts with '/'). */
export function endpointUrl(overrides: Readonly<Record<string, string>>, key: SocialKey, path = ''): string {
  const base = (overrides[key] ?? DEFAULT_PROVIDER_ENDPOINTS[key]).replace(/\/+$/, '');
  return `${base}${path}`;
}

/** `url` with the query parameters added (RFC 3986 encoding by URLSearchParams). */
export function withQuery(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.href;
}
