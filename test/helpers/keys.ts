/**
 * WebCrypto key pairs for tests (certificates made with @peculiar/x509), generated through
 * src/keys/generate.ts and imported: a key exported straight from Node's generation job can hang
 * Node 20 (see there), and subtle.generateKey's keys are such keys.
 */
import { webcrypto } from 'node:crypto';
import { generateFreshKeyPairSync } from '../../src/keys/generate.js';

type Alg = { name: 'RSASSA-PKCS1-v1_5'; hash: string; modulusLength: number; publicExponent?: Uint8Array } | { name: 'ECDSA'; namedCurve: 'P-256' | 'P-384' | 'P-521' };

export async function webcryptoKeyPair(alg: Alg): Promise<webcrypto.CryptoKeyPair> {
  const pair = alg.name === 'ECDSA' ? generateFreshKeyPairSync({ type: 'ec', namedCurve: alg.namedCurve }) : generateFreshKeyPairSync({ type: 'rsa', modulusLength: alg.modulusLength });
  const importAlg = alg.name === 'ECDSA' ? alg : { name: alg.name, hash: alg.hash };
  return {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pair.privateKey.export({ format: 'der', type: 'pkcs8' }), importAlg, true, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', pair.publicKey.export({ format: 'der', type: 'spki' }), importAlg, true, ['verify']),
  };
}
