/**
 * An authenticator app in a few lines, written apart from Tessera's (src/services/cognito-idp/
 * totp.ts) so tests check the server against RFC 6238 itself: base32 secret (RFC 4648), HMAC-SHA1,
 * 30-second steps, 6 digits.
 */
import { createHmac } from 'node:crypto';

function fromBase32(secret: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(c);
    if (i < 0) throw new Error(`not base32: ${c}`);
    bits += i.toString(2).padStart(5, '0');
  }
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The code an authenticator app shows for `secret` (base32) at `atMs` (default: Date.now()). */
export function authenticatorCode(secret: string, atMs: number = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000)));
  const mac = createHmac('sha1', fromBase32(secret)).update(counter).digest();
  const offset = mac[19]! & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** A six-digit code that is not the right one for `secret` at `atMs` (nor its neighbours). */
export function wrongCode(secret: string, atMs: number = Date.now()): string {
  const taken = new Set([-30_000, 0, 30_000].map((d) => authenticatorCode(secret, atMs + d)));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!taken.has(candidate)) return candidate;
  }
}
