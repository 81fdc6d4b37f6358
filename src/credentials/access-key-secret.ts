/**
 * Sealing the secrets of long-term access keys (IAM users' `AKIA…` keys) at rest. A sealed
 * secret is `TAK1.<kid>.<base64url(nonce ‖ ciphertext ‖ tag)>`: AES-256-GCM with the server's
 * sealing keys (the ring that seals session tokens, keys/sealing-keys.ts), a random 96-bit nonce,
 * and `TAK1.<kid>.<accessKeyId>` as additional authenticated data, so a sealed secret opens only
 * for the access key id it was stored under (moving it to another key's record does not work),
 * and never as a session token (whose AAD starts `TSR1.`). A copy of the database without the
 * sealing keys' collection does not reveal any secret.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { isSealingKid } from '../keys/index.js';
import { decodeBase64Url } from '../tokens/base64url.js';
import { NONCE_BYTES, TAG_BYTES } from './session-token.js';

export const SECRET_PREFIX = 'TAK1.';

function aad(kid: string, accessKeyId: string): Buffer {
  return Buffer.from(`${SECRET_PREFIX}${kid}.${accessKeyId}`, 'utf8');
}

export function sealAccessKeySecret(key: Buffer, kid: string, accessKeyId: string, secret: string, nonce: Buffer): string {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(kid, accessKeyId));
  const body = Buffer.concat([nonce, cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${SECRET_PREFIX}${kid}.${body.toString('base64url')}`;
}

/** The kid and body of a sealed secret; undefined when it does not have the shape. */
export function splitSealedSecret(sealed: string): { kid: string; body: Buffer } | undefined {
  if (typeof sealed !== 'string' || !sealed.startsWith(SECRET_PREFIX)) return undefined;
  const parts = sealed.slice(SECRET_PREFIX.length).split('.');
  if (parts.length !== 2 || !isSealingKid(parts[0]!)) return undefined;
  const body = decodeBase64Url(parts[1]!);
  if (!body || body.length <= NONCE_BYTES + TAG_BYTES) return undefined;
  return { kid: parts[0]!, body };
}

export function openAccessKeySecret(key: Buffer, kid: string, accessKeyId: string, body: Buffer): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(kid, accessKeyId));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(NONCE_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
