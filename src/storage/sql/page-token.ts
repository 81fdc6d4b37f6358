/**
 * Opaque keyset-pagination tokens. A token carries the collection, the prefix of the list call
 * that produced it and the last id returned; the next page starts strictly after that id. The
 * token is not secret (a forged one can only move the starting point inside the same
 * collection/prefix the caller may already list), but it is bound to its list call: a token
 * replayed against another collection or prefix is refused rather than silently reinterpreted.
 */
import { InvalidPageTokenError } from '../contract.js';

interface TokenBody {
  v: 1;
  /** collection */
  c: string;
  /** prefix ('' when none) */
  p: string;
  /** last id returned ("after") */
  a: string;
}

export function encodePageToken(collection: string, prefix: string, lastId: string): string {
  const body: TokenBody = { v: 1, c: collection, p: prefix, a: lastId };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** Returns the id to continue after; throws InvalidPageTokenError on any mismatch or corruption. */
export function decodePageToken(token: string, collection: string, prefix: string): string {
  if (typeof token !== 'string' || token.length === 0 || token.length > 8192 || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw new InvalidPageTokenError();
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPageTokenError();
  }
  if (typeof body !== 'object' || body === null) throw new InvalidPageTokenError();
  const { v, c, p, a } = body as Partial<TokenBody>;
  if (v !== 1 || c !== collection || p !== prefix || typeof a !== 'string' || !a.startsWith(prefix)) {
    throw new InvalidPageTokenError();
  }
  return a;
}
