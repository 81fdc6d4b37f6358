/**
 * The social identity providers of identity pools (SupportedLoginProviders; aws-surface.md §4.2,
 * §4.7) and of STS AssumeRoleWithWebIdentity: their `Logins` keys, default endpoints and the one
 * interface each provider's verifier implements.
 */

/** The `Logins` keys (and STS ProviderIds / principals) of the social providers. */
export const SOCIAL_KEYS = ['accounts.google.com', 'appleid.apple.com', 'graph.facebook.com', 'www.amazon.com', 'api.twitter.com'] as const;
export type SocialKey = (typeof SOCIAL_KEYS)[number];

export function isSocialKey(key: string): key is SocialKey {
  return (SOCIAL_KEYS as readonly string[]).includes(key);
}

/**
 * Where Tessera connects for each provider unless `--provider-endpoint KEY=URL` says otherwise:
 * the JWKS URL for Google and Apple, the API base for Facebook (Graph), Amazon and Twitter. A path
 * in an override is kept as a prefix (`https://graph.facebook.com/v19.0`).
 */
export const DEFAULT_PROVIDER_ENDPOINTS: Readonly<Record<SocialKey, string>> = {
  'accounts.google.com': 'https://www.googleapis.com/oauth2/v3/certs',
  'appleid.apple.com': 'https://appleid.apple.com/auth/keys',
  'graph.facebook.com': 'https://graph.facebook.com',
  'www.amazon.com': 'https://api.amazon.com',
  'api.twitter.com': 'https://api.twitter.com',
};

/** What a provider vouches for. */
export interface SocialIdentity {
  /** The user's id at the provider (Google/Apple `sub`, Facebook `id`, Amazon `user_id`, Twitter `id_str`). */
  subject: string;
  /** The client / app the token was issued for (aud, Facebook app id, Amazon app_id, Twitter consumer key). */
  audience: string;
  /**
   * For role-mapping rules and principal tags: the provider's own fields (Google/Apple: the ID
   * token's claims; Facebook: id, app_id; Amazon: user_id, app_id, aud (its client id); Twitter:
   * id_str, screen_name), plus `sub` for every provider and `aud` (Facebook: the app id; Twitter:
   * the consumer key).
   */
  claims: Record<string, unknown>;
  /** Epoch seconds after which the token is no longer good, when the provider says. */
  expiresAt?: number;
}

/**
 * One verifier per provider kind. `audiences` are the accepted client / app ids (the identity
 * pool's value for the key); 'any' leaves the audience to the caller (STS: the trust policy's
 * `<provider>:aud` / `:app_id` conditions). Twitter needs the consumer key and secret, so for it
 * `audiences` is the pool value `consumerKey;consumerSecret` and 'any' is refused.
 *
 * Refusals (src/errors Refusal) carry check / expected / actual and one of the kinds
 * 'InvalidToken' (malformed, bad signature, wrong issuer or audience), 'ExpiredToken',
 * 'IdpRejected' (the provider said the token is not good) and 'IdpCommunication' (the provider
 * could not be asked: unreachable, timeout, TLS, an answer that is not what its protocol sends).
 */
export interface SocialVerifier {
  readonly key: SocialKey;
  verify(token: string, audiences: readonly string[] | 'any'): Promise<SocialIdentity>;
}
