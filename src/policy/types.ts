/**
 * Shapes of the policy engine: a policy compiled once by `parsePolicy` (wildcards and
 * templates pre-built, no JSON at evaluation), the evaluation request and its result.
 */
import type { Reason } from '../errors/index.js';
import type { ContextMap } from './context.js';
import type { Atoms } from './glob.js';
import type { Template } from './variables.js';

export type { ContextMap } from './context.js';

/**
 * - `identity`: role inline / managed policy (no Principal).
 * - `session`: inline or managed session policy passed to STS (no Principal).
 * - `trust`: a role's AssumeRolePolicyDocument (Principal required, no Resource).
 * - `resource`: any other resource-based policy (Principal and Resource required).
 */
export type PolicyKind = 'identity' | 'trust' | 'session' | 'resource';
export type PolicyVersion = '2008-10-17' | '2012-10-17';
export type Effect = 'Allow' | 'Deny';

/** Thrown by parsePolicy; `message` is the text AWS puts in MalformedPolicyDocument. */
export class PolicyDocumentError extends Error {
  readonly reason: Reason;
  constructor(message: string, detail?: string) {
    super(message);
    this.name = 'PolicyDocumentError';
    this.reason = { check: 'policy.document', detail: detail ?? message };
  }
}

export type PrincipalType = 'AWS' | 'Federated' | 'Service' | 'CanonicalUser';

/** One principal named by a policy. `"Principal": "*"` is `{ type: '*', value: '*' }`. */
export interface PrincipalEntry {
  readonly type: PrincipalType | '*';
  /** As written, except that a bare 12-digit account id becomes `arn:aws:iam::<id>:root`. */
  readonly value: string;
}

export type SetOperator = 'ForAnyValue' | 'ForAllValues';

export interface Condition {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** Canonical base operator name without qualifiers, e.g. `StringLike`. */
  readonly base: string;
  readonly set?: SetOperator;
  readonly ifExists: boolean;
  /** The condition key as written (lookup is case-insensitive). */
  readonly key: string;
  readonly values: readonly Template[];
}

export interface Statement {
  /** Position in the Statement list, for explanations when there is no Sid. */
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
  readonly action: { readonly negated: boolean; readonly patterns: readonly Atoms[]; readonly source: readonly string[] };
  /** Absent in trust policies (the role itself is the resource). */
  readonly resource?: { readonly negated: boolean; readonly patterns: readonly Template[] };
  /** Only in trust and resource policies. */
  readonly principal?: { readonly negated: boolean; readonly entries: readonly PrincipalEntry[] };
  readonly conditions: readonly Condition[];
}

export interface Policy {
  readonly kind: PolicyKind;
  readonly version?: PolicyVersion;
  readonly id?: string;
  /** A caller-chosen label (policy name or ARN) used in explanations. */
  readonly name?: string;
  readonly statements: readonly Statement[];
}

/** The caller as resource and trust policies see it. */
export interface PrincipalRef {
  type: PrincipalType;
  /**
   * Every identifier the caller is known by, e.g. the role session ARN, the role ARN and the
   * account root ARN; or the OIDC/SAML provider ARN or built-in provider name for Federated.
   */
  ids?: readonly string[];
  /** Alternative to `ids` for a single identifier. */
  id?: string | readonly string[];
}

export interface EvaluationRequest {
  /** `service:Action`; matched case-insensitively. */
  action: string;
  /** ARN or `*`; matched case-sensitively. */
  resource: string;
  principal?: PrincipalRef;
  context: ContextMap;
  identityPolicies: readonly Policy[];
  /** When given, effective permissions are identity ∩ session: session policies limit, never grant. */
  sessionPolicies?: readonly Policy[];
  permissionsBoundary?: Policy;
  /** A resource-based policy, e.g. the role's trust policy for sts:AssumeRole*. */
  resourcePolicy?: Policy;
  /** Whether the caller and the resource are in the same account. Default true. */
  sameAccount?: boolean;
  /**
   * Trust-policy-only evaluation (STS checking a role's trust policy for a federated caller, or
   * Cognito Identity for its own principal): the resource policy alone decides for a principal
   * it names directly or by wildcard. Without this flag a resource policy never grants alone
   * where the IAM evaluation logic needs an identity policy too (a principal named only by its
   * account, or of another account).
   */
  trustOnly?: boolean;
  /**
   * The resource policy must allow as well, whatever the identity policies say: a role's trust
   * policy for sts:AssumeRole (IAM user guide, "Cross-account policy evaluation logic" and
   * "Determining whether a request is allowed or denied within an account": the role trust
   * policy is the resource policy, and an identity Allow alone never lets a caller take a role).
   */
  resourceRequired?: boolean;
}

export type PolicySource = 'identity' | 'session' | 'boundary' | 'resource';

export interface MatchedStatement {
  source: PolicySource;
  /** Which policy of that source (its name when the caller gave one). */
  policy?: string;
  sid?: string;
  index: number;
  effect: Effect;
}

export interface EvaluationResult {
  decision: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';
  reason: Reason;
  /** Every statement that applied to the request. */
  matched: MatchedStatement[];
}
