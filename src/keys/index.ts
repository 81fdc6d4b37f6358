/**
 * keys/ owns Tessera's own secret key material, kept in storage collection 'keys' so that every
 * node shares it: today the AES-256-GCM keys that seal session tokens (sealing-keys.ts); later
 * the signing keys of our own issuers (GetOpenIdToken, user pools) and their JWKS.
 */
export { createSealingKeyRing, isSealingKid, type SealingKey, type SealingKeyDoc, type SealingKeyRing, type SealingKeyRingOptions } from './sealing-keys.js';
