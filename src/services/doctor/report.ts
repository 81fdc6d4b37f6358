/**
 * What every target of the token doctor reports (identity pools, STS roles, user-pool clients):
 * the report shape, the token steps a refusal's check id belongs to, and the helpers that turn a
 * refusal thrown by the API's own verification code into the step that failed. The doctors run
 * the APIs' code and only classify what it throws; no check is written twice.
 */
import { peekJwt, type PeekedJwt } from '../../tokens/peek.js';
import { Refusal, ServiceError, type Reason } from '../../errors/index.js';

export type CheckStatus = 'pass' | 'fail' | 'not-reached' | 'info';

export interface DoctorCheck {
  /** Stable id: token.format, token.issuer, token.audience, token.key, token.signature, token.time, token.tls, token.use, user.state, role.mapping, role.exists, role.offered, session, trust.<action>. */
  id: string;
  label: string;
  status: CheckStatus;
  /** The refusal's own check id (e.g. `jwt.iss`) when this step failed, or what decided. */
  check?: string;
  expected?: unknown;
  actual?: unknown;
  detail?: string;
}

export interface TokenStep {
  id: string;
  label: string;
  checks: RegExp;
}

/** The steps of verifying a token, and the refusal check ids (src/tokens, services) each one owns. */
export const TOKEN_STEPS: TokenStep[] = [
  {
    id: 'token.format',
    label: 'Token format (a JWT of acceptable size, structure and algorithm, or a well-formed SAML response)',
    checks:
      /^(jwt\.(format|size|duplicate-member|crit|alg|sub|claims)|login\.token|logins\.|sts\.provider-id|saml\.(base64|xml|doctype|encoding|size|response|status|assertion|id\.|attribute|subject|in-response-to|session-duration)|idp\.access\.token_use|jwt\.token_use)/,
  },
  {
    id: 'token.issuer',
    label: 'Issuer (iss) against the providers the target trusts',
    checks: /^(jwt\.iss|provider\.issuer|login\.(provider|user-pool|social|developer-provider|saml)|ci\.logins|ci\.pool|saml\.(provider|issuer)|idp\.access\.iss|doctor\.)/,
  },
  { id: 'token.audience', label: 'Audience (aud / azp / client_id, SAML audience and recipient) against the registered client ids', checks: /^(jwt\.(aud|azp|client_id)|provider\.audience|twitter\.consumer|saml\.(audience|recipient|destination))/ },
  { id: 'token.key', label: 'Signing key (kid) against the provider JWKS or metadata', checks: /^(jwt\.(kid|key)|jwks\.)/ },
  { id: 'token.signature', label: 'Signature (for a provider access token: the provider vouching for it)', checks: /^(jwt\.signature|saml\.signature|(twitter|facebook|amazon)\.(?!exp))/ },
  { id: 'token.time', label: 'Expiry and clock skew (exp, nbf, iat; SAML NotBefore / NotOnOrAfter)', checks: /^(jwt\.(exp|nbf|iat|amr)|saml\.time|saml\.session-not-on-or-after|idp\.access\.exp|amazon\.exp)/ },
  { id: 'token.tls', label: 'TLS trust of the provider endpoint (system CAs or registered thumbprints)', checks: /^fetch\./ },
];

export function stepOf(check: string, steps: TokenStep[] = TOKEN_STEPS): number {
  return steps.findIndex((s) => s.checks.test(check));
}

export type Decoded = PeekedJwt;

/** A JWT's header and claims, unverified (shown, never trusted); undefined when not a JWT. */
export const decodeJwt = peekJwt;

/** What a JWT shows for each token step (shown next to the step, never used to decide). */
export function observedOf(decoded: Decoded | undefined, now: Date): Record<string, unknown> {
  const claim = (name: string) => decoded?.claims[name];
  return {
    'token.format': decoded ? { alg: decoded.header.alg, typ: decoded.header.typ, ...(claim('token_use') !== undefined ? { token_use: claim('token_use') } : {}) } : undefined,
    'token.issuer': claim('iss'),
    'token.audience': decoded ? { aud: claim('aud'), azp: claim('azp'), ...(claim('client_id') !== undefined ? { client_id: claim('client_id') } : {}) } : undefined,
    'token.key': decoded?.header.kid,
    'token.time': decoded ? { exp: claim('exp'), nbf: claim('nbf'), iat: claim('iat'), now: Math.floor(now.getTime() / 1000) } : undefined,
  };
}

export function refusalOf(err: unknown): { reason: Reason; code: string; message: string } | undefined {
  if (err instanceof ServiceError) return { reason: err.reason ?? { check: 'unknown' }, code: err.code, message: err.message };
  if (err instanceof Refusal) return { reason: err.reason, code: err.kind, message: err.message };
  return undefined;
}

export function reasonFields(reason: Reason): Pick<DoctorCheck, 'expected' | 'actual' | 'detail'> {
  return {
    ...(reason.expected !== undefined ? { expected: reason.expected } : {}),
    ...(reason.actual !== undefined ? { actual: reason.actual } : {}),
    ...(reason.detail !== undefined ? { detail: reason.detail } : {}),
  };
}

/** The token steps when verification refused at `failed` (every other step: not reached, as verification stops there). */
export function failedTokenChecks(refused: { reason: Reason; message: string }, observed: Record<string, unknown>, steps: TokenStep[] = TOKEN_STEPS): DoctorCheck[] {
  const failed = stepOf(refused.reason.check, steps);
  return steps.map((step, i) =>
    i === failed || (failed < 0 && i === 0)
      ? {
          id: step.id,
          label: step.label,
          status: 'fail' as const,
          check: refused.reason.check,
          ...(refused.reason.expected !== undefined ? { expected: refused.reason.expected } : {}),
          actual: refused.reason.actual ?? observed[step.id],
          detail: refused.reason.detail ?? refused.message,
        }
      : { id: step.id, label: step.label, status: 'not-reached' as const, ...(observed[step.id] !== undefined ? { actual: observed[step.id] } : {}), detail: 'verification stops at the first failed check' },
  );
}

/** Whether a refusal's check is one of the token steps (else it belongs to a later stage: role, session, trust). */
export function isTokenCheck(check: string, steps: TokenStep[] = TOKEN_STEPS): boolean {
  return stepOf(check, steps) >= 0;
}

/** Whether a token is a base64 SAML response (it decodes to XML), as opposed to a JWT or a provider access token. */
export function looksLikeSaml(token: string): boolean {
  if (token.includes('.') || token.length < 40) return false;
  try {
    return /^\s*<(\?xml|[\w-]+:Response|Response)\b/.test(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    return false;
  }
}
