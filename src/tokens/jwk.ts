/**
 * Verification keys taken from an IdP's JWKS (RFC 7517). Only public members are kept; a key
 * that cannot be used safely is skipped with a reason rather than failing the whole set
 * (security.md N03, OIDF `OIDCCClientTestIgnoresUnparseableKeyInJwks`):
 *  - kty other than RSA (RS*, PS*) or EC (ES*) (aws-surface.md §5.2 lists RS* and ES* for STS),
 *  - RSA modulus < 2048 bits or > 8192 bits, or an exponent that is even or < 3 (J26),
 *  - EC curve other than P-256/P-384/P-521, or a point Node refuses (not on the curve),
 *  - a `kid` that is not a string of 1..256 characters (J08).
 * Whether a key may verify a given `alg` is decided per token by `keyRefusesAlg` (J10).
 *
 * The node:crypto `KeyObject` built while parsing (to let OpenSSL validate the key) is kept for
 * verification (`publicKeyObjectOf`), so the request path never imports a key again (issue #5).
 */
import { createPublicKey, type JsonWebKey as NodeJwk, type KeyObject } from 'node:crypto';
import { decodeBase64Url } from './base64url.js';

/** The JWS algorithms accepted for federated ID tokens: RSA PKCS#1, RSA-PSS and ECDSA (J01–J03). */
export const ALLOWED_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
export type JwsAlg = (typeof ALLOWED_ALGS)[number];
export function isAllowedAlg(alg: unknown): alg is JwsAlg {
  return typeof alg === 'string' && (ALLOWED_ALGS as readonly string[]).includes(alg);
}

/** RFC 7518 §3.4: each ES* algorithm names exactly one curve. */
const CURVE_OF: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
const COORD_BYTES: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

export const MAX_KID_LENGTH = 256;
export const MIN_RSA_BITS = 2048;
export const MAX_RSA_BITS = 8192;

export interface VerificationKey {
  kid: string | undefined;
  kty: 'RSA' | 'EC';
  crv?: string;
  alg?: string;
  use?: string;
  keyOps?: string[];
  /** Public members only. */
  jwk: { kty: 'RSA'; n: string; e: string } | { kty: 'EC'; crv: string; x: string; y: string };
  rsaBits?: number;
}

export type ParsedJwk = { key: VerificationKey } | { skipped: string };

/** The node:crypto key of each VerificationKey, built once (see publicKeyObjectOf). */
const keyObjects = new WeakMap<VerificationKey, KeyObject>();

export function parseJwk(raw: unknown): ParsedJwk {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { skipped: 'not an object' };
  const j = raw as Record<string, unknown>;
  if (j.kid !== undefined && (typeof j.kid !== 'string' || j.kid.length === 0 || j.kid.length > MAX_KID_LENGTH)) {
    return { skipped: 'kid is not a string of 1..256 characters' };
  }
  if (j.use !== undefined && typeof j.use !== 'string') return { skipped: 'use is not a string' };
  if (j.alg !== undefined && typeof j.alg !== 'string') return { skipped: 'alg is not a string' };
  if (j.key_ops !== undefined && !(Array.isArray(j.key_ops) && j.key_ops.every((o) => typeof o === 'string'))) {
    return { skipped: 'key_ops is not an array of strings' };
  }
  const common = {
    kid: j.kid as string | undefined,
    ...(j.alg !== undefined ? { alg: j.alg as string } : {}),
    ...(j.use !== undefined ? { use: j.use as string } : {}),
    ...(j.key_ops !== undefined ? { keyOps: j.key_ops as string[] } : {}),
  };
  if (j.kty === 'RSA') {
    if (typeof j.n !== 'string' || typeof j.e !== 'string' || !decodeBase64Url(j.n) || !decodeBase64Url(j.e)) {
      return { skipped: 'RSA n/e missing or not base64url' };
    }
    let keyObject: KeyObject;
    try {
      keyObject = createPublicKey({ key: { kty: 'RSA', n: j.n, e: j.e } as NodeJwk, format: 'jwk' });
    } catch {
      return { skipped: 'RSA key rejected by the platform' };
    }
    const details = keyObject.asymmetricKeyDetails;
    const bits = details?.modulusLength ?? 0;
    const e = details?.publicExponent ?? 0n;
    if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) return { skipped: `RSA modulus of ${bits} bits outside ${MIN_RSA_BITS}..${MAX_RSA_BITS}` };
    if (e < 3n || e % 2n === 0n) return { skipped: `RSA exponent ${e} is not an odd number ≥ 3` };
    const key: VerificationKey = { ...common, kty: 'RSA', jwk: { kty: 'RSA', n: j.n, e: j.e }, rsaBits: bits };
    keyObjects.set(key, keyObject);
    return { key };
  }
  if (j.kty === 'EC') {
    const crv = j.crv;
    if (typeof crv !== 'string' || !(crv in COORD_BYTES)) return { skipped: `unsupported curve ${String(crv)}` };
    const x = typeof j.x === 'string' ? decodeBase64Url(j.x) : undefined;
    const y = typeof j.y === 'string' ? decodeBase64Url(j.y) : undefined;
    if (!x || !y || x.length !== COORD_BYTES[crv] || y.length !== COORD_BYTES[crv]) return { skipped: 'EC coordinates malformed' };
    let keyObject: KeyObject;
    try {
      keyObject = createPublicKey({ key: { kty: 'EC', crv, x: j.x, y: j.y } as NodeJwk, format: 'jwk' });
    } catch {
      return { skipped: 'EC point rejected by the platform' };
    }
    const key: VerificationKey = { ...common, kty: 'EC', crv, jwk: { kty: 'EC', crv, x: j.x as string, y: j.y as string } };
    keyObjects.set(key, keyObject);
    return { key };
  }
  return { skipped: `unsupported kty ${String(j.kty)}` };
}

export interface ParsedJwks {
  keys: VerificationKey[];
  skipped: Array<{ index: number; reason: string }>;
}

/** Parses `{ "keys": [...] }`; the caller has already bounded the key count. */
export function parseJwks(doc: { keys: unknown[] }): ParsedJwks {
  const out: ParsedJwks = { keys: [], skipped: [] };
  doc.keys.forEach((raw, index) => {
    const parsed = parseJwk(raw);
    if ('key' in parsed) out.keys.push(parsed.key);
    else out.skipped.push({ index, reason: parsed.skipped });
  });
  return out;
}

/**
 * Why `key` must not verify a token signed with `alg`, or undefined when it may (J03, J10;
 * RFC 7517 §4.2–4.4: `use` "sig", `key_ops` containing "verify", `alg` equal to the header's).
 */
export function keyRefusesAlg(key: VerificationKey, alg: JwsAlg): { check: 'jwt.alg' | 'jwt.key'; expected: unknown; actual: unknown } | undefined {
  if (key.use !== undefined && key.use !== 'sig') return { check: 'jwt.key', expected: 'use "sig"', actual: key.use };
  if (key.keyOps !== undefined && !key.keyOps.includes('verify')) return { check: 'jwt.key', expected: 'key_ops containing "verify"', actual: key.keyOps };
  if (key.alg !== undefined && key.alg !== alg) return { check: 'jwt.alg', expected: key.alg, actual: alg };
  const family = alg.startsWith('ES') ? 'EC' : 'RSA';
  if (key.kty !== family) return { check: 'jwt.alg', expected: `a ${alg} key`, actual: `${key.kty} key` };
  if (family === 'EC' && key.crv !== CURVE_OF[alg]) return { check: 'jwt.alg', expected: CURVE_OF[alg], actual: key.crv };
  return undefined;
}

/**
 * Public KeyObject of `key`. Keys from parseJwk carry the one built while parsing; a key made
 * elsewhere (Tessera's own signing keys, signing-keys.ts) gets one built and validated here, once.
 * Kept in a WeakMap rather than on the key so that VerificationKey stays plain, comparable data
 * and the key object dies with the snapshot that holds the key.
 */
export function publicKeyObjectOf(key: VerificationKey): KeyObject {
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = createPublicKey({ key: { ...key.jwk } as NodeJwk, format: 'jwk' });
    // The parse-time bounds hold here too: jose refused RSA keys under 2048 bits at import.
    const details = keyObject.asymmetricKeyDetails;
    if (key.kty === 'RSA' && (keyObject.asymmetricKeyType !== 'rsa' || (details?.modulusLength ?? 0) < MIN_RSA_BITS || (details?.modulusLength ?? 0) > MAX_RSA_BITS)) {
      throw new Error(`RSA modulus of ${details?.modulusLength ?? 0} bits outside ${MIN_RSA_BITS}..${MAX_RSA_BITS}`);
    }
    if (key.kty === 'EC' && (keyObject.asymmetricKeyType !== 'ec' || !(key.crv !== undefined && key.crv in COORD_BYTES))) {
      throw new Error(`EC key on unsupported curve ${String(key.crv)}`);
    }
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}
