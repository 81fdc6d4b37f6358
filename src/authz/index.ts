/**
 * Authorisation of a principal's request against IAM policies, callable outside the AWS
 * handlers (the SigV4 gateway will reuse it). Root is always allowed (as the AWS account root
 * user is for identity-based checks); a role session is allowed only if the role's inline and
 * attached policies allow the action, the session policies (if any) allow it too, and nothing
 * denies it explicitly (IAM user guide, "Policy evaluation logic").
 */
import type { Principal } from '../credentials/principal.js';
import type { EvaluationResult, Policy } from '../policy/index.js';
import { evaluate, parsePolicy } from '../policy/index.js';

export type ContextMap = Record<string, string | string[] | undefined>;

export interface PolicySource {
  /** Inline + attached managed policy documents of a role, as text. */
  getRolePolicyDocuments(roleName: string): Promise<Array<{ name: string; document: string }>>;
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
    'aws:PrincipalArn': principal.kind === 'root' ? principal.arn : principal.session.roleArn,
    'aws:PrincipalAccount': principal.accountId,
    'aws:userid': principal.userId,
    'aws:PrincipalType': principal.kind === 'root' ? 'Account' : 'AssumedRole',
  };
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
}

export function createAuthorizer(source: PolicySource, cache = new PolicyCache()) {
  return {
    cache,
    async authorize(req: AuthorizeRequest): Promise<EvaluationResult> {
      const { principal } = req;
      if (principal.kind === 'root') {
        return { decision: 'Allow', reason: { check: 'policy.root', detail: 'the account root is allowed every action' }, matched: [] };
      }
      const session = principal.session;
      const docs = await source.getRolePolicyDocuments(session.roleName);
      // Named as the role names them (inline policy name, managed policy ARN), so that a reason
      // says which policy decided.
      const identityPolicies = docs.map((d) => ({ ...cache.parse(d.document, 'identity'), name: d.name }));
      let sessionPolicies: Policy[] | undefined;
      if (session.sessionPolicy !== undefined || (session.sessionPolicyArns?.length ?? 0) > 0) {
        sessionPolicies = [];
        if (session.sessionPolicy !== undefined) sessionPolicies.push(cache.parse(session.sessionPolicy, 'session'));
        for (const arn of session.sessionPolicyArns ?? []) {
          const text = await source.getManagedPolicyDocument(arn);
          if (text !== undefined) sessionPolicies.push(cache.parse(text, 'session'));
        }
      }
      return evaluate({
        action: req.action,
        resource: req.resource,
        context: { ...principalContext(principal), ...req.context },
        identityPolicies,
        ...(sessionPolicies ? { sessionPolicies } : {}),
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
  });
}
