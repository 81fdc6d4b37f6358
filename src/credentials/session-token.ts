/**
 * Session-token sealing. A token is `TSR1.<kid>.<base64url(nonce ‖ ciphertext ‖ tag)>`:
 * AES-256-GCM (NIST SP 800-38D) with a random 96-bit nonce, the sealing key id in the clear so
 * that keys can rotate, and `TSR1.<kid>.<accessKeyId>` as additional authenticated data, so a
 * token opens only together with the access key id it was minted for (security.md V11). The
 * plaintext is the session claims as JSON with short member names; it is not compressed, since
 * compressing attacker-influenced tags next to the secret key would leak it through the length.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { SessionClaims } from './principal.js';

export const TOKEN_PREFIX = 'TSR1.';
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;

/** SessionClaims member → short name in the sealed JSON (v and accessKeyId are implied). */
const SHORT = {
  secretAccessKey: 's',
  issuedAt: 'i',
  expiresAt: 'e',
  accountId: 'a',
  roleArn: 'r',
  roleId: 'ri',
  roleName: 'rn',
  sessionName: 'n',
  sessionPolicy: 'p',
  sessionPolicyArns: 'pa',
  tags: 't',
  transitiveTagKeys: 'tt',
  sourceIdentity: 'si',
  federated: 'f',
  via: 'w',
} as const satisfies Record<Exclude<keyof SessionClaims, 'v' | 'accessKeyId'>, string>;

type Long = keyof typeof SHORT;

export function aadFor(kid: string, accessKeyId: string): Buffer {
  return Buffer.from(`${TOKEN_PREFIX}${kid}.${accessKeyId}`, 'utf8');
}

export function encodeClaims(claims: SessionClaims): Buffer {
  const out: Record<string, unknown> = {};
  for (const [long, short] of Object.entries(SHORT) as Array<[Long, string]>) {
    if (claims[long] !== undefined) out[short] = claims[long];
  }
  return Buffer.from(JSON.stringify(out), 'utf8');
}

/** Inverse of encodeClaims; undefined when the JSON does not have the required shape. */
export function decodeClaims(plaintext: Buffer, accessKeyId: string): SessionClaims | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(plaintext.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const claims: Record<string, unknown> = { v: 1, accessKeyId };
  for (const [long, short] of Object.entries(SHORT) as Array<[Long, string]>) {
    if (r[short] !== undefined) claims[long] = r[short];
  }
  const c = claims as unknown as SessionClaims;
  const ok =
    typeof c.secretAccessKey === 'string' &&
    Number.isSafeInteger(c.issuedAt) &&
    Number.isSafeInteger(c.expiresAt) &&
    typeof c.accountId === 'string' &&
    typeof c.roleArn === 'string' &&
    typeof c.roleId === 'string' &&
    typeof c.roleName === 'string' &&
    typeof c.sessionName === 'string' &&
    typeof c.via === 'string';
  return ok ? c : undefined;
}

export function seal(key: Buffer, kid: string, accessKeyId: string, plaintext: Buffer, nonce: Buffer): string {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aadFor(kid, accessKeyId));
  const body = Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return `${TOKEN_PREFIX}${kid}.${body.toString('base64url')}`;
}

/** Returns the plaintext, or undefined when the tag does not verify. */
export function unseal(key: Buffer, kid: string, accessKeyId: string, body: Buffer): Buffer | undefined {
  const nonce = body.subarray(0, NONCE_BYTES);
  const tag = body.subarray(body.length - TAG_BYTES);
  const ciphertext = body.subarray(NONCE_BYTES, body.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aadFor(kid, accessKeyId));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}
