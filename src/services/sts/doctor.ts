/**
 * The token doctor for STS roles: would AssumeRoleWithWebIdentity (a JWT, or a Facebook / Login
 * with Amazon access token with ProviderId) or AssumeRoleWithSAML (a base64 SAMLResponse) give a
 * session of this role, and if not, why? It runs the operations' own preparation
 * (prepareWebIdentity / prepareSaml: provider lookup, TLS trust, kid, signature, iss, aud, time,
 * the role, the session) and the trust-policy evaluation mintFederated enforces
 * (federatedTrustChecks), and reports each step. It mints nothing, and a SAML assertion is only
 * looked up in the single-use ledger, never claimed.
 */
import { federatedTrustChecks } from '../federation/credentials.js';
import {
  TOKEN_STEPS,
  decodeJwt,
  failedTokenChecks,
  isTokenCheck,
  observedOf,
  reasonFields,
  refusalOf,
  type Decoded,
  type DoctorCheck,
} from '../doctor/report.js';
import type { StsDeps } from './index.js';
import { prepareWebIdentity } from './operations/assume-role-with-web-identity.js';
import { prepareSaml } from './operations/assume-role-with-saml.js';

export interface RoleDoctorInput {
  roleArn: string;
  token: string;
  kind: 'web-identity' | 'saml';
  /** AssumeRoleWithWebIdentity's ProviderId (graph.facebook.com, www.amazon.com) for an OAuth 2.0 access token. */
  providerId?: string;
  /** AssumeRoleWithSAML's PrincipalArn; default: the provider paired with roleArn in the response's Role attribute. */
  principalArn?: string;
  /** AssumeRoleWithWebIdentity's RoleSessionName (trust policies may test sts:RoleSessionName); default tessera-doctor. */
  sessionName?: string;
  requestContext: Record<string, string | string[]>;
}

export interface RoleDoctorReport {
  accepted: boolean;
  target: { kind: 'role'; roleArn: string; mode: 'web-identity' | 'saml'; principalArn?: string; providerId?: string };
  /** The Federated principal the trust policy must name, once the provider is known. */
  provider?: string;
  decoded?: Decoded;
  checks: DoctorCheck[];
  /** The wire error the STS operation would answer, when refused. */
  error?: { code: string; message: string };
  /** The session the operation would mint, when accepted. */
  session?: { roleArn: string; durationSeconds: number; provider: string; subject: string };
}

interface Stage {
  id: string;
  label: string;
  checks: RegExp;
}

const ROLE_EXISTS: Stage = { id: 'role.exists', label: 'The role exists in IAM', checks: /^(sts\.role|federation\.role)$/ };
const ROLE_OFFERED: Stage = { id: 'role.offered', label: "The assertion's Role attribute offers the role, paired with this SAML provider", checks: /^saml\.role(\.provider)?$/ };
const SESSION: Stage = { id: 'session', label: 'Session: duration, session policy and tags', checks: /^(sts\.|jwt\.tags|saml\.role-session-name|policy\.)/ };
/** The session name the doctor asks with (AssumeRoleWithWebIdentity requires one; it names nothing checked). */
const DOCTOR_SESSION_NAME = 'tessera-doctor';

/** The SAML provider paired with `roleArn` in a response's Role attribute values (`role,provider` in either order), read unverified to fill PrincipalArn. */
export function samlProviderFor(samlResponse: string, roleArn: string): string | undefined {
  let xml: string;
  try {
    xml = Buffer.from(samlResponse, 'base64').toString('utf8');
  } catch {
    return undefined;
  }
  for (const m of xml.matchAll(/<(?:[\w-]+:)?AttributeValue\b[^>]*>([^<]*)<\/(?:[\w-]+:)?AttributeValue>/g)) {
    const parts = m[1]!.split(',').map((s) => s.trim());
    if (parts.length === 2 && parts.includes(roleArn)) {
      const provider = parts.find((p) => /^arn:[^:]+:iam::\d{12}:saml-provider\//.test(p));
      if (provider) return provider;
    }
  }
  return undefined;
}

export async function explainRole(deps: StsDeps, input: RoleDoctorInput): Promise<RoleDoctorReport> {
  const decoded = input.kind === 'web-identity' ? decodeJwt(input.token) : undefined;
  const observed = observedOf(decoded, deps.clock());
  if (!decoded) observed['token.format'] = input.kind === 'saml' ? 'a SAML response (base64)' : input.providerId ? `an OAuth 2.0 access token of ${input.providerId}` : 'not a JWT';
  const principalArn = input.kind === 'saml' ? (input.principalArn ?? samlProviderFor(input.token, input.roleArn)) : undefined;
  const report: RoleDoctorReport = {
    accepted: false,
    target: {
      kind: 'role',
      roleArn: input.roleArn,
      mode: input.kind,
      ...(principalArn !== undefined ? { principalArn } : {}),
      ...(input.providerId !== undefined ? { providerId: input.providerId } : {}),
    },
    ...(decoded ? { decoded } : {}),
    checks: [],
  };
  const stages = input.kind === 'saml' ? [ROLE_EXISTS, ROLE_OFFERED, SESSION] : [ROLE_EXISTS, SESSION];
  const action = input.kind === 'saml' ? 'sts:AssumeRoleWithSAML' : 'sts:AssumeRoleWithWebIdentity';
  const notReached = (from: number) => stages.slice(from).map((s): DoctorCheck => ({ id: s.id, label: s.label, status: 'not-reached' }));
  const trustLabel = `Trust policy of the role allows ${action}`;

  if (input.kind === 'saml' && principalArn === undefined) {
    report.checks.push({
      id: 'token.issuer',
      label: TOKEN_STEPS[1]!.label,
      status: 'fail',
      check: 'doctor.principal-arn',
      expected: `a Role attribute value "${input.roleArn},<SAML provider ARN>"`,
      detail: 'the SAML provider cannot be told from the response: name it (PrincipalArn / --principal-arn)',
    });
    report.error = { code: 'AccessDenied', message: `Not authorized to perform ${action}` };
    return report;
  }

  // ---- 1. the operation's own preparation: token, provider, role, session --------------------------
  let prepared;
  try {
    prepared =
      input.kind === 'saml'
        ? await prepareSaml(deps, { RoleArn: input.roleArn, PrincipalArn: principalArn!, SAMLAssertion: input.token })
        : await prepareWebIdentity(
            deps,
            { RoleArn: input.roleArn, RoleSessionName: input.sessionName ?? DOCTOR_SESSION_NAME, WebIdentityToken: input.token, ...(input.providerId !== undefined ? { ProviderId: input.providerId } : {}) },
            input.requestContext,
          );
  } catch (err) {
    const refused = refusalOf(err);
    if (!refused) throw err;
    report.error = { code: refused.code, message: refused.message };
    if (isTokenCheck(refused.reason.check) || !stages.some((s) => s.checks.test(refused.reason.check))) {
      report.checks.push(...failedTokenChecks(refused, observed), ...notReached(0), { id: `trust.${action}`, label: trustLabel, status: 'not-reached' });
      return report;
    }
    report.checks.push(...passedTokenChecks(observed, input.kind, undefined));
    const at = stages.findIndex((s) => s.checks.test(refused.reason.check));
    stages.slice(0, at).forEach((s) => report.checks.push({ id: s.id, label: s.label, status: 'pass' }));
    report.checks.push({ id: stages[at]!.id, label: stages[at]!.label, status: 'fail', check: refused.reason.check, ...reasonFields(refused.reason), detail: refused.reason.detail ?? refused.message });
    report.checks.push(...notReached(at + 1), { id: `trust.${action}`, label: trustLabel, status: 'not-reached' });
    return report;
  }

  const principal = 'arn' in prepared.provider ? prepared.provider.arn : prepared.provider.principal;
  const subject = 'saml' in prepared ? prepared.saml.subject : prepared.verified.subject;
  report.provider = principal;
  report.checks.push(...passedTokenChecks(observed, input.kind, 'saml' in prepared ? undefined : prepared.provider.key));
  report.checks.push({ id: ROLE_EXISTS.id, label: ROLE_EXISTS.label, status: 'pass', actual: prepared.role.arn });
  if (input.kind === 'saml') report.checks.push({ id: ROLE_OFFERED.id, label: ROLE_OFFERED.label, status: 'pass', actual: `${input.roleArn},${principalArn}` });
  report.checks.push({ id: SESSION.id, label: SESSION.label, status: 'pass', actual: { durationSeconds: prepared.duration } });

  // ---- 2. the trust policy, as mintFederated evaluates it ---------------------------------------------
  let trust;
  try {
    trust = federatedTrustChecks(prepared.federation, {
      role: prepared.role,
      principal,
      action,
      context: prepared.context,
      tags: 'tags' in prepared ? prepared.tags : {},
      refuse: {},
    });
  } catch (err) {
    report.checks.push({ id: 'trust.parse', label: 'The role trust policy parses', status: 'fail', check: 'policy.document', detail: (err as Error).message });
    report.error = { code: 'AccessDenied', message: `Not authorized to perform ${action}` };
    return report;
  }
  for (const { action: a, result } of trust) {
    const allowed = result.decision === 'Allow';
    report.checks.push({
      id: `trust.${a}`,
      label: `Trust policy of ${prepared.role.roleName} allows ${a} for Federated ${principal}`,
      status: allowed ? 'pass' : 'fail',
      check: result.reason.check,
      ...reasonFields(result.reason),
      ...(result.matched.length ? { actual: result.matched.map((m) => ({ statement: m.sid ?? `#${m.index}`, effect: m.effect })) } : {}),
    });
    if (!allowed) {
      report.error = { code: 'AccessDenied', message: `Not authorized to perform ${action}` };
      return report;
    }
  }

  // ---- 3. single use of a SAML assertion (looked up, never claimed) -------------------------------------
  if ('saml' in prepared) {
    const used = deps.samlAssertions.used ? await deps.samlAssertions.used(prepared.saml.issuer, prepared.saml.assertionId, prepared.saml.expiresAt) : false;
    report.checks.push({
      id: 'token.replay',
      label: 'The assertion has not been used before (single use)',
      status: used ? 'fail' : 'pass',
      ...(used ? { check: 'saml.replay', expected: 'an assertion ID not used before' } : {}),
      actual: prepared.saml.assertionId,
    });
    if (used) {
      report.error = { code: 'InvalidIdentityToken', message: 'The SAML assertion has already been used.' };
      return report;
    }
  }
  report.accepted = true;
  report.session = { roleArn: prepared.role.arn, durationSeconds: prepared.duration, provider: principal, subject };
  return report;
}

function passedTokenChecks(observed: Record<string, unknown>, kind: 'web-identity' | 'saml', providerKey: string | undefined): DoctorCheck[] {
  const networked = kind === 'web-identity' && providerKey !== 'cognito-identity.amazonaws.com';
  return TOKEN_STEPS.map((step): DoctorCheck => {
    if (step.id === 'token.tls') {
      return {
        id: step.id,
        label: step.label,
        status: networked ? 'pass' : 'info',
        detail: networked ? 'the provider was reached over trusted TLS (system CAs or the IAM OIDC provider thumbprints)' : kind === 'saml' ? 'verified with the certificates of the IAM SAML provider metadata: no network call' : "verified with Tessera's own keys: no network call",
      };
    }
    return { id: step.id, label: step.label, status: 'pass', ...(observed[step.id] !== undefined ? { actual: observed[step.id] } : {}) };
  });
}
