/**
 * The identity pool's login verification: one entry point for every provider kind. Each Logins
 * key is routed by the pool's configuration (aws-surface.md §4.2/§4.3), in this order:
 *   1. `cognito-identity.amazonaws.com` → a token Tessera signed (tessera-login.ts);
 *   2. the pool's DeveloperProviderName → refused: a developer user identifier is accepted only by
 *      the SigV4 call GetOpenIdTokenForDeveloperIdentity (CG:developer-authenticated-identities);
 *   3. a user-pool key (either spelling) listed in CognitoIdentityProviders → user-pool-login.ts;
 *   4. an IAM OIDC provider URL whose ARN the pool lists in OpenIdConnectProviderARNs → oidc-login.ts
 *      (checked before SupportedLoginProviders: an explicitly configured OIDC provider is the more
 *      specific configuration, e.g. accounts.google.com as a generic OIDC provider);
 *   5. a SupportedLoginProviders key (social) → refused for now (a later issue);
 *   6. a SamlProviderARNs entry → saml-login.ts (a base64 SAMLResponse);
 *   7. anything else → "Token is not from a supported provider of this identity pool."
 * Every entry is verified, and any failure fails the whole call (§4.5 "any token invalid in the
 * call"); entries are verified concurrently but the refusal reported is that of the first failing
 * key in the caller's order, so the answer does not depend on timing.
 */
import { MESSAGES, notAuthorized } from './messages.js';
import { verifyOidcLogin } from './oidc-login.js';
import { verifySamlLogin } from './saml-login.js';
import { COGNITO_IDENTITY_KEY, verifyTesseraLogin } from './tessera-login.js';
import type { LoginVerifier, LoginVerifierDeps, PoolLoginConfig, VerifiedLogin } from './types.js';
import { parseUserPoolKey } from './user-pool-keys.js';
import { configuredUserPoolProviders, verifyUserPoolLogin } from './user-pool-login.js';

/** GetId / GetOpenIdToken / GetCredentialsForIdentity: `Logins` map ≤ 10 entries (model). */
export const MAX_LOGINS = 10;
/** IdentityProviderToken: 1..50 000 characters (model). */
export const MAX_LOGIN_TOKEN_LENGTH = 50_000;

export function createLoginVerifier(deps: LoginVerifierDeps & { clock?: () => Date }): LoginVerifier {
  const now = () => Math.floor((deps.clock ? deps.clock() : new Date()).getTime() / 1000);

  async function verifyOne(key: string, token: unknown, pool: PoolLoginConfig): Promise<VerifiedLogin> {
    const where = `Logins[${JSON.stringify(key)}]`;
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_LOGIN_TOKEN_LENGTH) {
      throw notAuthorized(MESSAGES.notAToken, { check: 'login.token', expected: `a string of 1..${MAX_LOGIN_TOKEN_LENGTH} characters`, actual: typeof token === 'string' ? `${token.length} characters` : typeof token, detail: where });
    }
    if (key === COGNITO_IDENTITY_KEY) return verifyTesseraLogin(token, pool, deps, now);

    if (pool.developerProviderName !== undefined && key === pool.developerProviderName) {
      throw notAuthorized(MESSAGES.notSupported, { check: 'login.developer-provider', expected: 'a token-bearing provider', actual: key, detail: `${where}: the developer provider name is accepted only by GetOpenIdTokenForDeveloperIdentity` });
    }

    const userPool = parseUserPoolKey(key, deps.publicUrl, deps.region);
    if (userPool) {
      const providers = configuredUserPoolProviders(userPool, pool, deps.publicUrl, deps.region);
      if (providers.length === 0) {
        throw notAuthorized(MESSAGES.notSupported, { check: 'login.provider', expected: pool.cognitoIdentityProviders.map((p) => p.providerName), actual: key, detail: `${where}: user pool not configured in this identity pool` });
      }
      return verifyUserPoolLogin(key, userPool, providers, token, deps, now);
    }

    if (pool.openIdConnectProviderArns.length > 0) {
      const provider = await deps.iam.getOidcProviderByUrl(key);
      if (provider && pool.openIdConnectProviderArns.includes(provider.arn)) return verifyOidcLogin(key, token, provider, deps, now);
    }

    if (Object.hasOwn(pool.supportedLoginProviders, key)) {
      throw notAuthorized(MESSAGES.notSupported, { check: 'login.social', expected: 'a verifiable provider', actual: key, detail: `${where}: verification of social provider tokens is not implemented yet` });
    }
    if (pool.samlProviderArns.includes(key)) return verifySamlLogin(key, token, deps, deps.clock ? deps.clock() : new Date());
    throw notAuthorized(MESSAGES.notSupported, { check: 'login.provider', expected: 'a provider configured in this identity pool', actual: key, detail: where });
  }

  return {
    async verify(logins, pool) {
      const entries = Object.entries(logins ?? {});
      if (entries.length > MAX_LOGINS) {
        throw notAuthorized(MESSAGES.tooManyLogins, { check: 'logins.count', expected: `≤ ${MAX_LOGINS}`, actual: entries.length });
      }
      const settled = await Promise.allSettled(entries.map(([key, token]) => verifyOne(key, token, pool)));
      const verified: VerifiedLogin[] = [];
      for (const outcome of settled) {
        if (outcome.status === 'rejected') throw outcome.reason;
        verified.push(outcome.value);
      }
      // Two spellings of one user pool in the same call would link the provider twice.
      const seen = new Map<string, string>();
      entries.forEach(([key], i) => {
        const providerKey = verified[i]!.providerKey;
        const other = seen.get(providerKey);
        if (other !== undefined) {
          throw notAuthorized(MESSAGES.duplicateProvider, { check: 'logins.duplicate-provider', expected: 'one key per provider', actual: [other, key] });
        }
        seen.set(providerKey, key);
      });
      return verified;
    },
  };
}
