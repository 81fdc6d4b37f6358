/** Shared fixtures for the signing-key tests: a settable clock, raw token crafting with a ring's stored private key. */
import assert from 'node:assert/strict';
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { Refusal } from '../../../src/errors/index.js';
import type { Storage } from '../../../src/storage/contract.js';
import type { SigningKeyDoc } from '../../../src/keys/signing-key-doc.js';

export const T0 = new Date('2030-01-01T00:00:00.000Z');
export const ISSUER = 'https://tessera.test';

export function settableClock(start = T0) {
  let now = start.getTime();
  return {
    clock: () => new Date(now),
    advance: (seconds: number) => (now += seconds * 1000),
    seconds: () => Math.floor(now / 1000),
  };
}

/** The stored documents of a ring, by seq. */
export async function storedKeys(storage: Storage, ring: string): Promise<SigningKeyDoc[]> {
  const page = await storage.collection<SigningKeyDoc>('keys').list({ prefix: `signing/${ring}/`, limit: 1000 });
  return page.items.map((i) => i.doc);
}

export function privateKeyOf(doc: SigningKeyDoc): KeyObject {
  return createPrivateKey({ key: Buffer.from(doc.privateKeyPkcs8, 'base64url'), format: 'der', type: 'pkcs8' });
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** Signs the exact header and payload texts with `key` (RSASSA-PKCS1-v1_5 with `hash`). */
export function signRaw(headerJson: string, payloadJson: string, key: KeyObject, hash = 'sha512'): string {
  const input = `${b64(headerJson)}.${b64(payloadJson)}`;
  return `${input}.${b64(sign(hash, Buffer.from(input), key))}`;
}

export function claimsAt(seconds: number, extra: Record<string, unknown> = {}, lifetime = 600): Record<string, unknown> {
  return { iss: ISSUER, sub: 'us-east-1:00000000-0000-0000-0000-000000000001', aud: 'us-east-1:pool', iat: seconds, exp: seconds + lifetime, ...extra };
}

export const refusedAs = (kind: string, check: string) => (e: unknown) => {
  assert.ok(e instanceof Refusal, `expected a Refusal, got ${e instanceof Error ? e.stack : String(e)}`);
  assert.equal(e.kind, kind, `kind of ${JSON.stringify(e.reason)}`);
  assert.equal(e.reason.check, check, `reason: ${JSON.stringify(e.reason)}`);
  return true;
};

export function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
}
