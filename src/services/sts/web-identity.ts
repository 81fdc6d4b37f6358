/** Helpers for web-identity tokens that STS and (later) Cognito Identity share. */
import { ServiceError } from '../../errors/index.js';

const NOT_A_JWT = 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)';

/**
 * Reads the unverified `iss` of a compact JWS so the provider (and so the trusted key set) can be
 * chosen. Nothing else from an unverified token is used.
 */
export function peekJwt(token: string): { iss: string } {
  const parts = token.split('.');
  const refuse = (check: string, actual?: unknown) =>
    new ServiceError('InvalidIdentityToken', NOT_A_JWT, { reason: { check, expected: 'a compact JWS: header.payload.signature', actual } });
  if (parts.length !== 3) throw refuse('jwt.format', `${parts.length} segments`);
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    throw refuse('jwt.format', 'payload is not base64url JSON');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw refuse('jwt.format', 'payload is not a JSON object');
  const iss = (payload as Record<string, unknown>).iss;
  if (typeof iss !== 'string' || !iss) {
    throw new ServiceError('InvalidIdentityToken', 'Missing a required claim: iss', { reason: { check: 'jwt.iss', expected: 'a string', actual: iss } });
  }
  return { iss };
}

/**
 * The condition keys a web-identity token contributes (IAM user guide, OIDC user-id keys):
 * `<provider>:aud` is `azp` when present, else the matched `aud`; `:oaud` is the token's `aud`;
 * `:sub`, `:azp`, `:amr` (multi-valued), `:email` when present. Only amr, aud, sub (and id)
 * survive into the session as cross-service keys.
 */
export function webIdentityClaims(claims: Record<string, unknown>, matchedAudience: string) {
  const conditionKeys: Record<string, string | string[]> = {};
  const azp = typeof claims.azp === 'string' ? claims.azp : undefined;
  conditionKeys.aud = azp ?? matchedAudience;
  const aud = claims.aud;
  if (typeof aud === 'string') conditionKeys.oaud = aud;
  else if (Array.isArray(aud)) conditionKeys.oaud = aud.filter((a): a is string => typeof a === 'string');
  if (typeof claims.sub === 'string') conditionKeys.sub = claims.sub;
  if (azp) conditionKeys.azp = azp;
  const amr = claims.amr;
  if (typeof amr === 'string') conditionKeys.amr = [amr];
  else if (Array.isArray(amr)) conditionKeys.amr = amr.filter((a): a is string => typeof a === 'string');
  if (typeof claims.email === 'string') conditionKeys.email = claims.email;
  const sessionKeys: Record<string, string | string[]> = {};
  for (const k of ['aud', 'sub', 'amr'] as const) if (conditionKeys[k] !== undefined) sessionKeys[k] = conditionKeys[k]!;
  return { conditionKeys, sessionKeys };
}
