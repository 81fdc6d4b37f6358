/**
 * One signing key as stored in collection 'keys' under `signing/<ring>/<seq>`, and its in-memory
 * form. The private key is kept in the document (PKCS#8 DER, base64url): the database — the
 * SQLite file in the data dir, or the PostgreSQL database — IS the secret store for Tessera's
 * issuer keys, exactly as it is for the session-token sealing keys. Protect it (file mode,
 * database credentials, backups) as you would a private key.
 *
 * Times are whole epoch seconds so that every node computes the same schedule from the same
 * document (signing-schedule.ts).
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { generateFreshKeyPair } from './generate.js';

export type SigningAlg = 'RS512' | 'RS256';

export interface SigningKeyDoc {
  /** Zero-padded sequence number (also the last id segment), e.g. '000003'. */
  seq: string;
  kid: string;
  alg: SigningAlg;
  /** Public members only: { kty: 'RSA', n, e }. */
  publicJwk: { kty: 'RSA'; n: string; e: string };
  /** PKCS#8 DER, base64url. Secret. */
  privateKeyPkcs8: string;
  /** Epoch seconds: published (appears in the JWKS) from here on. */
  createdAt: number;
  /** Epoch seconds: the key signs from here until a later key activates. */
  activatesAt: number;
}

export interface SigningKey {
  seq: string;
  kid: string;
  alg: SigningAlg;
  publicJwk: { kty: 'RSA'; n: string; e: string };
  privateKey: KeyObject;
  createdAt: number;
  activatesAt: number;
}

/** Generates the private key of a new signing key (RSA 2048, e = 65537). Injectable for tests. */
export type GenerateSigningKey = (alg: SigningAlg) => Promise<KeyObject>;

export const generateRsaSigningKey: GenerateSigningKey = async () => {
  // Fresh KeyObjects (keys/generate.ts): the JWK export that follows cannot hang on the generation job.
  const { privateKey } = await generateFreshKeyPair({ type: 'rsa', modulusLength: 2048 });
  return privateKey;
};

/** RFC 7638 JWK thumbprint (SHA-256 over the required members in lexical order), base64url. */
export function jwkThumbprint(jwk: { kty: 'RSA'; n: string; e: string }): string {
  return createHash('sha256').update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n })).digest('base64url');
}

export function seqString(n: number): string {
  return String(n).padStart(6, '0');
}

/** Builds the document for key number `seq` of `ring`. */
export function newSigningKeyDoc(input: {
  ring: string;
  seq: number;
  alg: SigningAlg;
  privateKey: KeyObject;
  createdAt: number;
  activatesAt: number;
}): SigningKeyDoc {
  const pub = createPublicKey(input.privateKey).export({ format: 'jwk' }) as { kty?: string; n?: string; e?: string };
  if (pub.kty !== 'RSA' || typeof pub.n !== 'string' || typeof pub.e !== 'string') throw new Error('signing keys must be RSA');
  const publicJwk = { kty: 'RSA' as const, n: pub.n, e: pub.e };
  // The thumbprint part makes kids unique across installations: a verifier that cached the JWKS
  // of a wiped-and-recreated Tessera never mistakes a new key for an old one of the same number.
  const kid = `${input.ring}-${input.seq}-${jwkThumbprint(publicJwk).slice(0, 8)}`;
  return {
    seq: seqString(input.seq),
    kid,
    alg: input.alg,
    publicJwk,
    privateKeyPkcs8: (input.privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer).toString('base64url'),
    createdAt: input.createdAt,
    activatesAt: input.activatesAt,
  };
}

/** The usable key of a stored document, or undefined when the document is malformed. */
export function signingKeyFromDoc(doc: SigningKeyDoc): SigningKey | undefined {
  if (!doc || typeof doc !== 'object') return undefined;
  if (!/^\d{6}$/.test(doc.seq) || typeof doc.kid !== 'string' || (doc.alg !== 'RS512' && doc.alg !== 'RS256')) return undefined;
  if (!Number.isSafeInteger(doc.createdAt) || !Number.isSafeInteger(doc.activatesAt)) return undefined;
  if (doc.publicJwk?.kty !== 'RSA' || typeof doc.publicJwk.n !== 'string' || typeof doc.publicJwk.e !== 'string') return undefined;
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(doc.privateKeyPkcs8, 'base64url'), format: 'der', type: 'pkcs8' });
  } catch {
    return undefined;
  }
  // The public half must be the private key's own: a document edited by hand must not publish
  // a key that does not verify what we sign.
  const derived = createPublicKey(privateKey).export({ format: 'jwk' }) as { n?: string; e?: string };
  if (derived.n !== doc.publicJwk.n || derived.e !== doc.publicJwk.e) return undefined;
  return {
    seq: doc.seq,
    kid: doc.kid,
    alg: doc.alg,
    publicJwk: { kty: 'RSA', n: doc.publicJwk.n, e: doc.publicJwk.e },
    privateKey,
    createdAt: doc.createdAt,
    activatesAt: doc.activatesAt,
  };
}
