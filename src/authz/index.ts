/**
 * Authorisation of a principal's request against IAM policies, callable outside the AWS
 * handlers (the SigV4 gateway will reuse it). Root is always allowed (as the AWS account root
 * user is for identity-based checks) unless a resource policy denies it; a role session is
 * allowed only if the role's inline and attached policies allow the action, the session policies
 * (if any) allow it too, and nothing denies it explicitly (IAM user guide, "Policy evaluation
 * logic"). An IAM user is authorised by its inline and attached policies and those of its
 * groups, with aws:username, aws:userid and its tags (aws:PrincipalTag/…) in the context; a user
 * session from GetSessionToken carries the same permissions, except that it cannot call IAM, nor
 * STS other than AssumeRole and GetCallerIdentity (STS API reference, GetSessionToken).
 *
 * A request may also carry a resource policy (STS passes the role's trust policy for
 * sts:AssumeRole): it is evaluated together with the caller's identity and session policies, so
 * an explicit Deny in any of them wins and session policies limit a grant to the role ARN.
 * Every policy is named (inline policy name, managed policy ARN, `group <name>: …`, the role ARN
 * for a trust policy), so the decision's reason names the policy and statement that decided.
 */
import type { Principal } from '../credentials/principal.js';
import type { EvaluationResult, Policy } from '../policy/index.js';
import { evaluate, parsePolicy } from '../policy/index.js';

export type ContextMap = Record<string, string | string[] | undefined>;

export interface PolicySource {
  /** Inline + attached managed policy documents of a role, as text. */
  getRolePolicyDocuments(roleName: string): Promise<Array<{ name: string; document: string }>>;
  /**
   * A user's tags and its policy documents as text: inline, attached, then its groups' inline
   * and attached (named `group <GroupName>: <policy>`); undefined when the user with this
   * AIDA id no longer exists.
   */
  getUserAuthorization(userName: string, userId: string): Promise<{ tags: Array<{ Key: string; Value: string }>; documents: Array<{ name: string; document: string }> } | undefined>;
  /** A managed policy's default version document, as text; undefined when absent. */
  getManagedPolicyDocument(arn: string): Promise<string | undefined>;
}

/** Default bounds of PolicyCache: documents, and the sum of their lengths in characters. */
export const POLICY_CACHE_MAX_DOCUMENTS = 2000;
export const POLICY_CACHE_MAX_CHARS = 1024 * 1024;

/**
 * Bounded cache of parsed policy documents keyed by their text: no per-request re-parsing.
 *
 * Bounded by count and by characters. A parsed document takes about 31–33 bytes of heap per
 * character of its text at worst (a 2,048-character session policy of short wildcard actions and
 * resources: 66 KiB; bench/results/2026-12-07-analysis.md §8), and an AssumeRoleWithWebIdentity
 * caller with any valid token chooses its session policy freely: with the count alone, 2,000 such
 * policies would have taken 129 MiB per process. 1 Mi characters keep the worst case near 32 MiB, and still
 * hold 2,000 documents of 500 characters.
 */
export class PolicyCache {
  private readonly entries = new Map<string, Policy>();
  private heldChars = 0;
  constructor(
    private readonly max = POLICY_CACHE_MAX_DOCUMENTS,
    private readonly maxChars = POLICY_CACHE_MAX_CHARS,
  ) {}

  /** Documents and characters held (tests and diagnostics). */
  get stats(): { documents: number; chars: number } {
    return { documents: this.entries.size, chars: this.heldChars };
  }

  parse(text: string, kind: 'identity' | 'session' | 'trust'): Policy {
    const key = `${kind}\u0000${text}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const policy = parsePolicy(text, { kind });
    if (key.length > this.maxChars) return policy;
    this.entries.set(key, policy);
    this.heldChars += key.length;
    while (this.entries.size > this.max || this.heldChars > this.maxChars) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.heldChars -= oldest.length;
    }
    return policy;
  }
}

/** Condition keys that describe the principal (aws:PrincipalArn, aws:PrincipalTag/…, web-identity claims). */
export function principalContext(principal: Principal): ContextMap {
  const ctx: ContextMap = {
    'aws:PrincipalArn': principal.kind === 'assumed-role' ? principal.session.roleArn : principal.arn,
    'aws:PrincipalAccount': principal.accountId,
    'aws:userid': principal.userId,
    'aws:PrincipalType': principal.kind === 'root' ? 'Account' : principal.kind === 'user' ? 'User' : 'AssumedRole',
  };
  if (principal.kind === 'user') {
    // IAM user guide, "Policy variables": aws:username is set for IAM users only.
    ctx['aws:username'] = principal.userName;
    if (principal.session) ctx['aws:TokenIssueTime'] = new Date(principal.session.issuedAt * 1000).toISOString();
  }
  if (principal.kind === 'assumed-role') {
    const s = principal.session;
    ctx['aws:TokenIssueTime'] = new Date(s.issuedAt * 1000).toISOString();
    for (const [k, v] of Object.entries(s.tags ?? {})) ctx[`aws:PrincipalTag/${k}`] = v;
    if (s.sourceIdentity) ctx['aws:SourceIdentity'] = s.sourceIdentity;
    if (s.federated) {
      ctx['aws:FederatedProvider'] = s.federated.provider;
      for (const [claim, v] of Object.entries(s.federated.claims)) ctx[`${s.federated.provider}:${claim}`] = v;
    }
  }
  return ctx;
}

export interface AuthorizeRequest {
  principal: Principal;
  action: string;
  resource: string;
  context: ContextMap;
  /** A resource-based policy of the resource (a role's trust policy), evaluated with the rest. */
  resourcePolicy?: Policy;
  /** The resource policy must allow too (a trust policy for sts:AssumeRole). */
  resourceRequired?: boolean;
}

/** Every ARN a resource or trust policy may name the caller by, the account root included. */
export function principalIds(principal: Principal): string[] {
  const root = `arn:aws:iam::${principal.accountId}:root`;
  if (principal.kind === 'root') return [root];
  if (principal.kind === 'user') return [principal.arn, root];
  return [principal.arn, principal.session.roleArn, root];
}

/** The account root's identity permissions: everything (what an account-delegating resource policy defers to). */
const ROOT_IDENTITY: Policy = {
  ...parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'AccountRoot', Effect: 'Allow', Action: '*', Resource: '*' }] }), { kind: 'identity' }),
  name: 'account root',
};

/**
 * STS actions a GetSessionToken session may call (STS API reference, GetSessionToken: AssumeRole
 * and GetCallerIdentity), with the permissions AssumeRole checks alongside sts:AssumeRole.
 */
const USER_SESSION_STS = new Set(['sts:assumerole', 'sts:tagsession', 'sts:setsourceidentity', 'sts:getcalleridentity']);

function named(policy: Policy, name: string): Policy {
  return { ...policy, name };
}

export function createAuthorizer(source: PolicySource, cache = new PolicyCache()) {
  const parseNamed = (docs: Array<{ name: string; document: string }>) => docs.map((d) => named(cache.parse(d.document, 'identity'), d.name));
  return {
    cache,
    async authorize(req: AuthorizeRequest): Promise<EvaluationResult> {
      const { principal } = req;
      const context = { ...principalContext(principal), ...req.context };
      const resourcePart = req.resourcePolicy
        ? { resourcePolicy: req.resourcePolicy, principal: { type: 'AWS' as const, ids: principalIds(principal) }, ...(req.resourceRequired ? { resourceRequired: true } : {}) }
        : {};
      if (principal.kind === 'root') {
        if (!req.resourcePolicy) {
          return { decision: 'Allow', reason: { check: 'policy.root', detail: 'the account root is allowed every action' }, matched: [] };
        }
        return evaluate({ action: req.action, resource: req.resource, context, identityPolicies: [ROOT_IDENTITY], ...resourcePart });
      }
      if (principal.kind === 'user') {
        if (principal.session) {
          const action = req.action.toLowerCase();
          if (action.startsWith('iam:') || (action.startsWith('sts:') && !USER_SESSION_STS.has(action))) {
            return {
              decision: 'ImplicitDeny',
              reason: {
                check: 'policy.session-token.service',
                detail: `credentials from GetSessionToken cannot call ${req.action} (no IAM, and of STS only AssumeRole and GetCallerIdentity)`,
              },
              matched: [],
            };
          }
        }
        const found = await source.getUserAuthorization(principal.userName, principal.userId);
        for (const t of found?.tags ?? []) context[`aws:PrincipalTag/${t.Key}`] = t.Value;
        return evaluate({ action: req.action, resource: req.resource, context, identityPolicies: parseNamed(found?.documents ?? []), ...resourcePart });
      }
      const session = principal.session;
      const identityPolicies = parseNamed(await source.getRolePolicyDocuments(session.roleName));
      let sessionPolicies: Policy[] | undefined;
      if (session.sessionPolicy !== undefined || (session.sessionPolicyArns?.length ?? 0) > 0) {
        sessionPolicies = [];
        if (session.sessionPolicy !== undefined) sessionPolicies.push(named(cache.parse(session.sessionPolicy, 'session'), 'inline session policy'));
        for (const arn of session.sessionPolicyArns ?? []) {
          const text = await source.getManagedPolicyDocument(arn);
          if (text !== undefined) sessionPolicies.push(named(cache.parse(text, 'session'), arn));
        }
      }
      return evaluate({
        action: req.action,
        resource: req.resource,
        context,
        identityPolicies,
        ...(sessionPolicies ? { sessionPolicies } : {}),
        ...resourcePart,
      });
    },
  };
}

export type Authorizer = ReturnType<typeof createAuthorizer>;

/** A role's trust policy evaluated alone, as STS does for AssumeRole* (the resource policy decides). */
export interface TrustRequest {
  trust: Policy;
  action: string;
  roleArn: string;
  principal: { type: 'AWS' | 'Federated'; ids: string[] };
  context: ContextMap;
}

export function evaluateTrust(r: TrustRequest): EvaluationResult {
  return evaluate({
    action: r.action,
    resource: r.roleArn,
    principal: r.principal,
    context: r.context,
    identityPolicies: [],
    resourcePolicy: r.trust,
    trustOnly: true,
  });
}
