/**
 * keys/ owns Tessera's own secret key material, kept in storage collection 'keys' so that every
 * node shares it: the AES-256-GCM keys that seal session tokens (sealing-keys.ts) and the RSA
 * signing keys of Tessera's own OpenID issuers with their rotation schedule and JWKS
 * (signing-keys.ts, signing-schedule.ts, signing-key-doc.ts). The database is the secret store.
 */
export { createSealingKeyRing, isSealingKid, type SealingKey, type SealingKeyDoc, type SealingKeyRing, type SealingKeyRingOptions } from './sealing-keys.js';
export { createSigningKeyRing, type SigningAlg, type SigningKeyRing, type SigningKeyRingOptions, type SigningKeyStatus } from './signing-keys.js';
export { generateRsaSigningKey, jwkThumbprint, type GenerateSigningKey, type SigningKeyDoc } from './signing-key-doc.js';
