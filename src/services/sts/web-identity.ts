/** Helpers for web-identity tokens that STS and (later) Cognito Identity share. */
import { Refusal, ServiceError } from '../../errors/index.js';
import { decodeUnverified, type JwtDecoder } from '../../tokens/jws.js';

const NOT_A_JWT = 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)';

/**
 * Reads the unverified `iss` of a compact JWS so the provider (and so the trusted key set) can be
 * chosen. Nothing else from an unverified token is used. Decoding is the verifier's own strict
 * decoding (src/tokens), so a token refused later is refused here for the same reason; with the
 * instance's decoder, the decoding is the one verification then reuses (its memo).
 */
export function peekJwt(token: string, decoder?: JwtDecoder): { iss: string } {
  let claims: Record<string, unknown>;
  try {
    claims = decodeUnverified(token, decoder).claims;
  } catch (err) {
    const reason = err instanceof Refusal ? err.reason : { check: 'jwt.format' };
    throw new ServiceError('InvalidIdentityToken', NOT_A_JWT, { reason, cause: err });
  }
  const iss = claims.iss;
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
