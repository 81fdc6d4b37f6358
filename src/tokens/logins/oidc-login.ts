/**
 * A Logins entry for a generic OpenID Connect provider: the key is the IAM OIDC provider's URL
 * without https://, and the pool lists that provider's ARN in OpenIdConnectProviderARNs
 * (aws-surface.md §4.2). Checks in Cognito's order (CG:open-id, §4.3): the issuer must be
 * https:// + key ("Issuer doesn't match providerName", decided before any outbound fetch), an
 * audience must be present ("Missing a required claim: aud"), then signature against the
 * provider's JWKS pinned by thumbprint, lifetime with five minutes of skew, and the audience rule
 * azp-if-present-else-aud within the provider's ClientIDList (src/tokens/oidc.ts).
 */
import { decodeUnverified } from '../jws.js';
import { MESSAGES, mapTokenRefusal, notAuthorized } from './messages.js';
import type { LoginVerifierDeps, VerifiedLogin } from './types.js';

export async function verifyOidcLogin(
  key: string,
  token: string,
  provider: { arn: string; clientIds: string[]; thumbprints: string[] },
  deps: Pick<LoginVerifierDeps, 'oidc' | 'decoder'>,
  now: () => number,
): Promise<VerifiedLogin> {
  const issuer = `https://${key}`;
  let claims: Record<string, unknown>;
  try {
    claims = decodeUnverified(token, deps.decoder).claims;
  } catch (e) {
    throw mapTokenRefusal(e, key, now());
  }
  if (claims.iss !== issuer) {
    throw notAuthorized(MESSAGES.issuerMismatch, { check: 'jwt.iss', expected: issuer, actual: claims.iss ?? 'absent', detail: `Logins[${JSON.stringify(key)}]` });
  }
  if (claims.aud === undefined && claims.azp === undefined) {
    throw notAuthorized(MESSAGES.missingAud, { check: 'jwt.aud', expected: 'an aud or azp claim', actual: 'absent', detail: `Logins[${JSON.stringify(key)}]` });
  }
  let verified;
  try {
    verified = await deps.oidc.verify(token, { issuer, clientIds: provider.clientIds, thumbprints: provider.thumbprints }, { audience: 'azp-then-aud' });
  } catch (e) {
    throw mapTokenRefusal(e, key, now());
  }
  return {
    providerKey: key,
    providerKind: 'oidc',
    subject: verified.subject,
    claims: verified.claims,
    // CG:role-based-access-control keys OIDC role mappings by the provider ARN; the bare
    // provider URL is accepted as an alias (whether AWS does is unconfirmed, §4.6).
    roleMappingKey: provider.arn,
    roleMappingKeys: [provider.arn, key],
    publicProvider: true,
    expiresAt: verified.expiresAt,
  };
}
