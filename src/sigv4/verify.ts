/**
 * Verification of a SigV4-signed request, header or presigned. Checks run cheapest-first and
 * never consult the credential store for a request that is malformed, mis-scoped or stale:
 *
 *   1. exactly one auth style (header XOR query), no repeated Host/Authorization/X-Amz-* lines
 *   2. parameters well formed (IncompleteSignature)
 *   3. scope date = X-Amz-Date day, terminator aws4_request, service accepted (SignatureDoesNotMatch)
 *   4. every x-amz-* header signed, except x-amz-content-sha256 (security.md V04)
 *   5. time: ±skew for header auth (RequestExpired); X-Amz-Expires for presigned (AccessDenied)
 *   6. x-amz-content-sha256, when sent, equals SHA-256(body) (security.md V08)
 *   7. lookup (unknown key → InvalidClientTokenId; a Refusal from lookup passes through)
 *   8. signature, constant-time (security.md V09)
 *   9. credential expiry (ExpiredToken; for presigned, min(URL, credential) → AccessDenied)
 */
import { timingSafeEqual, createHmac } from 'node:crypto';
import { buildCanonicalRequest, buildStringToSign, sha256Hex } from './canonical.js';
import { parseQuery, type QueryParam } from './encoding.js';
import { collectHeaders, headerValue, SINGLETON_HEADERS, type HeaderMap } from './headers.js';
import { hasQueryAuth, parseAuthorizationHeader, parseQueryAuth, Q_ALGORITHM, Q_SIGNATURE, Q_TOKEN, TERMINATOR, type AuthParams } from './parse.js';
import {
  EXPIRED_TOKEN_MESSAGE,
  INVALID_TOKEN_MESSAGE,
  MISSING_TOKEN_MESSAGE,
  PRESIGN_EXPIRED_MESSAGE,
  SIGNATURE_MISMATCH_MESSAGE,
  refuse,
} from './refusals.js';
import { defaultSigningKeyCache } from './signing-key.js';
import { checkSkew, formatAmzDate, parseAmzDate } from './time.js';
import { DEFAULT_SERVICES, type SignedRequest, type VerifiedRequest, type VerifyOptions } from './types.js';

const DEFAULT_MAX_SKEW_SECONDS = 900;

/** True when the request carries any SigV4 material (Authorization header, or X-Amz-Algorithm / X-Amz-Signature in the query). */
export function hasSignature(req: SignedRequest): boolean {
  if (req.rawHeaders ? req.rawHeaders.some((v, i) => i % 2 === 0 && v.toLowerCase() === 'authorization') : req.headers.authorization !== undefined) {
    return true;
  }
  if (req.query === '') return false;
  return parseQuery(req.query).some((p) => p.name === Q_ALGORITHM || p.name === Q_SIGNATURE);
}

function selectAuth(headers: HeaderMap, params: readonly QueryParam[]): AuthParams {
  const authorization = headers.get('authorization');
  const queryAuth = hasQueryAuth(params);
  if (authorization && queryAuth) {
    refuse('IncompleteSignature', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified', {
      check: 'sigv4.auth.ambiguous',
      actual: 'authorization header and query-string signature',
    });
  }
  if (!authorization && !queryAuth) refuse('MissingAuthenticationToken', MISSING_TOKEN_MESSAGE, { check: 'sigv4.auth.missing' });
  for (const name of SINGLETON_HEADERS) {
    if ((headers.get(name)?.length ?? 0) > 1) {
      refuse('IncompleteSignature', `The request carries more than one '${name}' header.`, { check: 'sigv4.header.duplicate', actual: name });
    }
  }
  const auth = authorization ? parseAuthorizationHeader(authorization[0], headers) : parseQueryAuth(params);
  // The session token must come from the same place as the signature, or lookup and the
  // canonical request could each see a different token.
  const strayToken = auth.presigned ? headers.has('x-amz-security-token') : params.some((p) => p.name === Q_TOKEN);
  if (strayToken) {
    refuse('IncompleteSignature', 'X-Amz-Security-Token must be sent where the signature is: header with the Authorization header, query with a presigned URL.', {
      check: 'sigv4.token.placement',
    });
  }
  return auth;
}

function checkScope(auth: AuthParams, amzDate: string, services: readonly string[]): void {
  const day = amzDate.slice(0, 8);
  if (auth.scopeDate !== day) {
    refuse(
      'SignatureDoesNotMatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${day}', from '${amzDate}'.`,
      { check: 'sigv4.scope.date', expected: day, actual: auth.scopeDate },
    );
  }
  if (auth.terminator !== TERMINATOR) {
    refuse('SignatureDoesNotMatch', `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${auth.terminator}'.`, {
      check: 'sigv4.scope.terminator',
      expected: TERMINATOR,
      actual: auth.terminator,
    });
  }
  if (!services.includes(auth.service)) {
    refuse('SignatureDoesNotMatch', `Credential should be scoped to correct service: '${services.join("' or '")}'. `, {
      check: 'sigv4.scope.service',
      expected: services,
      actual: auth.service,
    });
  }
}

function checkAllAmzHeadersSigned(headers: HeaderMap, signedHeaders: readonly string[]): void {
  const unsigned = [...headers.keys()].filter((n) => n.startsWith('x-amz-') && n !== 'x-amz-content-sha256' && !signedHeaders.includes(n));
  if (unsigned.length > 0) {
    refuse('IncompleteSignature', `There were headers present in the request which were not signed: ${unsigned.sort().join(', ')}`, {
      check: 'sigv4.unsigned-header',
      expected: 'every x-amz-* header in SignedHeaders',
      actual: unsigned,
    });
  }
}

function signaturesEqual(computedHex: string, provided: string): boolean {
  const a = Buffer.from(computedHex, 'latin1');
  const b = Buffer.from(provided, 'utf8');
  // Length is not secret (always 64); comparing only equal lengths keeps timingSafeEqual total.
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function verifySigV4<P>(req: SignedRequest, options: VerifyOptions<P>): Promise<VerifiedRequest<P>> {
  const now = options.now;
  const maxSkew = options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  const headers = collectHeaders(req.headers, req.rawHeaders);
  const params = parseQuery(req.query);

  const auth = selectAuth(headers, params);
  const amzDate = auth.amzDate!;
  const date = parseAmzDate(amzDate);
  if (!date) {
    refuse('IncompleteSignature', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`, {
      check: 'sigv4.date.format',
      expected: 'YYYYMMDDTHHMMSSZ',
      actual: amzDate,
    });
  }
  checkScope(auth, amzDate, options.services ?? DEFAULT_SERVICES);
  checkAllAmzHeadersSigned(headers, auth.signedHeaders);

  let urlExpiresAt: Date | undefined;
  if (auth.presigned && auth.expires !== undefined) {
    checkSkew(date, now, maxSkew, 'future-only');
    urlExpiresAt = new Date(date.getTime() + auth.expires * 1000);
    if (now.getTime() > urlExpiresAt.getTime()) {
      refuse('AccessDenied', PRESIGN_EXPIRED_MESSAGE, {
        check: 'sigv4.presign.expired',
        expected: `now <= ${formatAmzDate(urlExpiresAt)}`,
        actual: formatAmzDate(now),
      });
    }
  } else {
    checkSkew(date, now, maxSkew);
  }

  const bodyHash = options.payloadHash ?? sha256Hex(req.body);
  const declaredHash = options.payloadHash === undefined ? headerValue(headers, 'x-amz-content-sha256') : undefined;
  if (declaredHash !== undefined && declaredHash !== bodyHash) {
    refuse('SignatureDoesNotMatch', 'The provided x-amz-content-sha256 header does not match what was computed.', {
      check: 'sigv4.payload-hash',
      expected: bodyHash,
      actual: declaredHash,
    });
  }

  const credentials = await options.lookup(auth.accessKeyId, auth.sessionToken);
  if (!credentials) {
    refuse('InvalidClientTokenId', INVALID_TOKEN_MESSAGE, { check: 'sigv4.access-key', actual: auth.accessKeyId });
  }

  const canonicalRequest = buildCanonicalRequest({
    method: req.method,
    path: req.path,
    query: params,
    ...(auth.presigned ? { excludeQuery: Q_SIGNATURE } : {}),
    headers,
    signedHeaders: auth.signedHeaders,
    payloadHash: bodyHash,
    ...(options.s3Path ? { rawPath: true } : {}),
  });
  const stringToSign = buildStringToSign(amzDate, auth.scope, canonicalRequest);
  const cache = options.signingKeyCache ?? defaultSigningKeyCache;
  const signingKey = cache.get(credentials.secretAccessKey, auth.scopeDate, auth.region, auth.service);
  const expected = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  if (!signaturesEqual(expected, auth.signature)) {
    refuse('SignatureDoesNotMatch', SIGNATURE_MISMATCH_MESSAGE, {
      check: 'sigv4.signature',
      // Never the signature we computed: logged, it would be a forgery oracle for this request.
      expected: { canonicalRequest, stringToSign },
      actual: { signature: auth.signature },
    });
  }

  const credentialExpiresAt = credentials.expiresAt;
  if (credentialExpiresAt && now.getTime() >= credentialExpiresAt.getTime()) {
    if (auth.presigned) {
      // A presigned URL dies with the credentials that signed it (security.md V03).
      refuse('AccessDenied', PRESIGN_EXPIRED_MESSAGE, {
        check: 'sigv4.presign.credential-expired',
        expected: `now < ${formatAmzDate(credentialExpiresAt)}`,
        actual: formatAmzDate(now),
      });
    }
    refuse('ExpiredToken', EXPIRED_TOKEN_MESSAGE, {
      check: 'sigv4.credential-expired',
      expected: `now < ${credentialExpiresAt.toISOString()}`,
      actual: now.toISOString(),
    });
  }

  return {
    accessKeyId: auth.accessKeyId,
    region: auth.region,
    service: auth.service,
    date,
    signedHeaders: auth.signedHeaders,
    ...(auth.sessionToken === undefined ? {} : { sessionToken: auth.sessionToken }),
    principal: credentials.principal,
    presigned: auth.presigned,
    amzDate,
    scope: auth.scope,
    signature: auth.signature,
    signingKey,
  };
}
