/**
 * Verification keys for the JWS unit tests: a public key parsed the way a JWKS entry is
 * (parseJwk), and a key resolver that serves a fixed set.
 */
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { parseJwk, type VerificationKey } from '../../src/tokens/jwk.js';

export function keyOf(publicKey: KeyObject, kid: string): VerificationKey {
  const parsed = parseJwk({ ...publicKey.export({ format: 'jwk' }), kid });
  assert.ok('key' in parsed);
  return parsed.key;
}

export function resolverOf(...keys: VerificationKey[]) {
  return { current: async () => keys, refreshed: async () => keys };
}
