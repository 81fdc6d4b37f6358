/**
 * Access key ids and secrets in AWS's shapes (IAM user guide, "IAM identifiers": temporary keys
 * start with ASIA, long-term keys with AKIA; aws-surface.md §5.2: 20-character ids, 40-character
 * base64 secrets). The 16 characters after the prefix are the RFC 4648 base32 alphabet
 * (A–Z, 2–7) over 80 random bits, which also satisfies the `[A-Z0-9]` shape of root keys.
 */
import { randomBytes, randomFillSync } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * CSPRNG bytes served from an 8 KiB pool refilled with randomFillSync: minting needs three small
 * random values per credential, and one OpenSSL call per 8 KiB is far cheaper on the hot path
 * than one per value. Every byte is handed out once and copied, never shared.
 */
const POOL_SIZE = 8192;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;
export function pooledRandomBytes(size: number): Buffer {
  if (size > POOL_SIZE / 4) return randomBytes(size);
  if (poolOffset + size > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = Buffer.from(pool.subarray(poolOffset, poolOffset + size));
  pool.fill(0, poolOffset, poolOffset + size);
  poolOffset += size;
  return out;
}

/** `prefix` + 16 base32 characters from 10 random bytes (exactly 80 bits, no modulo bias). */
export function generateAccessKeyId(prefix: 'ASIA' | 'AKIA', random: (size: number) => Buffer = pooledRandomBytes): string {
  const bytes = random(10);
  let out = prefix;
  // 10 bytes = two 40-bit groups, each 8 base32 characters.
  for (let g = 0; g < 10; g += 5) {
    let group = 0;
    for (let i = 0; i < 5; i++) group = group * 256 + bytes[g + i]!;
    for (let i = 7; i >= 0; i--) out += BASE32[Math.floor(group / 2 ** (i * 5)) % 32];
  }
  return out;
}

/** 40 characters of standard base64 (30 random bytes), like AWS secret access keys. */
export function generateSecretAccessKey(random: (size: number) => Buffer = pooledRandomBytes): string {
  return random(30).toString('base64');
}

/** Long-term credentials for the account root (configuration / first start). */
export function generateRootCredentials(random: (size: number) => Buffer = randomBytes): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: generateAccessKeyId('AKIA', random), secretAccessKey: generateSecretAccessKey(random) };
}
