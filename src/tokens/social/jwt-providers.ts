/**
 * Google and Sign in with Apple: the client sends the provider's OpenID Connect ID token, verified
 * like any ID token (src/tokens/oidc.ts: one decoder, one claims validator) against the keys the
 * provider publishes at a fixed JWKS URL (no discovery document is read):
 *  - Google: JWKS https://www.googleapis.com/oauth2/v3/certs; `iss` "accounts.google.com" or
 *    "https://accounts.google.com"; `aud` must be a configured client id, while `azp` may name
 *    another client of the same project (Android tokens do) and is not judged;
 *  - Apple: JWKS https://appleid.apple.com/auth/keys; `iss` "https://appleid.apple.com"; `aud`
 *    the Services ID or bundle id.
 * An endpoint override changes where the keys are fetched, never the issuer that is required;
 * `thumbprints` (the development IdPs' certificate) are trusted for an overridden JWKS only.
 */
import type { OidcVerifier } from '../oidc.js';
import { endpointUrl } from './endpoints.js';
import type { SocialIdentity, SocialKey, SocialVerifier } from './types.js';

const ISSUERS: Record<'accounts.google.com' | 'appleid.apple.com', { issuer: string; others: string[] }> = {
  'accounts.google.com': { issuer: 'https://accounts.google.com', others: ['accounts.google.com'] },
  'appleid.apple.com': { issuer: 'https://appleid.apple.com', others: [] },
};

export function createJwtProviderVerifier(
  key: Extract<SocialKey, 'accounts.google.com' | 'appleid.apple.com'>,
  deps: { oidc: OidcVerifier; endpoints: Readonly<Record<string, string>>; thumbprints?: readonly string[] },
): SocialVerifier {
  const { issuer, others } = ISSUERS[key];
  const jwksUri = endpointUrl(deps.endpoints, key);
  return {
    key,
    async verify(token, audiences): Promise<SocialIdentity> {
      const verified = await deps.oidc.verify(
        token,
        { issuer, otherIssuers: others, jwksUri, clientIds: audiences, thumbprints: deps.thumbprints ?? [] },
        { audience: 'aud', checkAzp: false },
      );
      return { subject: verified.subject, audience: verified.audience, claims: verified.claims, expiresAt: verified.expiresAt };
    },
  };
}
