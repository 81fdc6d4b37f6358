/**
 * What the request log line of a refused AWS call carries for the token doctor (issue 27): the
 * refusal's check / expected / actual, and, for a call that carried a token, the target it named — identity pool or
 * identity, role ARN, SAML provider, the Logins keys (providers), user pool and app client, the
 * issuer of an access token — never a token, an assertion, a password or a secret: those input
 * members are not read, and any string in the reason that looks like a token is replaced.
 */
import { peekJwt } from '../tokens/peek.js';

const TARGET_MEMBERS = ['IdentityPoolId', 'IdentityId', 'RoleArn', 'PrincipalArn', 'ProviderId', 'CustomRoleArn', 'UserPoolId', 'ClientId', 'DeveloperProviderName'] as const;

/** The target of a call, from its decoded input (undefined when it names none). */
export function refusalTarget(input: unknown): Record<string, unknown> | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const i = input as Record<string, unknown>;
  const target: Record<string, unknown> = {};
  for (const k of TARGET_MEMBERS) if (typeof i[k] === 'string') target[k] = i[k];
  if (i.Logins && typeof i.Logins === 'object') target.Logins = Object.keys(i.Logins as object).slice(0, 10);
  // An access token's issuer names its user pool (GetUser …); the token itself is not logged.
  if (typeof i.AccessToken === 'string') {
    const iss = issuerOf(i.AccessToken);
    if (iss) target.issuer = iss;
  }
  return Object.keys(target).length ? target : undefined;
}

function issuerOf(token: string): string | undefined {
  if ((token.split('.')[1]?.length ?? 0) > 8192) return undefined;
  const iss = peekJwt(token)?.claims.iss;
  return typeof iss === 'string' && iss.length <= 512 ? iss : undefined;
}

const JWT_LIKE = /^[\w-]{10,}\.[\w-]{10,}\.[\w-]*$/;
/** Longest string a reason keeps as it is: longer ones are tokens or documents, not explanations. */
const MAX_TEXT = 512;

/** The reason with anything token-like redacted (strings that look like a JWT, very long strings), bounded in depth. */
export function logSafe(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return JWT_LIKE.test(value) || value.length > MAX_TEXT ? '[redacted]' : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 4) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => logSafe(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = logSafe(v, depth + 1);
  return out;
}

/** Input members that carry a token: a call with one of them is a token's refusal, whose target the log line names. */
const TOKEN_MEMBERS = ['Logins', 'WebIdentityToken', 'SAMLAssertion', 'AccessToken', 'IdToken'] as const;

/**
 * The refusal as the log line carries it: check, expected, actual, detail (made safe), and — when
 * the call carried a token (Logins, WebIdentityToken, SAMLAssertion, AccessToken) — its target.
 */
export function refusalLogReason(reason: unknown, input: unknown): unknown {
  const carriesToken = !!input && typeof input === 'object' && TOKEN_MEMBERS.some((k) => (input as Record<string, unknown>)[k] !== undefined);
  const target = carriesToken ? refusalTarget(input) : undefined;
  const safe = logSafe(reason);
  return target && safe && typeof safe === 'object' ? { ...(safe as object), target } : safe;
}
