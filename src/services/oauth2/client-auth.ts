/**
 * Client authentication at /oauth2/token and /oauth2/revoke (RFC 6749 §2.3.1; aws-surface.md
 * §8.2): `Authorization: Basic base64(urlencode(id):urlencode(secret))` (client_secret_basic) or
 * `client_id` + `client_secret` in the body (client_secret_post); public clients send
 * `client_id` only. Using both methods at once, a wrong secret, a secret for a public client or
 * no secret for a confidential one are all `invalid_client` (security.md O07); the secret is
 * compared in constant time by the user-pool service.
 */
import type { ClientRecord, UserPools } from './deps.js';
import { OAuthError } from './errors.js';
import type { Params } from './form.js';

function parseBasic(header: string): { id: string; secret: string } {
  const m = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  if (!m) throw new OAuthError('invalid_client', 'Malformed Authorization header');
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'Malformed Authorization header');
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
    const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthError('invalid_client', 'Malformed Authorization header');
  }
}

export async function authenticateClient(
  userPools: UserPools,
  userPoolId: string,
  authorization: string | undefined,
  params: Params,
): Promise<ClientRecord> {
  let id = params.get('client_id');
  let secret: string | undefined;
  if (authorization !== undefined && /^Basic /i.test(authorization)) {
    const basic = parseBasic(authorization);
    if (params.has('client_secret')) throw new OAuthError('invalid_client', 'Use one client authentication method');
    if (id !== undefined && id !== basic.id) throw new OAuthError('invalid_client', 'client_id does not match the Authorization header');
    id = basic.id;
    secret = basic.secret;
  } else {
    secret = params.get('client_secret');
  }
  if (!id) throw new OAuthError('invalid_client', 'Client authentication is required');
  const client = await userPools.getClient(id);
  if (!client || client.userPoolId !== userPoolId) {
    throw new OAuthError('invalid_client', 'Client authentication failed', { check: 'oauth2.client', actual: id });
  }
  if (client.clientSecret === undefined) {
    if (secret !== undefined) throw new OAuthError('invalid_client', 'Client authentication failed', { check: 'oauth2.client-secret', detail: 'public client sent a secret' });
    return client;
  }
  if (secret === undefined || !userPools.verifyClientSecret(client, secret)) {
    throw new OAuthError('invalid_client', 'Client authentication failed', { check: 'oauth2.client-secret', detail: secret === undefined ? 'missing' : 'mismatch' });
  }
  return client;
}
