/**
 * Identifier formats, as AWS mints them (shapes of aws-surface.md §7.1's named scalar types):
 * user pool ids `<region>_<9 alphanumerics>` (UserPoolIdType `[\w-]+_[0-9a-zA-Z]+`), app client
 * ids of 26 lower-case alphanumerics, client secrets of 51 (ClientSecretType `[\w+]+`, 24..64),
 * `sub` a UUID, confirmation codes of six digits. Randomness is injected.
 */
import { randomBytes } from 'node:crypto';

export type Random = (n: number) => Buffer;

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Uniform over `alphabet` (rejection sampling, no modulo bias). */
export function randomString(alphabet: string, length: number, random: Random = randomBytes): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const b of random(length * 2)) {
      if (b < limit && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

export const newUserPoolId = (region: string, random?: Random) => `${region}_${randomString(ALNUM, 9, random)}`;
export const newClientId = (random?: Random) => randomString(LOWER_ALNUM, 26, random);
export const newClientSecret = (random?: Random) => randomString(LOWER_ALNUM, 51, random);
export const newCode = (random?: Random) => randomString('0123456789', 6, random);

export function newUuid(random: Random = randomBytes): string {
  const b = random(16);
  b[6] = (b[6]! & 0x0f) | 0x40; // RFC 9562 §5.4: version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // variant 10
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Opaque bearer strings (refresh tokens, sessions): base64url of 32+ random bytes. */
export const newOpaque = (bytes: number, random: Random = randomBytes) => random(bytes).toString('base64url');
