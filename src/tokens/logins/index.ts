/**
 * tokens/logins/ verifies the `Logins` map of Cognito Identity calls (GetId, GetOpenIdToken,
 * GetCredentialsForIdentity): it routes each key to its provider kind by the identity pool's
 * configuration, verifies the token (generic OIDC through src/tokens/oidc.ts and IAM OIDC
 * providers; Tessera's own OpenID tokens through the signing key ring; user-pool ID tokens
 * through a pluggable verifier; SAML responses through src/tokens/saml; social refused until it is implemented) and returns
 * one VerifiedLogin per entry with the canonical provider key, subject, claims and the
 * RoleMappings keys that apply. Refusals are `Refusal` kind 'NotAuthorized' with Cognito's exact
 * texts, or 'ExternalService' when an IdP cannot be reached. No storage, no HTTP serving.
 */
export { createLoginVerifier, MAX_LOGINS, MAX_LOGIN_TOKEN_LENGTH } from './verifier.js';
export { MESSAGES as LOGIN_MESSAGES, mapTokenRefusal } from './messages.js';
export { COGNITO_IDENTITY_KEY, TAGS_CLAIM } from './tessera-login.js';
export { parseUserPoolKey, type UserPoolKey } from './user-pool-keys.js';
export type { LoginVerifier, LoginVerifierDeps, PoolLoginConfig, ProviderKind, UserPoolTokenVerifier, VerifiedLogin } from './types.js';
