/**
 * The token doctor for user-pool app clients: would this app client accept this ID or access
 * token of the pool, and if not, why? It runs the user pools' own verification — verifyIdToken
 * (what identity pools run for a Cognito user-pool login, with the app client as audience and the
 * server-side token check) for ID tokens, verifyAccessToken (what GetUser and the other
 * access-token APIs and userInfo run) with this pool's issuer and this client's client_id for
 * access tokens — and reports the step that refused. It changes nothing.
 */
import { Refusal } from '../../errors/index.js';
import { decodeJwt, failedTokenChecks, observedOf, refusalOf, type Decoded, type DoctorCheck, type TokenStep } from '../doctor/report.js';
import { clientNotFound, idpError } from './errors.js';
import type { UserPools } from './user-pools.js';

export interface UserPoolClientDoctorInput {
  userPoolId: string;
  clientId: string;
  token: string;
}

export interface UserPoolClientDoctorReport {
  accepted: boolean;
  target: { kind: 'user-pool-client'; userPoolId: string; clientId: string; clientName?: string };
  /** `id` or `access`, as the token says (unverified). */
  tokenUse?: string;
  decoded?: Decoded;
  checks: DoctorCheck[];
  /** The wire error the user-pool APIs would answer, when refused. */
  error?: { code: string; message: string };
  /** The user the token names, when accepted. */
  user?: { username: string; sub: string };
}

/** The steps of a user-pool token, in the order verification runs them, and the check ids each owns. */
export const USER_POOL_TOKEN_STEPS: TokenStep[] = [
  { id: 'token.format', label: 'Token format (a JWT of acceptable size, structure and algorithm)', checks: /^jwt\.(format|size|duplicate-member|crit|alg|claims)/ },
  { id: 'token.issuer', label: "Issuer (iss) is this user pool's issuer", checks: /^(jwt\.iss|idp\.access\.iss)/ },
  { id: 'token.key', label: "Signing key (kid) among the user pool's keys", checks: /^(jwt\.(kid|key)|jwks\.)/ },
  { id: 'token.signature', label: 'Signature', checks: /^(jwt\.signature|idp\.access\.verify)/ },
  { id: 'token.time', label: 'Expiry (exp, no clock skew), nbf, iat', checks: /^(jwt\.(exp|nbf|iat)|idp\.access\.exp)/ },
  { id: 'token.use', label: 'token_use is id or access, with the claims it requires', checks: /^(jwt\.token_use|idp\.access\.token_use)/ },
  { id: 'token.audience', label: 'Audience: aud (ID token) or client_id (access token) is this app client', checks: /^jwt\.(aud|client_id|azp)/ },
  { id: 'user.state', label: 'The user exists and is enabled; the token is not revoked nor signed out (GlobalSignOut)', checks: /^(idp\.access\.(user|revoked)|idp\.user|idp\.server-side-token-check)/ },
];

export async function explainUserPoolClientToken(userPools: Pick<UserPools, 'getPool' | 'getClient' | 'verifyIdToken' | 'verifyAccessToken' | 'internals'>, input: UserPoolClientDoctorInput): Promise<UserPoolClientDoctorReport> {
  const pool = await userPools.getPool(input.userPoolId);
  if (!pool) throw idpError('ResourceNotFoundException', `User pool ${input.userPoolId} does not exist.`, { check: 'idp.pool', actual: input.userPoolId });
  const client = await userPools.getClient(input.clientId);
  if (!client || client.userPoolId !== input.userPoolId) throw clientNotFound(input.clientId);
  const decoded = decodeJwt(input.token);
  const tokenUse = typeof decoded?.claims.token_use === 'string' ? decoded.claims.token_use : undefined;
  const report: UserPoolClientDoctorReport = {
    accepted: false,
    target: { kind: 'user-pool-client', userPoolId: input.userPoolId, clientId: input.clientId, ...(client.clientName ? { clientName: client.clientName } : {}) },
    ...(tokenUse !== undefined ? { tokenUse } : {}),
    ...(decoded ? { decoded } : {}),
    checks: [],
  };
  const observed: Record<string, unknown> = { ...observedOf(decoded, userPools.internals.clock()), 'token.use': tokenUse };
  let claims: Record<string, unknown>;
  try {
    if (tokenUse === 'access') {
      claims = (await userPools.verifyAccessToken(input.token, { userPoolId: input.userPoolId, clientId: input.clientId })).claims;
    } else {
      claims = await userPools.verifyIdToken(input.userPoolId, input.token, { clientId: input.clientId, serverSideTokenCheck: true });
    }
  } catch (err) {
    const refused = refusalOf(err);
    if (!refused) throw err;
    report.checks.push(...failedTokenChecks(refused, observed, USER_POOL_TOKEN_STEPS));
    report.error = { code: err instanceof Refusal ? 'NotAuthorizedException' : refused.code, message: refused.message };
    return report;
  }
  report.checks.push(...USER_POOL_TOKEN_STEPS.map((s): DoctorCheck => ({ id: s.id, label: s.label, status: 'pass', ...(observed[s.id] !== undefined ? { actual: observed[s.id] } : {}) })));
  report.accepted = true;
  const username = claims[tokenUse === 'access' ? 'username' : 'cognito:username'];
  report.user = { username: typeof username === 'string' ? username : '', sub: typeof claims.sub === 'string' ? claims.sub : '' };
  return report;
}
