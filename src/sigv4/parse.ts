/**
 * Reading the signature parameters from either place SigV4 allows: the Authorization header
 * (AWS "Signature Version 4: Authorization header") or the query string of a presigned request
 * (AWS "Authenticating requests: using query parameters"). Malformed input is IncompleteSignature.
 */
import type { QueryParam } from './encoding.js';
import { headerValue, type HeaderMap } from './headers.js';
import { refuse } from './refusals.js';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const TERMINATOR = 'aws4_request';
/** AWS caps presigned URLs at 7 days (`--expires-in` max 604800). */
export const MAX_PRESIGN_EXPIRES = 604_800;

export const Q_ALGORITHM = 'X-Amz-Algorithm';
export const Q_CREDENTIAL = 'X-Amz-Credential';
export const Q_DATE = 'X-Amz-Date';
export const Q_EXPIRES = 'X-Amz-Expires';
export const Q_SIGNED_HEADERS = 'X-Amz-SignedHeaders';
export const Q_SIGNATURE = 'X-Amz-Signature';
export const Q_TOKEN = 'X-Amz-Security-Token';
/** Parameters whose presence means "this is query-string authentication". */
const QUERY_AUTH_MARKERS = [Q_ALGORITHM, Q_CREDENTIAL, Q_SIGNATURE, Q_SIGNED_HEADERS];
/** Parameters that must not repeat: a second copy could be read differently by someone else. */
const QUERY_SINGLETONS = [Q_ALGORITHM, Q_CREDENTIAL, Q_DATE, Q_EXPIRES, Q_SIGNED_HEADERS, Q_SIGNATURE, Q_TOKEN];

export interface AuthParams {
  presigned: boolean;
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  terminator: string;
  /** The credential scope as sent: `<date>/<region>/<service>/<terminator>`. */
  scope: string;
  signedHeaders: string[];
  signature: string;
  /** Raw X-Amz-Date (header or query), undefined when absent. */
  amzDate: string | undefined;
  /** X-Amz-Expires in seconds (presigned only). */
  expires?: number;
  sessionToken?: string;
}

export function queryValues(params: readonly QueryParam[], name: string): string[] {
  const out: string[] = [];
  for (const p of params) if (p.name === name) out.push(p.value);
  return out;
}

export function hasQueryAuth(params: readonly QueryParam[]): boolean {
  return params.some((p) => QUERY_AUTH_MARKERS.includes(p.name));
}

/** `AKID/20150830/us-east-1/iam/aws4_request` → parts; exactly five, as AWS insists. */
function parseCredential(credential: string): Pick<AuthParams, 'accessKeyId' | 'scopeDate' | 'region' | 'service' | 'terminator' | 'scope'> {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((p) => p === '')) {
    refuse(
      'IncompleteSignature',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
      { check: 'sigv4.credential.format', expected: 'keyid/date/region/service/aws4_request', actual: credential },
    );
  }
  const [accessKeyId, scopeDate, region, service, terminator] = parts;
  return { accessKeyId, scopeDate, region, service, terminator, scope: parts.slice(1).join('/') };
}

/**
 * SignedHeaders is a `;`-separated list of lower-case names in strictly ascending order (every
 * SDK sorts it; an unsorted or repeated list would make the canonical request ambiguous), and it
 * must name `host` (SigV4: "the host header must be included as a signed header").
 */
function parseSignedHeaders(list: string): string[] {
  const names = list.split(';');
  const token = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
  for (let i = 0; i < names.length; i++) {
    const bad = !token.test(names[i]) || (i > 0 && !(names[i - 1] < names[i]));
    if (bad) {
      refuse('IncompleteSignature', `SignedHeaders must be a sorted, ';'-separated list of lower-case header names, got '${list}'`, {
        check: 'sigv4.signed-headers.format',
        actual: list,
      });
    }
  }
  if (!names.includes('host')) {
    refuse('IncompleteSignature', `SignedHeaders must include 'host', got '${list}'`, {
      check: 'sigv4.signed-headers.host',
      expected: 'host',
      actual: list,
    });
  }
  return names;
}

/** `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` */
export function parseAuthorizationHeader(header: string, headers: HeaderMap): AuthParams {
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) {
    refuse('IncompleteSignature', `Unsupported AWS 'algorithm': '${algorithm}'. Only ${ALGORITHM} is accepted.`, {
      check: 'sigv4.algorithm',
      expected: ALGORITHM,
      actual: algorithm,
    });
  }
  const fields = new Map<string, string>();
  for (const component of (space < 0 ? '' : header.slice(space + 1)).split(',')) {
    const trimmed = component.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    const name = eq < 0 ? trimmed : trimmed.slice(0, eq);
    if (fields.has(name)) {
      refuse('IncompleteSignature', `Authorization header has a duplicate '${name}' parameter.`, { check: 'sigv4.authorization.duplicate', actual: name });
    }
    fields.set(name, eq < 0 ? '' : trimmed.slice(eq + 1));
  }
  const missing: string[] = [];
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!fields.get(name)) missing.push(`Authorization header requires '${name}' parameter.`);
  }
  const amzDate = headerValue(headers, 'x-amz-date');
  if (amzDate === undefined) missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (missing.length > 0) {
    refuse('IncompleteSignature', missing.join(' '), { check: 'sigv4.authorization.incomplete', actual: missing });
  }
  return {
    presigned: false,
    ...parseCredential(fields.get('Credential')!),
    signedHeaders: parseSignedHeaders(fields.get('SignedHeaders')!),
    signature: fields.get('Signature')!,
    amzDate,
    sessionToken: headerValue(headers, 'x-amz-security-token'),
  };
}

/** Presigned request: every auth parameter from the query string. */
export function parseQueryAuth(params: readonly QueryParam[]): AuthParams {
  for (const name of QUERY_SINGLETONS) {
    if (queryValues(params, name).length > 1) {
      refuse('IncompleteSignature', `Query-string parameter '${name}' must not be repeated.`, { check: 'sigv4.query.duplicate', actual: name });
    }
  }
  const one = (name: string) => queryValues(params, name)[0];
  const required = [Q_ALGORITHM, Q_CREDENTIAL, Q_SIGNATURE, Q_SIGNED_HEADERS, Q_DATE];
  if (required.some((name) => !one(name))) {
    refuse(
      'IncompleteSignature',
      "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'. Re-examine the query-string parameters.",
      { check: 'sigv4.query.incomplete', expected: required, actual: required.filter((name) => one(name)) },
    );
  }
  const algorithm = one(Q_ALGORITHM);
  if (algorithm !== ALGORITHM) {
    refuse('IncompleteSignature', `X-Amz-Algorithm only supports '${ALGORITHM}'`, { check: 'sigv4.algorithm', expected: ALGORITHM, actual: algorithm });
  }
  let expires: number | undefined;
  const rawExpires = one(Q_EXPIRES);
  if (rawExpires !== undefined) {
    // Digits only: no sign, no exponent, no fraction (security.md V03).
    expires = /^\d{1,7}$/.test(rawExpires) ? Number(rawExpires) : NaN;
    if (!(expires >= 1 && expires <= MAX_PRESIGN_EXPIRES)) {
      refuse('IncompleteSignature', `X-Amz-Expires must be an integer from 1 to ${MAX_PRESIGN_EXPIRES} (a week, in seconds), got '${rawExpires}'`, {
        check: 'sigv4.query.expires',
        expected: `1..${MAX_PRESIGN_EXPIRES}`,
        actual: rawExpires,
      });
    }
  }
  const token = one(Q_TOKEN);
  return {
    presigned: true,
    ...parseCredential(one(Q_CREDENTIAL)),
    signedHeaders: parseSignedHeaders(one(Q_SIGNED_HEADERS)),
    signature: one(Q_SIGNATURE),
    amzDate: one(Q_DATE),
    ...(expires === undefined ? {} : { expires }),
    ...(token === undefined ? {} : { sessionToken: token }),
  };
}
