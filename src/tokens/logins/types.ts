/**
 * The shapes of identity-pool login verification: the part of an identity pool's configuration
 * that decides which `Logins` keys it accepts (aws-surface.md §4.2), what a verified login is,
 * and what the verifier needs from the rest of Tessera. The names mirror the Cognito Identity
 * model (OpenIdConnectProviderARNs, CognitoIdentityProviders, SupportedLoginProviders,
 * SamlProviderARNs, DeveloperProviderName).
 */
import type { JwtDecoder } from '../jws.js';
import type { SocialVerifiers } from '../social/index.js';
import type { SamlTrust } from '../saml/index.js';

/** What login verification needs of a Tessera signing key ring (keys/signing-keys.ts; keys/ depends on tokens/, not back). */
export interface OwnTokenKeys {
  verifyJwt(
    token: string,
    options: { issuer: string; audience?: string; clockSkewSeconds?: number },
  ): Promise<{ header: Record<string, unknown>; claims: Record<string, unknown> }>;
}

export interface PoolLoginConfig {
  identityPoolId: string;
  openIdConnectProviderArns: string[];
  cognitoIdentityProviders: Array<{ providerName: string; clientId?: string; serverSideTokenCheck?: boolean }>;
  supportedLoginProviders: Record<string, string>;
  samlProviderArns: string[];
  developerProviderName?: string;
}

/** One verifier per kind (verifier.ts's table). */
export type ProviderKind = 'oidc' | 'cognito-identity' | 'user-pool' | 'developer' | 'google' | 'apple' | 'facebook' | 'amazon' | 'twitter' | 'saml';

/**
 * The one interface every provider kind implements: Logins[key] = token, for this identity pool,
 * is either a VerifiedLogin or a Refusal ('NotAuthorized' / 'ExternalService', with check,
 * expected and actual in its reason).
 */
export interface ProviderVerifier {
  readonly kind: ProviderKind;
  verify(key: string, token: string, pool: PoolLoginConfig): Promise<VerifiedLogin>;
}

export interface VerifiedLogin {
  /**
   * Canonical Logins key: the IAM OIDC provider URL without https://; 'cognito-identity.amazonaws.com';
   * a user pool as 'cognito-idp.<region>.amazonaws.com/<poolId>' whichever spelling the client used.
   */
  providerKey: string;
  providerKind: ProviderKind;
  /** The user's stable id at that provider (sub). */
  subject: string;
  claims: Record<string, unknown>;
  /** The RoleMappings key that applies: OIDC → provider ARN; user pool → `<providerName>:<clientId>`. */
  roleMappingKey: string;
  /** roleMappingKey first, then accepted aliases (OIDC: the bare provider URL; user pool: the other key spelling). */
  roleMappingKeys: string[];
  /**
   * At most one login of this provider per identity (ResourceConflictException "You may only link
   * one login per public provider" otherwise). True for every external provider kind; false only
   * for Tessera's own tokens, which carry an identity rather than a provider account.
   */
  publicProvider: boolean;
  /** Epoch seconds after which the token is no longer good, when known. */
  expiresAt?: number;
  /** 'cognito-identity' tokens: the identity the token was issued for (its sub). */
  identityId?: string;
  /** 'cognito-identity' tokens: the token's amr. */
  amr?: string[];
  /** 'cognito-identity' tokens: the PrincipalTags carried in the token (claim "https://aws.amazon.com/tags"). */
  principalTags?: Record<string, string>;
  /** 'saml' logins: the assertion, which may prove one identity only (bound by the caller, security.md S16). */
  singleUse?: { issuer: string; assertionId: string; expiresAt: Date };
  /** 'saml' logins: the RoleSessionName and SessionDuration attributes, when the assertion carries them. */
  session?: { name?: string; durationSeconds?: number };
}

export interface LoginVerifier {
  /** Verifies every entry (any failure fails the call: Refusal 'NotAuthorized' or 'ExternalService'). */
  verify(logins: Record<string, string>, pool: PoolLoginConfig): Promise<VerifiedLogin[]>;
}

/** What a user-pool ID-token verifier (a later issue) must provide. It throws Refusals like src/tokens does. */
export interface UserPoolTokenVerifier {
  verifyIdToken(
    userPoolId: string,
    token: string,
    options?: { serverSideTokenCheck?: boolean },
  ): Promise<{ claims: Record<string, unknown>; subject?: string }>;
}

export interface LoginVerifierDeps {
  iam: {
    getOidcProviderByUrl(urlWithoutScheme: string): Promise<{ arn: string; url: string; clientIds: string[]; thumbprints: string[] } | undefined>;
  };
  oidc: {
    verify(
      token: string,
      provider: { issuer: string; clientIds: string[]; thumbprints: string[] },
      options: { audience: 'aud' | 'azp-then-aud' },
    ): Promise<{ claims: Record<string, unknown>; subject: string; audience: string; issuer: string; expiresAt?: number }>;
  };
  /** Tessera's own tokens (GetOpenIdToken / developer tokens): issuer = publicUrl, audience = the pool id. */
  openIdKeys: OwnTokenKeys;
  /** Tessera's public base URL, no trailing slash; the `iss` of its own tokens. */
  publicUrl: string;
  region: string;
  userPools?: UserPoolTokenVerifier;
  /** The instance's JWT decoder (unverified reads of `iss` / `aud` before the provider is chosen). */
  decoder?: JwtDecoder;
  /** The social providers' verifiers (src/tokens/social); social keys are refused without them. */
  social?: SocialVerifiers;
  /** IAM SAML providers by ARN: the trust anchor read from their metadata (SamlProviderARNs logins). */
  samlProviders?: { getTrust(providerArn: string): Promise<(SamlTrust & { validUntil: Date }) | undefined> };
}
