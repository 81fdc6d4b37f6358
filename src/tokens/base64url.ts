/**
 * Strict base64url (RFC 7515 §2 and Appendix C; RFC 4648 §5): the URL-safe alphabet only, no
 * padding, no whitespace, and zero unused trailing bits. Node's decoder is lenient (it skips
 * unknown characters and ignores non-zero trailing bits), so a decoded value is accepted only
 * when re-encoding it yields the input byte for byte — one canonical spelling per value
 * (security.md J22, Wycheproof JWS "base64" group).
 */

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** Returns the decoded bytes, or undefined when `text` is not canonical base64url. */
export function decodeBase64Url(text: string): Buffer | undefined {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

export function encodeBase64Url(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString('base64url');
}
