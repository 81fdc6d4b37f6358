/**
 * The identity pool's login verification: one entry point, one verifier per provider kind behind
 * one interface (ProviderVerifier, types.ts), chosen by a table keyed on the `Logins` key.
 *
 * The table (providerTable) is built from the identity pool's configuration (aws-surface.md
 * §4.2/§4.3), so a key routes only to a kind the pool has configured:
 *   - `cognito-identity.amazonaws.com` → a token Tessera signed (tessera-login.ts);
 *   - each SupportedLoginProviders key of a known social provider → that provider's verifier
 *     (social-login.ts: Google, Apple, Facebook, Amazon, Twitter);
 *   - each IAM OIDC provider whose ARN is in OpenIdConnectProviderARNs, under its URL → oidc-login.ts
 *     (entered after the social keys: an explicitly configured OIDC provider is the more specific
 *     configuration, e.g. accounts.google.com as a generic OIDC provider);
 *   - each CognitoIdentityProviders user pool, under its canonical key (either spelling is looked
 *     up as the canonical one) → user-pool-login.ts;
 *   - each SamlProviderARNs entry → saml-login.ts (a base64 SAMLResponse; src/tokens/saml);
 *   - the pool's DeveloperProviderName → refused: a developer user identifier is accepted only by
 *     the SigV4 call GetOpenIdTokenForDeveloperIdentity (CG:developer-authenticated-identities);
 *   - anything else → "Token is not from a supported provider of this identity pool."
 * Every entry is verified, and any failure fails the whole call (§4.5 "any token invalid in the
 * call"); entries are verified concurrently but the refusal reported is that of the first failing
 * key in the caller's order, so the answer does not depend on timing.
 */
import { isSocialKey, type SocialKey } from '../social/index.js';
import { MESSAGES, notAuthorized } from './messages.js';
import { verifyOidcLogin } from './oidc-login.js';
import { socialLoginVerifier } from './social-login.js';
import { verifySamlLogin } from './saml-login.js';
import { COGNITO_IDENTITY_KEY, verifyTesseraLogin } from './tessera-login.js';
import type { LoginVerifier, LoginVerifierDeps, PoolLoginConfig, ProviderKind, ProviderVerifier, VerifiedLogin } from './types.js';
import { parseUserPoolKey } from './user-pool-keys.js';
import { configuredUserPoolProviders, verifyUserPoolLogin } from './user-pool-login.js';

/** GetId / GetOpenIdToken / GetCredentialsForIdentity: `Logins` map ≤ 10 entries (model). */
export const MAX_LOGINS = 10;
/** IdentityProviderToken: 1..50 000 characters (model). */
export const MAX_LOGIN_TOKEN_LENGTH = 50_000;

/** The kind of each social provider's verifier. */
const SOCIAL_KINDS: Readonly<Record<SocialKey, ProviderKind>> = {
  'accounts.google.com': 'google',
  'appleid.apple.com': 'apple',
  'graph.facebook.com': 'facebook',
  'www.amazon.com': 'amazon',
  'api.twitter.com': 'twitter',
};

/** The prefix of IAM OIDC provider ARNs; the rest is the provider URL without https:// (the Logins key). */
const OIDC_ARN = /^arn:[a-z-]+:iam::\d{12}:oidc-provider\/(.+)$/;

export function createLoginVerifier(deps: LoginVerifierDeps & { clock?: () => Date }): LoginVerifier {
  const now = () => Math.floor((deps.clock ? deps.clock() : new Date()).getTime() / 1000);
  const where = (key: string) => `Logins[${JSON.stringify(key)}]`;

  const refusing = (kind: ProviderKind, check: string, detail: string): ProviderVerifier => ({
    kind,
    async verify(key) {
      throw notAuthorized(MESSAGES.notSupported, { check, expected: 'a verifiable provider', actual: key, detail: `${where(key)}: ${detail}` });
    },
  });

  /** One verifier per kind. */
  const verifiers: Readonly<Record<ProviderKind, ProviderVerifier>> = {
    'cognito-identity': { kind: 'cognito-identity', verify: (_key, token, pool) => verifyTesseraLogin(token, pool, deps, now) },
    oidc: {
      kind: 'oidc',
      async verify(key, token, pool) {
        const provider = await deps.iam.getOidcProviderByUrl(key);
        if (!provider || !pool.openIdConnectProviderArns.includes(provider.arn)) {
          throw notAuthorized(MESSAGES.notSupported, { check: 'login.provider', expected: pool.openIdConnectProviderArns, actual: key, detail: `${where(key)}: no such IAM OIDC provider` });
        }
        return verifyOidcLogin(key, token, provider, deps, now);
      },
    },
    'user-pool': {
      kind: 'user-pool',
      async verify(key, token, pool) {
        const userPool = parseUserPoolKey(key, deps.publicUrl, deps.region)!;
        return verifyUserPoolLogin(key, userPool, configuredUserPoolProviders(userPool, pool, deps.publicUrl, deps.region), token, deps, now);
      },
    },
    google: socialLoginVerifier('google', 'accounts.google.com', deps.social, now),
    apple: socialLoginVerifier('apple', 'appleid.apple.com', deps.social, now),
    facebook: socialLoginVerifier('facebook', 'graph.facebook.com', deps.social, now),
    amazon: socialLoginVerifier('amazon', 'www.amazon.com', deps.social, now),
    twitter: socialLoginVerifier('twitter', 'api.twitter.com', deps.social, now),
    saml: { kind: 'saml', verify: (key, token) => verifySamlLogin(key, token, deps, deps.clock ? deps.clock() : new Date()) },
    developer: refusing('developer', 'login.developer-provider', 'the developer provider name is accepted only by GetOpenIdTokenForDeveloperIdentity'),
  };

  /** Logins key → provider kind, from the pool's configuration. */
  function providerTable(pool: PoolLoginConfig): Map<string, ProviderKind> {
    const table = new Map<string, ProviderKind>([[COGNITO_IDENTITY_KEY, 'cognito-identity']]);
    for (const key of Object.keys(pool.supportedLoginProviders)) if (isSocialKey(key)) table.set(key, SOCIAL_KINDS[key]);
    for (const arn of pool.openIdConnectProviderArns) {
      const url = OIDC_ARN.exec(arn)?.[1];
      if (url !== undefined) table.set(url, 'oidc');
    }
    for (const p of pool.cognitoIdentityProviders) {
      const parsed = parseUserPoolKey(p.providerName, deps.publicUrl, deps.region);
      if (parsed) table.set(parsed.canonical, 'user-pool');
    }
    for (const arn of pool.samlProviderArns) table.set(arn, 'saml');
    if (pool.developerProviderName !== undefined) table.set(pool.developerProviderName, 'developer');
    return table;
  }

  async function verifyOne(key: string, token: unknown, pool: PoolLoginConfig, table: Map<string, ProviderKind>): Promise<VerifiedLogin> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_LOGIN_TOKEN_LENGTH) {
      throw notAuthorized(MESSAGES.notAToken, { check: 'login.token', expected: `a string of 1..${MAX_LOGIN_TOKEN_LENGTH} characters`, actual: typeof token === 'string' ? `${token.length} characters` : typeof token, detail: where(key) });
    }
    const userPool = parseUserPoolKey(key, deps.publicUrl, deps.region);
    const kind = table.get(userPool ? userPool.canonical : key);
    if (kind === undefined) {
      throw notAuthorized(MESSAGES.notSupported, {
        check: 'login.provider',
        expected: 'a provider configured in this identity pool',
        actual: key,
        detail: userPool ? `${where(key)}: user pool not configured in this identity pool` : where(key),
      });
    }
    if (kind === 'user-pool' && !deps.userPools) {
      throw notAuthorized(MESSAGES.notSupported, { check: 'login.user-pool', expected: 'a user-pool token verifier', actual: userPool!.canonical, detail: `${where(key)}: user-pool login verification is not available in this version` });
    }
    return verifiers[kind].verify(key, token, pool);
  }

  return {
    async verify(logins, pool) {
      const entries = Object.entries(logins ?? {});
      if (entries.length > MAX_LOGINS) {
        throw notAuthorized(MESSAGES.tooManyLogins, { check: 'logins.count', expected: `≤ ${MAX_LOGINS}`, actual: entries.length });
      }
      const table = providerTable(pool);
      const settled = await Promise.allSettled(entries.map(([key, token]) => verifyOne(key, token, pool, table)));
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
