/**
 * Access key ids and secrets in AWS's shapes (IAM user guide, "IAM identifiers": temporary keys
 * start with ASIA, long-term keys with AKIA; aws-surface.md §5.2: 20-character ids, 40-character
 * base64 secrets). The 16 characters after the prefix are the RFC 4648 base32 alphabet
 * (A–Z, 2–7) over 80 random bits, which also satisfies the `[A-Z0-9]` shape of root keys.
 */
import { randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `prefix` + 16 base32 characters from 10 random bytes (exactly 80 bits, no modulo bias). */
export function generateAccessKeyId(prefix: 'ASIA' | 'AKIA', random: (size: number) => Buffer = randomBytes): string {
  const bytes = random(10);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 15; i >= 0; i--) out += BASE32[Number((bits >> BigInt(i * 5)) & 31n)];
  return prefix + out;
}

/** 40 characters of standard base64 (30 random bytes), like AWS secret access keys. */
export function generateSecretAccessKey(random: (size: number) => Buffer = randomBytes): string {
  return random(30).toString('base64');
}

/** Long-term credentials for the account root (configuration / first start). */
export function generateRootCredentials(random: (size: number) => Buffer = randomBytes): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: generateAccessKeyId('AKIA', random), secretAccessKey: generateSecretAccessKey(random) };
}
