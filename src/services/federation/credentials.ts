/**
 * The one path from a verified login to credentials, shared by every federation entry point:
 * Cognito Identity (GetCredentialsForIdentity: the enhanced flow), STS AssumeRoleWithWebIdentity
 * and STS AssumeRoleWithSAML. Three steps, each in one place:
 *   1. role choice (chooseRole): the role the caller named (STS RoleArn), or the identity pool's
 *      role resolution (pool roles, RoleMappings rules or token, CustomRoleArn; policy/role-mapping.ts);
 *   2. the trust-policy check (mintFederated): the role's trust policy is evaluated for
 *      sts:AssumeRoleWithWebIdentity (or the entry point's action), and sts:TagSession when the
 *      session carries tags, with principal Federated <provider> and the caller's condition keys
 *      plus aws:RequestTag/… and aws:TagKeys;
 *   3. minting (mintFederated): the vault seals the role session.
 * Each entry point keeps its own wire refusals (AccessDenied in STS, InvalidIdentityPoolConfiguration
 * in Cognito Identity), passed in as `refuse`.
 */
import type { Authorizer, TrustRequest } from '../../authz/index.js';
import { roleSessionClaims, type RoleSessionSpec } from '../../credentials/role-session.js';
import type { SessionClaims } from '../../credentials/principal.js';
import { ServiceError, type Reason } from '../../errors/index.js';
import type { EvaluationResult } from '../../policy/index.js';
import { resolveRole, type RoleResolutionInput } from '../../policy/role-mapping.js';
import type { RoleRecord } from '../iam/records.js';

export interface FederationDeps {
  accountId: string;
  iam: { getRoleByArn(arn: string): Promise<RoleRecord | undefined> };
  authorizer: Pick<Authorizer, 'cache'>;
  evaluateTrust(request: TrustRequest): EvaluationResult;
  vault: {
    mint(
      claims: Omit<SessionClaims, 'v' | 'accessKeyId' | 'secretAccessKey' | 'issuedAt' | 'expiresAt'>,
      durationSeconds: number,
    ): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date; claims: SessionClaims }>;
  };
}

export type RoleChoice = { roleArn: string } | { resolve: RoleResolutionInput };

/** Step 1: the role. `missing` is the caller's refusal for a role that does not exist. */
export async function chooseRole(deps: Pick<FederationDeps, 'iam'>, choice: RoleChoice, missing: (reason: Reason) => ServiceError): Promise<RoleRecord> {
  let roleArn: string;
  if ('roleArn' in choice) {
    roleArn = choice.roleArn;
  } else {
    const resolved = resolveRole(choice.resolve);
    if (!resolved.ok) throw new ServiceError(resolved.code, resolved.message, { reason: resolved.reason });
    roleArn = resolved.roleArn;
  }
  const role = await deps.iam.getRoleByArn(roleArn);
  if (!role) throw missing({ check: 'federation.role', expected: 'an existing IAM role', actual: roleArn });
  return role;
}

export interface FederatedSessionRequest {
  role: RoleRecord;
  /** The Federated principal the trust policy must name (a provider ARN, `cognito-identity.amazonaws.com`, `accounts.google.com` …). */
  principal: string;
  /** Default sts:AssumeRoleWithWebIdentity. */
  action?: string;
  /** Request context and the provider's condition keys (`<provider>:aud`, …); tag keys are added here. */
  context: Record<string, string | string[]>;
  tags: Record<string, string>;
  durationSeconds: number;
  session: Omit<RoleSessionSpec, 'accountId' | 'role' | 'tags'>;
  /**
   * Runs after the trust policy allowed the session and before it is minted; throwing refuses
   * it. AssumeRoleWithSAML claims its single-use assertion id here, so that a call refused by the
   * trust policy does not burn the assertion.
   */
  admit?: () => Promise<void>;
  refuse: {
    /** The trust policy cannot be parsed (default: it denies). */
    unparseable?: (err: unknown) => ServiceError;
    /** The trust policy does not allow `action`. */
    denied: (reason: Reason, action: string, decision: string) => ServiceError;
  };
}

/**
 * Step 2 alone: the role's trust policy evaluated for each action the session needs, in order,
 * stopping at the first that is not allowed (what mintFederated enforces, and what the token
 * doctor shows). Throws `refuse.unparseable` (or the parse error) for a trust policy that does not parse.
 */
export function federatedTrustChecks(
  deps: Pick<FederationDeps, 'authorizer' | 'evaluateTrust'>,
  req: Pick<FederatedSessionRequest, 'role' | 'principal' | 'action' | 'context' | 'tags'> & { refuse: Pick<FederatedSessionRequest['refuse'], 'unparseable'> },
): Array<{ action: string; result: EvaluationResult }> {
  const tagKeys = Object.keys(req.tags);
  const context: Record<string, string | string[]> = { ...req.context };
  for (const k of tagKeys) context[`aws:RequestTag/${k}`] = req.tags[k]!;
  if (tagKeys.length) context['aws:TagKeys'] = tagKeys;

  let trust;
  try {
    trust = deps.authorizer.cache.parse(req.role.assumeRolePolicyDocument, 'trust');
  } catch (err) {
    if (req.refuse.unparseable) throw req.refuse.unparseable(err);
    throw err;
  }
  const base = req.action ?? 'sts:AssumeRoleWithWebIdentity';
  const out: Array<{ action: string; result: EvaluationResult }> = [];
  for (const action of [base, ...(tagKeys.length ? ['sts:TagSession'] : [])]) {
    const result = deps.evaluateTrust({ trust, action, roleArn: req.role.arn, principal: { type: 'Federated', ids: [req.principal] }, context });
    out.push({ action, result });
    if (result.decision !== 'Allow') break;
  }
  return out;
}

/** Steps 2 and 3: the trust policy, then the minted session. */
export async function mintFederated(deps: FederationDeps, req: FederatedSessionRequest) {
  for (const { action, result } of federatedTrustChecks(deps, req)) {
    if (result.decision !== 'Allow') throw req.refuse.denied(result.reason, action, result.decision);
  }
  if (req.admit) await req.admit();
  return deps.vault.mint(roleSessionClaims({ ...req.session, accountId: deps.accountId, role: req.role, tags: req.tags }), req.durationSeconds);
}
