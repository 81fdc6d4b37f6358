/**
 * The token doctor for identity pools: would this token, as a `Logins` entry of this pool, get
 * credentials by the enhanced flow, and if not, why? It runs the very code GetCredentialsForIdentity
 * runs — verifyLogins (the one login verifier: format, issuer, audience, key, signature, time,
 * TLS trust of the provider), role resolution (pool roles, RoleMappings rules or token), the IAM
 * role lookup, and the trust-policy evaluation (federatedTrustChecks, which mintFederated
 * enforces) — and reports each step instead of stopping at the first refusal's wire message. It
 * mints nothing and creates no identity.
 */
import { looksLikeSaml, TOKEN_STEPS, decodeJwt, failedTokenChecks, observedOf, reasonFields, refusalOf, type DoctorCheck } from '../doctor/report.js';
import { evaluateTrust } from '../../authz/index.js';
import { resolveRole } from '../../policy/role-mapping.js';
import { federatedTrustChecks } from '../federation/credentials.js';
import type { CognitoIdentityContext } from './deps.js';
import { federationRequest, refuseTrustParse } from './credentials.js';
import { verifyLogins, COGNITO_IDENTITY_PROVIDER } from './logins.js';
import { getPool } from './pools.js';
import type { PoolRecord } from './store.js';

export type { CheckStatus, DoctorCheck } from '../doctor/report.js';

export interface DoctorReport {
  accepted: boolean;
  identityPoolId: string;
  /** The Logins key the token was tried under (given, or inferred from the token). */
  loginsKey?: string;
  providerKind?: string;
  /** The token's header and claims as decoded, signature not shown (JWTs only). */
  decoded?: { header: Record<string, unknown>; claims: Record<string, unknown> };
  checks: DoctorCheck[];
  /** The wire error GetCredentialsForIdentity would answer, when refused. */
  error?: { code: string; message: string };
  role?: { arn: string; source: string };
}

/** The Logins key a token belongs under in this pool, from its `iss` (JWTs) or the pool's only opaque-token provider. */
export function inferLoginsKey(pool: PoolRecord, decoded: DoctorReport['decoded'], publicUrl: string, token = ''): string | undefined {
  const iss = typeof decoded?.claims.iss === 'string' ? decoded.claims.iss : undefined;
  if (iss !== undefined) {
    if (iss === publicUrl) return COGNITO_IDENTITY_PROVIDER;
    if (iss.startsWith(`${publicUrl}/`)) {
      const userPoolId = iss.slice(publicUrl.length + 1);
      return pool.cognitoIdentityProviders?.find((p) => p.ProviderName.endsWith(`/${userPoolId}`))?.ProviderName ?? `cognito-idp.${userPoolId.split('_')[0]}.amazonaws.com/${userPoolId}`;
    }
    if (iss === 'accounts.google.com' || iss === 'https://accounts.google.com') return 'accounts.google.com';
    if (iss === 'https://appleid.apple.com') return 'appleid.apple.com';
    return iss.replace(/^https:\/\//, '');
  }
  if (looksLikeSaml(token) && pool.samlProviderArns.length === 1) return pool.samlProviderArns[0];
  const opaque = Object.keys(pool.supportedLoginProviders ?? {}).filter((k) => ['graph.facebook.com', 'www.amazon.com', 'api.twitter.com'].includes(k));
  return opaque.length === 1 ? opaque[0] : undefined;
}

export async function explainPoolLogin(
  c: CognitoIdentityContext,
  input: { identityPoolId: string; token: string; loginsKey?: string; customRoleArn?: string; requestContext: Record<string, string | string[]> },
): Promise<DoctorReport> {
  const pool = await getPool(c.store, input.identityPoolId);
  const decoded = decodeJwt(input.token);
  const loginsKey = input.loginsKey ?? inferLoginsKey(pool, decoded, c.publicUrl, input.token);
  const report: DoctorReport = { accepted: false, identityPoolId: pool.poolId, ...(loginsKey ? { loginsKey } : {}), ...(decoded ? { decoded } : {}), checks: [] };
  const claim = (name: string) => decoded?.claims[name];
  const observed: Record<string, unknown> = { ...observedOf(decoded, c.clock()), 'token.format': decoded ? observedOf(decoded, c.clock())['token.format'] : 'not a JWT (an opaque provider access token or a SAML response)' };

  if (!loginsKey) {
    report.checks.push({
      id: 'token.issuer',
      label: TOKEN_STEPS[1]!.label,
      status: 'fail',
      check: 'doctor.logins-key',
      actual: claim('iss'),
      detail: 'the Logins key cannot be told from this token: name it (loginsKey / --login-key), e.g. graph.facebook.com',
    });
    report.error = { code: 'NotAuthorizedException', message: 'Token is not from a supported provider of this identity pool.' };
    return report;
  }

  // ---- 1. the token, through the same verifier as GetId / GetCredentialsForIdentity ----------------
  let verified;
  try {
    verified = await verifyLogins(c, pool, { [loginsKey]: input.token });
  } catch (err) {
    const refused = refusalOf(err);
    if (!refused) throw err;
    report.checks.push(...failedTokenChecks(refused, observed));
    report.error = { code: refused.code, message: refused.message };
    return report;
  }
  const login = verified[0]!;
  report.providerKind = login.providerKind;
  const networked = ['oidc', 'google', 'apple', 'facebook', 'amazon', 'twitter'].includes(login.providerKind);
  for (const step of TOKEN_STEPS) {
    if (step.id === 'token.tls') {
      report.checks.push({ id: step.id, label: step.label, status: networked ? 'pass' : 'info', detail: networked ? 'the provider was reached over trusted TLS' : 'verified with keys Tessera holds itself: no network call' });
      continue;
    }
    if (!decoded && step.id !== 'token.format') {
      report.checks.push({ id: step.id, label: step.label, status: 'pass', detail: login.providerKind === 'saml' ? 'the SAML response verified against the IAM SAML provider metadata' : `the provider (${login.providerKind}) accepted the access token` });
      continue;
    }
    report.checks.push({ id: step.id, label: step.label, status: 'pass', ...(observed[step.id] !== undefined ? { actual: observed[step.id] } : {}) });
  }

  // ---- 2. the role: resolution, then the IAM role -------------------------------------------------
  const identityId = `${pool.poolId.split(':')[0]}:<identity id GetId assigns>`;
  const req = federationRequest(c, { pool, identityId, verified, ...(input.customRoleArn !== undefined ? { customRoleArn: input.customRoleArn } : {}), requestContext: input.requestContext });
  const resolution = resolveRole(req.resolve);
  if (!resolution.ok) {
    report.checks.push({ id: 'role.mapping', label: 'Role resolution (pool roles, role-mapping rules or token)', status: 'fail', check: resolution.reason.check, ...reasonFields(resolution.reason) });
    report.error = { code: resolution.code, message: resolution.message };
    return report;
  }
  report.checks.push({ id: 'role.mapping', label: 'Role resolution (pool roles, role-mapping rules or token)', status: 'pass', check: resolution.reason.check, actual: resolution.roleArn, detail: `${resolution.source}: ${resolution.reason.detail ?? resolution.reason.check}` });
  const role = await c.iam.getRoleByArn(resolution.roleArn);
  if (!role) {
    report.checks.push({ id: 'role.exists', label: 'The role exists in IAM', status: 'fail', check: 'ci.role.exists', actual: resolution.roleArn });
    report.error = { code: 'InvalidIdentityPoolConfigurationException', message: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.' };
    return report;
  }
  report.checks.push({ id: 'role.exists', label: 'The role exists in IAM', status: 'pass', actual: role.arn });
  report.role = { arn: role.arn, source: resolution.source };

  // ---- 3. the trust policy, as mintFederated evaluates it ---------------------------------------------
  let trust;
  try {
    trust = federatedTrustChecks({ authorizer: c.authorizer, evaluateTrust }, { role, principal: req.principal, context: req.context, tags: req.tags, refuse: { unparseable: refuseTrustParse } });
  } catch (err) {
    const refused = refusalOf(err);
    if (!refused) throw err;
    report.checks.push({ id: 'trust.parse', label: 'The role trust policy parses', status: 'fail', check: refused.reason.check, ...reasonFields(refused.reason) });
    report.error = { code: refused.code, message: refused.message };
    return report;
  }
  for (const { action, result } of trust) {
    const allowed = result.decision === 'Allow';
    report.checks.push({
      id: `trust.${action}`,
      label: `Trust policy of ${role.roleName} allows ${action} for Federated ${req.principal}`,
      status: allowed ? 'pass' : 'fail',
      check: result.reason.check,
      ...reasonFields(result.reason),
      ...(result.matched.length ? { actual: result.matched.map((m) => ({ statement: m.sid ?? `#${m.index}`, effect: m.effect })) } : {}),
    });
    if (!allowed) {
      report.error = { code: 'InvalidIdentityPoolConfigurationException', message: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.' };
      return report;
    }
  }
  // ---- 4. single use of a SAML assertion: bound to the first identity it proves (looked up, never claimed) ----
  const single = verified.find((v) => v.singleUse)?.singleUse;
  if (single && c.samlAssertions?.used) {
    const used = await c.samlAssertions.used(single.issuer, single.assertionId, single.expiresAt);
    report.checks.push({
      id: 'token.replay',
      label: 'The SAML assertion is not bound to another identity (single use)',
      status: 'info',
      actual: single.assertionId,
      detail: used
        ? 'already used: GetId and GetCredentialsForIdentity accept it again only for the identity it first proved'
        : 'not used yet: the first GetId binds it to the identity it proves',
    });
  }
  report.accepted = true;
  return report;
}
