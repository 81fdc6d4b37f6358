/**
 * Strict verification of a compact JWS (RFC 7515 §3.1, §5.2) against keys from configuration.
 * The order matters: everything that can be refused without cryptography is refused first, and
 * the key is chosen from the trusted set by `kid` as an opaque hint — the `jwk`, `jku`, `x5u`
 * and `x5c` header parameters are never read (security.md invariant 1, J07).
 *
 * Steps: length cap (J24) → three segments, JWE refused (J23, J25) → strict base64url (J22) →
 * header is a JSON object without duplicate members (J21, J23) → `alg` in the allow-list (J01–J03)
 * → no `crit` / `b64` / `zip` (J11) → `kid` shape (J08) → key selection, at most one refetch for
 * a kid the set lacks (J09, N04, N09) → key/alg consistency (J10) → signature length → signature
 * with the single algorithm chosen above (J04–J06).
 *
 * The signature is checked with node:crypto's synchronous `verify()` on the KeyObject built when
 * the key was parsed (jwk.ts): no WebCrypto promise, no thread-pool hop per token (issue #5,
 * bench/results/2026-11-23-analysis.md item 5). Parameters per RFC 7518: RS* = RSASSA-PKCS1-v1_5
 * (§3.3), PS* = RSASSA-PSS with MGF1 and a salt as long as the digest (§3.5), ES* = ECDSA with
 * the fixed-length r‖s form (§3.4; IEEE P1363), whose r and s OpenSSL range-checks (1..n−1).
 *
 * Recently seen tokens are remembered by a JwtDecoder (createJwtDecoder: a bounded LRU keyed by the
 * exact token text, one per Tessera instance — two instances in one process share nothing):
 * the same token presented again — GetId then GetCredentialsForIdentity, a credential refresh —
 * is not decoded again, and its signature is not checked again while the key that verified it is
 * still the one selected from the provider's current keys. Every other step runs on every use:
 * the alg allow-list and kid rules of the caller, key selection from the keys as now known (a key
 * removed at the IdP stops verifying when the JWKS cache drops it, as without the memo), and all
 * claim checks (issuer, audience, expiry) in the callers. Decoded headers and claims are frozen,
 * since several requests share them. The memo counts the characters of the tokens it keeps, and
 * the only strings it holds are its own copies: each token is copied before it is decoded, so no
 * entry holds on to the request body the token was cut from (the decoded headers and claims come
 * on top: about 35 MiB at most in all, docs/configuration.md).
 */
import { constants, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { decodeBase64Url } from './base64url.js';
import { ALLOWED_ALGS, MAX_KID_LENGTH, isAllowedAlg, keyRefusesAlg, publicKeyObjectOf, type JwsAlg, type VerificationKey } from './jwk.js';
import { invalidToken } from './refusals.js';
import { StrictJsonError, parseStrictJson } from '../json/strict-json.js';
import { ownString } from '../json/own-string.js';

/** STS `clientTokenType` is at most 20 000 characters (aws-surface.md, M-STS). */
export const MAX_TOKEN_LENGTH = 20_000;
export const MAX_HEADER_SEGMENT_LENGTH = 8_192;
/** ECDSA signatures in JWS are fixed-length r‖s (RFC 7518 §3.4). */
const ES_SIGNATURE_BYTES: Record<string, number> = { ES256: 64, ES384: 96, ES512: 132 };
/** The SHA-2 digest of each algorithm and its length in bytes (the PSS salt length, RFC 7518 §3.5). */
const DIGEST: Record<JwsAlg, { name: string; bytes: number }> = {
  RS256: { name: 'sha256', bytes: 32 }, RS384: { name: 'sha384', bytes: 48 }, RS512: { name: 'sha512', bytes: 64 },
  PS256: { name: 'sha256', bytes: 32 }, PS384: { name: 'sha384', bytes: 48 }, PS512: { name: 'sha512', bytes: 64 },
  ES256: { name: 'sha256', bytes: 32 }, ES384: { name: 'sha384', bytes: 48 }, ES512: { name: 'sha512', bytes: 64 },
};

export interface KeyResolver {
  /** The trusted keys as currently known. */
  current(): Promise<readonly VerificationKey[]>;
  /** The trusted keys after a (rate-limited) refetch, used once when no key matches. */
  refreshed(): Promise<readonly VerificationKey[]>;
}

export interface JwsOptions {
  /** Further narrows ALLOWED_ALGS (a per-provider allow-list, J03). */
  algorithms?: readonly string[];
  /** Refuse tokens without a `kid` even when the key set has a single matching key. */
  requireKid?: boolean;
}

export interface VerifiedJws {
  header: Record<string, unknown>;
  /** The signed payload bytes, decoded once. */
  payload: Buffer;
  alg: JwsAlg;
  key: VerificationKey;
}

export interface DecodedJws {
  header: Record<string, unknown>;
  alg: JwsAlg;
  kid: string | undefined;
  payload: Buffer;
  signature: Buffer;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bounds of the decoded-token memo: entries, and the sum of their token lengths. */
export const TOKEN_MEMO_MAX_ENTRIES = 2048;
export const TOKEN_MEMO_MAX_CHARS = 4 * 1024 * 1024;
/** Longer tokens are decoded afresh every time (they would crowd out many ordinary ones). */
export const TOKEN_MEMO_MAX_TOKEN_LENGTH = 8192;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A copy outside Buffer's shared pool, so a remembered token does not pin an 8 KiB slab. */
function ownBuffer(b: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(b.length);
  b.copy(copy);
  return copy;
}

/** The payload of a decoded token as a JSON object (strict: no duplicate members, depth ≤ 32), frozen; parsed on every call (a JwtDecoder parses once per remembered token). */
export function payloadClaims(decoded: DecodedJws): Record<string, unknown> {
  return deepFreeze(decodeJsonObject(decoded.payload, 'payload', 32));
}

/** Decodes UTF-8 JSON text that must be an object, mapping failures to precise refusals. */
export function decodeJsonObject(bytes: Uint8Array, what: 'header' | 'payload', maxDepth: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseStrictJson(utf8.decode(bytes), maxDepth);
  } catch (e) {
    if (e instanceof StrictJsonError && e.kind === 'duplicate-member') {
      throw invalidToken('jwt.duplicate-member', `JWT ${what} repeats a member name`, 'unique member names', e.message);
    }
    throw invalidToken('jwt.format', `JWT ${what} is not valid JSON`, 'a UTF-8 JSON object', (e as Error).message);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidToken('jwt.format', `JWT ${what} is not a JSON object`, 'a JSON object', Array.isArray(value) ? 'array' : typeof value);
  }
  return value as Record<string, unknown>;
}

/** Everything up to (not including) key selection and signature verification; nothing is remembered. */
export function decodeCompactJws(token: unknown, options: JwsOptions = {}): DecodedJws {
  if (typeof token !== 'string') throw invalidToken('jwt.format', 'token is not a string', 'string', typeof token);
  return decodeFresh(token, options, false);
}

function checkAlg(alg: unknown, options: JwsOptions): asserts alg is JwsAlg {
  if (!isAllowedAlg(alg) || (options.algorithms && !options.algorithms.includes(alg))) {
    throw invalidToken('jwt.alg', 'token signing algorithm is not accepted', options.algorithms ?? ALLOWED_ALGS, alg === undefined ? 'absent' : alg);
  }
}

function checkKidRequired(kid: string | undefined, options: JwsOptions): void {
  if (kid === undefined && options.requireKid) throw invalidToken('jwt.kid', 'token has no kid', 'a kid', 'absent');
}

function decodeFresh(token: string, options: JwsOptions, keep: boolean): DecodedJws {
  if (token.length > MAX_TOKEN_LENGTH) {
    throw invalidToken('jwt.size', 'token is too long', `≤ ${MAX_TOKEN_LENGTH} characters`, token.length);
  }
  const parts = token.split('.');
  if (parts.length === 5) throw invalidToken('jwt.format', 'encrypted tokens (JWE) are not accepted', 'a compact JWS (3 segments)', '5 segments (JWE)');
  if (parts.length !== 3) throw invalidToken('jwt.format', 'token is not a compact JWS', '3 segments', `${parts.length} segments`);
  const [h, p, s] = parts as [string, string, string];
  if (h.length === 0) throw invalidToken('jwt.format', 'token has an empty header', 'a non-empty header', 'empty segment');
  if (h.length > MAX_HEADER_SEGMENT_LENGTH) throw invalidToken('jwt.size', 'token header is too long', `≤ ${MAX_HEADER_SEGMENT_LENGTH} characters`, h.length);
  const headerBytes = decodeBase64Url(h);
  const payload = decodeBase64Url(p);
  const signature = decodeBase64Url(s);
  if (!headerBytes || !payload || !signature) {
    const which = !headerBytes ? 'header' : !payload ? 'payload' : 'signature';
    throw invalidToken('jwt.format', `token ${which} is not canonical base64url`, 'base64url without padding or stray characters', which);
  }
  const header = decodeJsonObject(headerBytes, 'header', 8);

  const alg = header.alg;
  checkAlg(alg, options);
  // RFC 7515 §4.1.11: we understand no extension, so any crit (even []) is refused; RFC 7797
  // b64 is meaningless for a JWT; zip belongs to JWE only (RFC 7516 §4.1.3).
  for (const name of ['crit', 'b64', 'zip'] as const) {
    if (name in header) throw invalidToken('jwt.crit', `token header parameter "${name}" is not supported`, 'absent', header[name]);
  }
  // RFC 7519 §5.2: cty "JWT" announces a nested JWT, which we never unwrap (J23).
  if (typeof header.cty === 'string' && header.cty.toUpperCase() === 'JWT') {
    throw invalidToken('jwt.format', 'nested JWTs are not accepted', 'no cty "JWT"', header.cty);
  }
  const kid = header.kid;
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH)) {
    throw invalidToken('jwt.kid', 'token kid is not a string of 1..256 characters', 'string of 1..256 characters',
      typeof kid === 'string' ? `${kid.length} characters` : typeof kid);
  }
  checkKidRequired(kid, options);
  if (signature.length === 0) throw invalidToken('jwt.signature', 'token has no signature', 'a signature', 'empty');
  return Object.freeze({
    header: deepFreeze(header),
    alg,
    kid,
    payload: keep ? ownBuffer(payload) : payload,
    signature: keep ? ownBuffer(signature) : signature,
  });
}

function candidates(keys: readonly VerificationKey[], decoded: DecodedJws): VerificationKey[] {
  // With a kid: every key carrying it, so that a duplicated kid is detected (J26). Without one:
  // every key able to verify this alg (J09).
  return decoded.kid !== undefined
    ? keys.filter((k) => k.kid === decoded.kid)
    : keys.filter((k) => keyRefusesAlg(k, decoded.alg) === undefined);
}

async function selectKey(decoded: DecodedJws, resolver: KeyResolver): Promise<VerificationKey> {
  let found = candidates(await resolver.current(), decoded);
  if (found.length === 0) found = candidates(await resolver.refreshed(), decoded);
  const described = decoded.kid === undefined ? 'no kid' : `kid ${JSON.stringify(decoded.kid)}`;
  if (found.length === 0) {
    throw invalidToken('jwt.kid', `no trusted key matches the token (${described})`, 'a key in the provider JWKS', decoded.kid ?? 'absent');
  }
  if (found.length > 1) {
    throw invalidToken('jwt.kid', `several trusted keys match the token (${described})`, 'exactly one matching key', `${found.length} keys`);
  }
  return found[0]!;
}

/** Verifies `token` with a key from `resolver`; throws a Refusal ('InvalidToken' or 'IdpCommunication'). */
export async function verifyCompactJws(token: unknown, resolver: KeyResolver, options: JwsOptions = {}): Promise<VerifiedJws> {
  const decoded = decodeCompactJws(token, options);
  return verifyDecodedJws(token as string, decoded, resolver);
}

/** Verifies a decoded token (stateless: every signature is checked). */
export async function verifyDecodedJws(token: string, decoded: DecodedJws, resolver: KeyResolver): Promise<VerifiedJws> {
  return verifyWith(token, decoded, resolver, undefined);
}

interface VerifiedMemo {
  get(decoded: DecodedJws): { token: string; key: VerificationKey } | undefined;
  set(decoded: DecodedJws, token: string, key: VerificationKey): void;
}

async function verifyWith(token: string, decoded: DecodedJws, resolver: KeyResolver, memo: VerifiedMemo | undefined): Promise<VerifiedJws> {
  const key = await selectKey(decoded, resolver);
  const refused = keyRefusesAlg(key, decoded.alg);
  if (refused) throw invalidToken(refused.check, `the key named by the token may not verify ${decoded.alg}`, refused.expected, refused.actual);

  const esLength = ES_SIGNATURE_BYTES[decoded.alg];
  if (esLength !== undefined && decoded.signature.length !== esLength) {
    throw invalidToken('jwt.signature', 'ECDSA signature has the wrong length', `${esLength} bytes`, `${decoded.signature.length} bytes`);
  }
  let keyObject: KeyObject;
  try {
    keyObject = publicKeyObjectOf(key);
  } catch (e) {
    throw invalidToken('jwt.key', 'the trusted key cannot be used for this algorithm', decoded.alg, (e as Error).message);
  }
  // RFC 8017 §8.2.2 / §8.1.2 step 1: an RSA signature is exactly k = modulus-length octets.
  const rsaLength = key.kty === 'RSA' ? Math.ceil((keyObject.asymmetricKeyDetails?.modulusLength ?? 0) / 8) : undefined;
  if (rsaLength !== undefined && decoded.signature.length !== rsaLength) {
    throw invalidToken('jwt.signature', 'token signature does not verify', 'a valid signature', `RSA signature of ${decoded.signature.length} bytes, key needs ${rsaLength}`);
  }
  // This exact token text already verified with this very key (still the one selected above).
  const verified = memo?.get(decoded);
  if (verified !== undefined && verified.key === key && verified.token === token) {
    return { header: decoded.header, payload: decoded.payload, alg: decoded.alg, key };
  }
  // RFC 7515 §5.2 step 8: the JWS Signing Input is ASCII(header '.' payload), as received.
  const signingInput = Buffer.from(token.slice(0, token.lastIndexOf('.')), 'latin1');
  let valid: boolean;
  try {
    valid = verifySignature(decoded.alg, signingInput, keyObject, decoded.signature);
  } catch (e) {
    throw invalidToken('jwt.signature', 'token signature does not verify', 'a valid signature', (e as Error).message);
  }
  if (!valid) throw invalidToken('jwt.signature', 'token signature does not verify', 'a valid signature', 'signature verification failed');
  memo?.set(decoded, token, key);
  return { header: decoded.header, payload: decoded.payload, alg: decoded.alg, key };
}

/** One synchronous signature check with exactly the parameters `alg` names (RFC 7518 §3.3–3.5). */
function verifySignature(alg: JwsAlg, data: Buffer, key: KeyObject, signature: Buffer): boolean {
  const digest = DIGEST[alg];
  if (alg.startsWith('PS')) {
    return nodeVerify(digest.name, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digest.bytes }, signature);
  }
  if (alg.startsWith('ES')) return nodeVerify(digest.name, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  return nodeVerify(digest.name, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
}

/**
 * One JWT decoder with its decoded-token memo (see the head of this file): what every JWT path of
 * one Tessera instance uses (third-party ID tokens, social ID tokens, Tessera's own tokens).
 */
export interface JwtDecoder {
  /** decodeCompactJws, remembering the result for the exact token text. */
  decode(token: unknown, options?: JwsOptions): DecodedJws;
  /** The payload of a token this decoder decoded, parsed once per remembered token; frozen. */
  claims(decoded: DecodedJws): Record<string, unknown>;
  /** Signature verification; a remembered token already verified with the selected key is not checked again. */
  verify(token: string, decoded: DecodedJws, resolver: KeyResolver): Promise<VerifiedJws>;
  /** decode + verify. */
  verifyToken(token: unknown, resolver: KeyResolver, options?: JwsOptions): Promise<VerifiedJws>;
  /** How much the memo holds (for tests and diagnostics). */
  stats(): { entries: number; chars: number };
  /** Forgets every remembered token (tests; nothing in the request path needs it). */
  clear(): void;
}

export function createJwtDecoder(): JwtDecoder {
  // Map iteration order is insertion order: re-inserting on a hit keeps the least recently used first.
  const memo = new Map<string, DecodedJws>();
  let memoChars = 0;
  // Per decoded token (the memo's values; both go when the memo drops the token): its parsed
  // payload, and the key whose signature check passed for exactly this token text.
  const claimsOf = new WeakMap<DecodedJws, Record<string, unknown>>();
  const verifiedOf = new WeakMap<DecodedJws, { token: string; key: VerificationKey }>();
  // The memo's own copy of each remembered token's text (the memo's key).
  const textOf = new WeakMap<DecodedJws, string>();

  /** Keeps `token` (the memo's own copy, at most TOKEN_MEMO_MAX_TOKEN_LENGTH characters: the caller checks). */
  const remember = (token: string, decoded: DecodedJws): void => {
    memo.set(token, decoded);
    textOf.set(decoded, token);
    memoChars += token.length;
    while (memo.size > TOKEN_MEMO_MAX_ENTRIES || memoChars > TOKEN_MEMO_MAX_CHARS) {
      const oldest = memo.keys().next().value as string;
      memo.delete(oldest);
      memoChars -= oldest.length;
    }
  };

  const verifiedMemo: VerifiedMemo = {
    get: (decoded) => verifiedOf.get(decoded),
    set(decoded, token, key) {
      // Kept as long as the memo keeps `decoded`: the memo's copy of the text, never the caller's string.
      const kept = textOf.get(decoded);
      verifiedOf.set(decoded, { token: kept === token ? kept : ownString(token), key });
    },
  };

  const decode = (token: unknown, options: JwsOptions = {}): DecodedJws => {
    if (typeof token !== 'string') throw invalidToken('jwt.format', 'token is not a string', 'string', typeof token);
    const known = memo.get(token);
    if (known !== undefined) {
      // Most recently used again, still under the memo's own copy of the text (never the caller's).
      const own = textOf.get(known)!;
      memo.delete(own);
      memo.set(own, known);
      // Decoding passed every caller-independent check; the caller's own rules still apply.
      checkAlg(known.alg, options);
      checkKidRequired(known.kid, options);
      return known;
    }
    if (token.length > TOKEN_MEMO_MAX_TOKEN_LENGTH) return decodeFresh(token, options, false);
    // The memo keeps the token and what is cut from it: from a copy, so that a token that is a slice
    // of a larger string (a request body) does not keep that alive (src/json/own-string.ts).
    const own = ownString(token);
    const decoded = decodeFresh(own, options, true);
    remember(own, decoded);
    return decoded;
  };

  const claims = (decoded: DecodedJws): Record<string, unknown> => {
    let parsed = claimsOf.get(decoded);
    if (parsed === undefined) {
      parsed = payloadClaims(decoded);
      claimsOf.set(decoded, parsed);
    }
    return parsed;
  };

  const verify = (token: string, decoded: DecodedJws, resolver: KeyResolver) => verifyWith(token, decoded, resolver, verifiedMemo);

  return {
    decode,
    claims,
    verify,
    verifyToken: async (token, resolver, options = {}) => verify(token as string, decode(token, options), resolver),
    stats: () => ({ entries: memo.size, chars: memoChars }),
    clear() {
      memo.clear();
      memoChars = 0;
    },
  };
}

/**
 * Reads header and claims WITHOUT verifying anything but the structure, so that a caller can
 * choose the provider by `iss` (aws-surface.md §5.2 step 2). Never use the result for a decision.
 */
export function decodeUnverified(token: string, decoder?: JwtDecoder): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const decoded = decoder ? decoder.decode(token) : decodeCompactJws(token);
  return { header: decoded.header, claims: decoder ? decoder.claims(decoded) : payloadClaims(decoded) };
}
