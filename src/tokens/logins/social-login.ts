/**
 * A Logins entry for a social provider (aws-surface.md §4.2, §4.7): the key is the provider's
 * (`accounts.google.com`, `appleid.apple.com`, `graph.facebook.com`, `www.amazon.com`,
 * `api.twitter.com`) and the pool's SupportedLoginProviders value names the app the token must
 * have been issued to (Google: the OAuth client id; Apple: Services ID or bundle id;
 * Facebook: App ID; Amazon: application id; Twitter: `consumerKey;consumerSecret`). The provider's
 * own verifier (src/tokens/social) does the checking; this maps its refusals to the pool's
 * (mapTokenRefusal: NotAuthorized with Cognito's texts, ExternalService when the provider could
 * not be asked) and its answer to the one VerifiedLogin record.
 */
import type { SocialKey, SocialVerifiers } from '../social/index.js';
import { MESSAGES, mapTokenRefusal, notAuthorized } from './messages.js';
import type { PoolLoginConfig, ProviderKind, ProviderVerifier, VerifiedLogin } from './types.js';

export function socialLoginVerifier(kind: ProviderKind, key: SocialKey, social: SocialVerifiers | undefined, now: () => number): ProviderVerifier {
  return {
    kind,
    async verify(loginKey, token, pool: PoolLoginConfig): Promise<VerifiedLogin> {
      const where = `Logins[${JSON.stringify(loginKey)}]`;
      const value = pool.supportedLoginProviders[key];
      if (!social || value === undefined) {
        throw notAuthorized(MESSAGES.notSupported, { check: 'login.social', expected: 'a social provider listed in SupportedLoginProviders', actual: loginKey, detail: where });
      }
      let identity;
      try {
        identity = await social[key].verify(token, [value]);
      } catch (e) {
        throw mapTokenRefusal(e, loginKey, now());
      }
      return {
        providerKey: key,
        providerKind: kind,
        subject: identity.subject,
        claims: identity.claims,
        roleMappingKey: key,
        roleMappingKeys: [key],
        publicProvider: true,
        ...(identity.expiresAt !== undefined ? { expiresAt: identity.expiresAt } : {}),
      };
    },
  };
}
