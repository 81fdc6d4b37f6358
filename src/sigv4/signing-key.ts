/**
 * SigV4 signing-key derivation (kSigning = HMAC chain over date, region, service, "aws4_request";
 * AWS "Calculate the signature") with a small bounded LRU, so the hot path does one HMAC for the
 * string to sign instead of five per request.
 */
import { createHmac } from 'node:crypto';

export function deriveSigningKey(secretAccessKey: string, shortDate: string, region: string, service: string): Buffer {
  let key: Buffer | string = `AWS4${secretAccessKey}`;
  for (const part of [shortDate, region, service, 'aws4_request']) {
    key = createHmac('sha256', key).update(part, 'utf8').digest();
  }
  return key as Buffer;
}

/** Least-recently-used map of derived keys; a Map iterates in insertion order, so re-inserting on hit keeps recency. */
export class SigningKeyCache {
  private readonly entries = new Map<string, Buffer>();
  /** Number of derivations performed (cache misses); lets tests prove the cache is used. */
  derivations = 0;

  constructor(readonly capacity = 1000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('SigningKeyCache capacity must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  get(secretAccessKey: string, shortDate: string, region: string, service: string): Buffer {
    // JSON keeps the tuple unambiguous whatever characters the (client-chosen) region holds.
    const id = JSON.stringify([secretAccessKey, shortDate, region, service]);
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    const key = deriveSigningKey(secretAccessKey, shortDate, region, service);
    this.derivations++;
    this.entries.set(id, key);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return key;
  }
}

export const defaultSigningKeyCache = new SigningKeyCache(1000);
