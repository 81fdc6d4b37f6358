/**
 * Software-token (TOTP) MFA as Cognito user pools serve it: RFC 6238 codes (HMAC-SHA1, 30-second
 * steps, 6 digits) from a secret Cognito hands out as RFC 4648 base32 (AssociateSoftwareToken's
 * SecretCode: 20 random bytes, 32 characters). A code is accepted for the current step and one
 * step either side (clock drift), and each step at most once per user (the record keeps the last
 * step used).
 *
 * Secrets at rest are sealed as session tokens are (src/credentials/session-token.ts): AES-256-GCM
 * under the newest key of the shared sealing ring (storage 'keys', `sealing/<kid>`), the
 * additional data binding the sealed secret to its pool and user, so a sealed secret copied onto
 * another user's record does not open. Secrets are never logged.
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import type { SealingKeyRing } from '../../keys/index.js';
import type { Random } from './ids.js';

export const TOTP = { stepSeconds: 30, digits: 6, window: 1, secretBytes: 20 } as const;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 §6 base32, no padding (what authenticator apps take). */
export function base32Encode(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32 (case-insensitive, padding ignored); undefined for other characters. */
export function base32Decode(text: string): Buffer | undefined {
  const clean = text.replace(/=+$/, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of clean) {
    const i = BASE32.indexOf(c);
    if (i < 0) return undefined;
    value = ((value << 5) | i) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP / RFC 6238 TOTP value of `step` for `secret`. */
export function totpCode(secret: Buffer, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** TOTP.digits).padStart(TOTP.digits, '0');
}

export const stepAt = (nowMs: number) => Math.floor(nowMs / 1000 / TOTP.stepSeconds);

/**
 * The step whose code `code` is (current step ± window), preferring the current one, or undefined.
 * Every candidate is compared, in constant time, whatever matched.
 */
export function matchingStep(secret: Buffer, code: string, nowMs: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const now = stepAt(nowMs);
  let found: number | undefined;
  for (const step of [now, now - TOTP.window, now + TOTP.window]) {
    const ok = timingSafeEqual(Buffer.from(totpCode(secret, step)), Buffer.from(code));
    if (ok && found === undefined) found = step;
  }
  return found;
}

export const newTotpSecret = (random: Random) => random(TOTP.secretBytes);

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = 'TOTP1.';

const aad = (kid: string, binding: string) => Buffer.from(`${PREFIX}${kid}.${binding}`, 'utf8');

/** Seals a secret under the ring's newest key; `binding` names its owner (`<poolId>/<sub>`). */
export async function sealSecret(ring: SealingKeyRing, random: Random, binding: string, secret: Buffer): Promise<string> {
  const key = await ring.newest();
  const nonce = random(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(key.kid, binding));
  const body = Buffer.concat([nonce, cipher.update(secret), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${key.kid}.${body.toString('base64url')}`;
}

/** The sealed secret, or undefined when it does not open for `binding` (or its key is gone). */
export async function openSecret(ring: SealingKeyRing, binding: string, sealed: string): Promise<Buffer | undefined> {
  if (!sealed.startsWith(PREFIX)) return undefined;
  const [kid, encoded] = sealed.slice(PREFIX.length).split('.');
  if (!kid || !encoded) return undefined;
  const key = await ring.find(kid);
  if (!key) return undefined;
  const body = Buffer.from(encoded, 'base64url');
  if (body.length <= NONCE_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, body.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(kid, binding));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(NONCE_BYTES, body.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}
