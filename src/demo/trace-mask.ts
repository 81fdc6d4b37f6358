/**
 * Masking for the demo's recorded traces (src/demo/trace.ts), applied on the server before
 * anything is stored: what a trace shows must never let a reader reuse a secret.
 *
 * - Secrets (secret access keys, passwords, client secrets, PKCE verifiers, authorization codes,
 *   secret hashes): replaced by `****** (N chars)`; nothing of the value is kept.
 * - Tokens (session tokens, ID/access/refresh tokens, `Token`, `WebIdentityToken`, every `Logins`
 *   value, SAML responses and assertions): `abcdef…wxyz (N chars)`, at most 6 + 4 characters,
 *   and nothing at all of a token shorter than 24 characters. A JWT is shown decoded beside its
 *   mask (header and claims; the signature never); a SAML response as its key facts (issuer,
 *   subject, audience, conditions, attributes; no signature or certificate values).
 * - Every other string: a JWT found inside it is masked in place, long strings are truncated.
 * - URLs: secret-looking query parameters (access_token, input_token, code, …) masked whole.
 */
import { peekJwt } from '../tokens/peek.js';
import { parseXml } from '../tokens/saml/dom.js';

/** Keys compared lower-case without `_` and `-`. */
const SECRET_KEYS = new Set([
  'secretkey', 'secretaccesskey', 'password', 'newpassword', 'proposedpassword', 'previouspassword', 'temporarypassword',
  'clientsecret', 'codeverifier', 'code', 'secrethash', 'oauthtokensecret', 'oauthverifier', 'consumersecret', 'privatekey', 'authorization',
]);
const TOKEN_KEYS = new Set([
  'sessiontoken', 'token', 'idtoken', 'accesstoken', 'refreshtoken', 'webidentitytoken', 'samlresponse', 'samlassertion', 'inputtoken',
  'oauthtoken', 'session', 'assertion', 'clientassertion', 'providertoken', 'login',
]);
const JWT = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$/;
const JWT_INSIDE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const MAX_STRING = 4096;
const MAX_ITEMS = 100;
const MAX_DEPTH = 12;

const norm = (key: string) => key.toLowerCase().replace(/[_-]/g, '');

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(norm(key));
}
export function isTokenKey(key: string): boolean {
  return TOKEN_KEYS.has(norm(key));
}

/** A secret: nothing of it. */
export function maskSecret(value: string): string {
  return `****** (${value.length} chars)`;
}

/** A token: at most its first 6 and last 4 characters, nothing of a short one (nor of a paired secret). */
export function maskToken(value: string): string {
  // A token paired with its secret (Twitter's `access_token;access_token_secret` Logins value):
  // the token as a token, nothing of the secret.
  const pair = value.indexOf(';');
  if (pair > 0) return `${maskToken(value.slice(0, pair))};${maskSecret(value.slice(pair + 1))}`;
  return value.length < 24 ? `****** (${value.length} chars)` : `${value.slice(0, 6)}…${value.slice(-4)} (${value.length} chars)`;
}

/** A JWT's header and claims (never its signature), or undefined when it is not a decodable JWT. */
export function decodeJwt(token: string): { header: unknown; claims: unknown } | undefined {
  if (token.length > 64 * 1024 || !JWT.test(token)) return undefined;
  const peeked = peekJwt(token);
  return peeked ? { header: clean(peeked.header, 0), claims: clean(peeked.claims, 0) } : undefined;
}

type El = { getAttribute(n: string): string | null; textContent: string | null; getElementsByTagNameNS(ns: string, n: string): { length: number; item(i: number): El | null } };
const all = (el: El, name: string): El[] => {
  const list = el.getElementsByTagNameNS('*', name);
  const out: El[] = [];
  for (let i = 0; i < list.length && i < MAX_ITEMS; i++) out.push(list.item(i)!);
  return out;
};
const text = (el: El | undefined) => el?.textContent?.trim().slice(0, 512);

/** The key facts of a base64 SAML response or assertion (no signature or certificate values). */
export function decodeSaml(value: string): Record<string, unknown> | undefined {
  if (value.length > 2 * 1024 * 1024) return undefined;
  let xml: string;
  try {
    xml = Buffer.from(value, 'base64').toString('utf8');
  } catch {
    return undefined;
  }
  if (!/^\s*(<\?xml[^>]*>\s*)?<([\w-]+:)?(Response|Assertion)\b/.test(xml) || /<!DOCTYPE/i.test(xml)) return undefined;
  let doc: El;
  try {
    const parsed = parseXml(xml).documentElement as unknown as El | null;
    if (!parsed) return undefined;
    doc = parsed;
  } catch {
    return undefined;
  }
  const root = doc as El & { localName?: string };
  const conditions = all(doc, 'Conditions')[0];
  const confirmation = all(doc, 'SubjectConfirmationData')[0];
  const nameId = all(doc, 'NameID')[0];
  const attributes: Record<string, string[]> = {};
  for (const a of all(doc, 'Attribute')) {
    const name = a.getAttribute('Name') ?? '';
    attributes[name] = all(a, 'AttributeValue').map((v) => text(v) ?? '');
  }
  const facts: Record<string, unknown> = {
    kind: root.localName ?? 'Response',
    issuer: text(all(doc, 'Issuer')[0]),
    destination: doc.getAttribute('Destination') ?? undefined,
    inResponseTo: doc.getAttribute('InResponseTo') ?? undefined,
    status: all(doc, 'StatusCode')[0]?.getAttribute('Value') ?? undefined,
    subject: nameId ? { nameId: text(nameId), format: nameId.getAttribute('Format') ?? undefined } : undefined,
    recipient: confirmation?.getAttribute('Recipient') ?? undefined,
    subjectNotOnOrAfter: confirmation?.getAttribute('NotOnOrAfter') ?? undefined,
    conditions: conditions ? { notBefore: conditions.getAttribute('NotBefore') ?? undefined, notOnOrAfter: conditions.getAttribute('NotOnOrAfter') ?? undefined } : undefined,
    audience: all(doc, 'Audience').map((a) => text(a)),
    authnInstant: all(doc, 'AuthnStatement')[0]?.getAttribute('AuthnInstant') ?? undefined,
    attributes,
    signatures: all(doc, 'Signature').length,
    encryptedAssertions: all(doc, 'EncryptedAssertion').length,
  };
  return clean(facts, 0) as Record<string, unknown>;
}

/** A token's display: the mask, and the decoded JWT or SAML facts when it is one. */
export function tokenView(value: string): unknown {
  const jwt = decodeJwt(value);
  if (jwt) return { masked: maskToken(value), jwt };
  const saml = value.length > 64 && /^[A-Za-z0-9+/=\s]+$/.test(value) ? decodeSaml(value) : undefined;
  if (saml) return { masked: maskToken(value), saml };
  return maskToken(value);
}

/** A free string: JWTs inside it masked, truncated to a readable length. */
export function scrubString(value: string): string {
  let out = value.replace(JWT_INSIDE, (m) => maskToken(m));
  if (out.length > MAX_STRING) out = `${out.slice(0, MAX_STRING)}… (${out.length} chars, truncated)`;
  return out;
}

/** A URL with secret-looking query parameters masked (and JWTs anywhere masked). */
export function maskUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return scrubString(url);
  const params = new URLSearchParams(url.slice(q + 1));
  const shown: string[] = [];
  // Tokens in a URL are masked whole: some are secrets by construction (a Facebook app token is `<app id>|<app secret>`).
  for (const [k, v] of params) shown.push(`${encodeURIComponent(k)}=${isSecretKey(k) || isTokenKey(k) ? maskSecret(v) : scrubString(v)}`);
  return scrubString(`${url.slice(0, q)}?${shown.join('&')}`);
}

function clean(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '…';
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => clean(v, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`… ${value.length - MAX_ITEMS} more`);
    return items;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = masked(v, k, depth + 1);
  return out;
}

function masked(value: unknown, key: string, depth: number): unknown {
  if (key === 'Logins' && value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? tokenView(v) : masked(v, k, depth + 1)]));
  }
  if (typeof value === 'string') {
    if (isSecretKey(key)) return maskSecret(value);
    if (isTokenKey(key) || (JWT.test(value) && decodeJwt(value))) return tokenView(value);
    return scrubString(value);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && isSecretKey(key)) return '****** (masked)';
  return clean(value, depth);
}

/** A deep copy of `value` fit to store and show: secrets masked, tokens masked and decoded. */
export function maskValue(value: unknown): unknown {
  return clean(value, 0);
}
