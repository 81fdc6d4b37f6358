/**
 * A Logins entry `cognito-identity.amazonaws.com`: an OpenID token Tessera itself signed
 * (GetOpenIdTokenForDeveloperIdentity, or GetOpenIdToken for an authenticated identity; CG
 * developer-authenticated-identities). It must verify against Tessera's own keys with
 * iss = publicUrl and aud = this identity pool, and must be an authenticated token (amr contains
 * "authenticated"): an unauthenticated identity's token proves nothing about a user, and
 * accepting it as a login would turn a guest into an authenticated identity.
 */
import { MESSAGES, mapTokenRefusal, notAuthorized } from './messages.js';
import type { LoginVerifierDeps, PoolLoginConfig, VerifiedLogin } from './types.js';

export const COGNITO_IDENTITY_KEY = 'cognito-identity.amazonaws.com';
/** IAM session-tags claim (IAMG:id_session-tags); the developer PrincipalTags ride in it. */
export const TAGS_CLAIM = 'https://aws.amazon.com/tags';

/** `{"principal_tags": {"K": ["v"]}}` → `{K: "v"}` (IAM's format has one value per key). */
function principalTagsOf(claims: Record<string, unknown>): Record<string, string> | undefined {
  const tags = claims[TAGS_CLAIM];
  if (typeof tags !== 'object' || tags === null) return undefined;
  const principal = (tags as Record<string, unknown>).principal_tags;
  if (typeof principal !== 'object' || principal === null || Array.isArray(principal)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(principal)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value === 'string') out[k] = value;
  }
  return out;
}

export async function verifyTesseraLogin(
  token: string,
  pool: PoolLoginConfig,
  deps: Pick<LoginVerifierDeps, 'openIdKeys' | 'publicUrl'>,
  now: () => number,
): Promise<VerifiedLogin> {
  const key = COGNITO_IDENTITY_KEY;
  let claims: Record<string, unknown>;
  try {
    ({ claims } = await deps.openIdKeys.verifyJwt(token, { issuer: deps.publicUrl, audience: pool.identityPoolId }));
  } catch (e) {
    throw mapTokenRefusal(e, key, now());
  }
  const amr = Array.isArray(claims.amr) && claims.amr.every((a) => typeof a === 'string') ? (claims.amr as string[]) : undefined;
  if (!amr?.includes('authenticated')) {
    throw notAuthorized(MESSAGES.unauthenticatedToken, { check: 'jwt.amr', expected: 'amr containing "authenticated"', actual: claims.amr ?? 'absent', detail: `Logins[${JSON.stringify(key)}]` });
  }
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub.length === 0) {
    throw notAuthorized(MESSAGES.notAToken, { check: 'jwt.sub', expected: 'the identity id', actual: sub ?? 'absent', detail: `Logins[${JSON.stringify(key)}]` });
  }
  const principalTags = principalTagsOf(claims);
  return {
    providerKey: key,
    providerKind: 'cognito-identity',
    subject: sub,
    claims,
    roleMappingKey: key,
    roleMappingKeys: [key],
    publicProvider: false,
    ...(typeof claims.exp === 'number' ? { expiresAt: claims.exp } : {}),
    identityId: sub,
    amr,
    ...(principalTags ? { principalTags } : {}),
  };
}
