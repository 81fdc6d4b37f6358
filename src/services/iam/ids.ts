/**
 * Unique ids IAM hands out (IAMG:reference_identifiers "Unique identifiers"): a four-letter
 * prefix naming the entity kind (`AROA` role, `ANPA` managed policy, `AIDA` user, `AGPA` group) followed by random
 * upper-case letters and digits. Randomness is injectable so tests can pin ids.
 */
import { randomBytes } from 'node:crypto';

export type RandomBytes = (size: number) => Uint8Array;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `prefix` + `length` characters of [A-Z0-9], drawn without modulo bias. */
export function uniqueId(prefix: string, length = 17, random: RandomBytes = randomBytes): string {
  let out = prefix;
  while (out.length < prefix.length + length) {
    for (const b of random(length)) {
      // 252 = 7 * 36: rejecting bytes >= 252 keeps every character equally likely.
      if (b < 252 && out.length < prefix.length + length) out += ALPHABET[b % 36];
    }
  }
  return out;
}

export const roleUniqueId = (random?: RandomBytes) => uniqueId('AROA', 17, random);
export const policyUniqueId = (random?: RandomBytes) => uniqueId('ANPA', 17, random);
export const userUniqueId = (random?: RandomBytes) => uniqueId('AIDA', 17, random);
export const groupUniqueId = (random?: RandomBytes) => uniqueId('AGPA', 17, random);
