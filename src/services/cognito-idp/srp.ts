/**
 * The server half of Cognito's SRP-6a variant (USER_SRP_AUTH → PASSWORD_VERIFIER), computed
 * exactly as amazon-cognito-identity-js's AuthenticationHelper and CognitoUser do, so the
 * unmodified library signs in:
 *
 *  - N = the 3072-bit MODP prime of RFC 5054 Appendix A / RFC 3526 §4, g = 2.
 *  - PAD(x) is the library's `padHex`: the minimal big-endian hex of x, made even-length, with a
 *    "00" byte prepended when the top bit is set (Java BigInteger.toByteArray). It is NOT the
 *    fixed-width PAD of RFC 5054 §2.6; hashing any other encoding gives different k, u and x.
 *  - k = H(PAD(N) | PAD(g)), u = H(PAD(A) | PAD(B)), H = SHA-256 over the hex-decoded bytes.
 *  - x = H(PAD(salt) | H(poolName | username | ":" | password)), poolName = the pool id after "_",
 *    username = USER_ID_FOR_SRP. v = g^x mod N is stored per user with the salt at password set.
 *  - Server: b random (128 bytes), B = (k·v + g^b) mod N, S = (A · v^u)^b mod N.
 *  - Key = HKDF-SHA256 (RFC 5869) with salt PAD(u), IKM PAD(S), info "Caldera Derived Key",
 *    first 16 bytes of T(1).
 *  - PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(Key, poolName | username | SECRET_BLOCK bytes |
 *    TIMESTAMP)), TIMESTAMP formatted "ddd MMM D HH:mm:ss UTC YYYY" (DateHelper.getNowString).
 *
 * The verifier is password-equivalent for an offline guessing attack (x is one SHA-256 away from
 * the password), as in every SRP deployment; it lives next to the scrypt hash in the user record.
 */
import { createDiffieHellman, createHash, createHmac, randomBytes, timingSafeEqual, type DiffieHellman } from 'node:crypto';

const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';

export const N = BigInt(`0x${N_HEX}`);
export const g = 2n;
const INFO = Buffer.from('Caldera Derived Key', 'utf8');

export function padHex(value: bigint): string {
  if (value < 0n) throw new RangeError('padHex: negative values do not occur on the server side');
  let hex = value.toString(16);
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  if (/^[89a-f]/i.test(hex)) hex = `00${hex}`;
  return hex;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

const hexHash = (hex: string) => sha256Hex(Buffer.from(hex, 'hex'));
const big = (hex: string) => BigInt(`0x${hex}`);

/** Square-and-multiply on BigInt: the reference the native path is tested against (not constant time). */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}

const bytesOf = (x: bigint): Buffer => {
  const hex = x.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
};

/**
 * One DiffieHellman object over N, made on first use (0.24 ms when first measured; about 0.01 ms
 * on Node 20 in a later check); every call then only sets a private key.
 * It is module-level on purpose and is not shared state in the sense of "no process-global
 * state": modPowN sets the private key and reads the result in one synchronous stretch (no await),
 * so no call, of this instance or of another in the process, ever sees a value another call left
 * in it, and nothing in it is a setting. One per call would only repeat the creation for each of a
 * sign-in's three exponentiations, with no difference anyone could observe.
 */
let modN: DiffieHellman | undefined;

/**
 * base^exponent mod N by OpenSSL (the DiffieHellman primitive: with private key e, the public key
 * is g^e and the secret for a peer value y is y^e, both by OpenSSL's constant-time modular
 * exponentiation). An SRP sign-in needs three 3072-bit exponentiations with secret exponents;
 * on BigInt they took milliseconds each of the event loop (bench/srp-micro.mjs) and their timing
 * depended on the secret. Bases OpenSSL refuses as a peer value (0, 1, N − 1, and N or more) are
 * computed on BigInt: they reveal nothing (their powers are 0, 1 or ±1).
 */
export function modPowN(base: bigint, exponent: bigint): bigint {
  const b = ((base % N) + N) % N;
  if (exponent < 0n) throw new RangeError('modPowN: negative exponent');
  if (exponent === 0n) return 1n;
  if (b <= 1n || b >= N - 1n) return modPow(b, exponent, N);
  modN ??= createDiffieHellman(Buffer.from(N_HEX, 'hex'), Buffer.from([Number(g)]));
  modN.setPrivateKey(bytesOf(exponent));
  if (b === g) {
    modN.generateKeys();
    return BigInt(`0x${modN.getPublicKey('hex')}`);
  }
  try {
    return BigInt(`0x${modN.computeSecret(bytesOf(b)).toString('hex')}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_CRYPTO_INVALID_KEYTYPE') throw err;
    // Some OpenSSL builds (Node 22's 3.5) refuse a peer value outside the subgroup of quadratic
    // residues mod N ("Unspecified validation error"): honest SRP values are always inside it
    // (g = 2 is a residue), a client may send anything. N is a safe prime ≡ 3 (mod 4), so −1 is a
    // non-residue and N − b is a residue: b^e = (N − b)^e · (−1)^e, still by OpenSSL.
    const r = BigInt(`0x${modN.computeSecret(bytesOf(N - b)).toString('hex')}`);
    return exponent & 1n ? (N - r) % N : r;
  }
}

export const k = big(hexHash(padHex(N) + padHex(g)));

/** The part of the pool id after "_" (CognitoUserPool.getUserPoolName). */
export function poolNameOf(userPoolId: string): string {
  return userPoolId.slice(userPoolId.indexOf('_') + 1);
}

export function computeX(poolName: string, username: string, password: string, saltHex: string): bigint {
  const inner = sha256Hex(Buffer.from(`${poolName}${username}:${password}`, 'utf8'));
  return big(hexHash(padHex(big(saltHex)) + inner));
}

/** Salt (16 random bytes, hex) and verifier v = g^x mod N for a new password. */
export function makeVerifier(userPoolId: string, username: string, password: string, random: (n: number) => Buffer = randomBytes): { salt: string; verifier: string } {
  const salt = random(16).toString('hex');
  const x = computeX(poolNameOf(userPoolId), username, password, salt);
  return { salt, verifier: modPowN(g, x).toString(16) };
}

export function computeU(A: bigint, B: bigint): bigint {
  return big(hexHash(padHex(A) + padHex(B)));
}

/** RFC 5869 with L = 16: PRK = HMAC(salt, IKM); OKM = HMAC(PRK, info | 0x01)[0..16). */
export function hkdf16(ikm: Buffer, salt: Buffer): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  return createHmac('sha256', prk).update(Buffer.concat([INFO, Buffer.from([1])])).digest().subarray(0, 16);
}

/** Server's ephemeral pair. b is 128 random bytes as in the client's a; B ≠ 0 mod N. */
export function serverEphemeral(verifierHex: string, random: (n: number) => Buffer = randomBytes): { b: bigint; B: bigint } {
  const v = big(verifierHex);
  for (;;) {
    const b = big(random(128).toString('hex')) % N;
    const B = (k * v + modPowN(g, b)) % N;
    if (B !== 0n && b !== 0n) return { b, B };
  }
}

/** SRP-6a safety check (RFC 5054 §2.5.4): the client's A must not be 0 mod N. */
export function isValidA(A: bigint): boolean {
  return A > 0n && A % N !== 0n;
}

export function serverKey(A: bigint, B: bigint, b: bigint, verifierHex: string): Buffer {
  const u = computeU(A, B);
  if (u === 0n) throw new RangeError('SRP u is zero');
  const v = big(verifierHex);
  const S = modPowN((A * modPowN(v, u)) % N, b);
  return hkdf16(Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'));
}

export function claimSignature(key: Buffer, poolName: string, username: string, secretBlockB64: string, timestamp: string): Buffer {
  return createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(poolName, 'utf8'), Buffer.from(username, 'utf8'), Buffer.from(secretBlockB64, 'base64'), Buffer.from(timestamp, 'utf8')]))
    .digest();
}

export function signaturesEqual(expected: Buffer, givenB64: string): boolean {
  const given = Buffer.from(givenB64, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Cognito's TIMESTAMP, "ddd MMM D HH:mm:ss UTC YYYY" with an unpadded day (DateHelper.getNowString). */
export function formatTimestamp(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${WEEKDAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

const TIMESTAMP = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]) UTC ([0-9]{4})$/;

/** Parses a TIMESTAMP; undefined when it is not in Cognito's format. */
export function parseTimestamp(s: string): Date | undefined {
  const m = TIMESTAMP.exec(s);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[7]), MONTHS.indexOf(m[2]!), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  return formatTimestamp(d) === s ? d : undefined;
}
