/**
 * tokens/logins/ verifies the `Logins` map of Cognito Identity calls (GetId, GetOpenIdToken,
 * GetCredentialsForIdentity): it routes each key to its provider kind by the identity pool's
 * configuration (a table from Logins key to provider kind, one ProviderVerifier per kind),
 * verifies the token (generic OIDC through src/tokens/oidc.ts and IAM OIDC providers; Tessera's
 * own OpenID tokens through the signing key ring; user-pool ID tokens through a pluggable
 * verifier; the social providers through src/tokens/social; SAML responses through
 * src/tokens/saml) and returns one VerifiedLogin per entry with the canonical provider key, subject,
 * claims, the RoleMappings keys that apply and the token's expiry. Refusals are `Refusal` kind 'NotAuthorized' with Cognito's exact
 * texts, or 'ExternalService' when an IdP cannot be reached. No storage, no HTTP serving.
 */
export { createLoginVerifier, MAX_LOGINS, MAX_LOGIN_TOKEN_LENGTH } from './verifier.js';
export { MESSAGES as LOGIN_MESSAGES, mapTokenRefusal } from './messages.js';
export { COGNITO_IDENTITY_KEY, TAGS_CLAIM } from './tessera-login.js';
export { parseUserPoolKey, type UserPoolKey } from './user-pool-keys.js';
export type { LoginVerifier, LoginVerifierDeps, OwnTokenKeys, PoolLoginConfig, ProviderKind, ProviderVerifier, UserPoolTokenVerifier, VerifiedLogin } from './types.js';
