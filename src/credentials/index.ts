/**
 * credentials/ owns temporary credentials: minting ASIA access keys with sealed session tokens
 * and opening those tokens again when a signed request presents them (vault.ts, session-token.ts),
 * plus generation of access key ids and secrets (ids.ts) and the installation's root credentials
 * (root.ts, loaded or generated once per data dir). principal.ts defines who a caller is.
 * SigV4 request verification lives in sigv4/ and calls `CredentialVault.open`.
 */
export { createCredentialVault, MAX_SESSION_TOKEN_LENGTH, type CredentialVault, type CredentialVaultOptions, type MintClaims, type MintedCredentials } from './vault.js';
export { roleSessionClaims, type RoleSessionSpec } from './role-session.js';
export { generateAccessKeyId, generateSecretAccessKey, generateRootCredentials } from './ids.js';
export type { Principal, SessionClaims } from './principal.js';
