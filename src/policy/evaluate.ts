/**
 * The evaluation logic of the IAM user guide ("Policy evaluation logic", "Determining whether a
 * request is allowed or denied within an account", "Cross-account policy evaluation logic"):
 *
 * 1. An explicit Deny in any applicable policy — identity, session, boundary or resource —
 *    wins (security.md I01).
 * 2. Same account: a resource-policy Allow that names the caller directly (session ARN, user,
 *    Federated/Service principal) is enough. Otherwise the identity policies, or a resource
 *    policy naming the caller's role ARN or `*`, must allow; AND, if session policies were
 *    given, one of them must allow (session policies limit, never grant: security.md I13); AND,
 *    if there is a permissions boundary, it must allow. A resource policy naming only the
 *    account delegates to the identity policies.
 * 3. Cross account: both the resource policy (naming the caller or its account) and the
 *    caller's identity policies (limited by session policies and boundary) must allow.
 * 4. Trust-policy-only evaluation (`trustOnly`, asked for explicitly — STS checking a role's
 *    trust policy for a federated caller): the resource policy alone decides for a principal it
 *    names directly or by wildcard; one named only by account is delegated, so the trust policy
 *    alone does not grant it. Without the flag, an empty list of identity policies is just that:
 *    a resource policy naming only the account, or naming a principal of another account, does
 *    not grant by itself (IAM user guide, "Cross-account policy evaluation logic").
 * 5. A Deny statement with NotPrincipal applies to every principal that has a permissions
 *    boundary, whether the NotPrincipal lists it or not (IAM user guide, "Permissions boundaries
 *    for IAM entities": "The NotPrincipal element with a Deny effect will always deny any IAM
 *    principal that has a permissions boundary policy attached").
 * 6. With `resourceRequired` (sts:AssumeRole: the role's trust policy), the resource policy must
 *    allow as well; the identity policies alone never grant.
 * 7. Anything else is an implicit deny.
 *
 * The result's `reason` names the statement that decided, or for an implicit deny the missing
 * grant and the nearest Allow statement that failed (and why) — what the token doctor shows.
 */
import type { Reason } from '../errors/index.js';
import { normalizeContext } from './context.js';
import { matchPrincipal, type PrincipalMatch } from './principal.js';
import { matchStatement, prepareRequest, type PreparedRequest, type StatementOutcome } from './statement.js';
import type { EvaluationRequest, EvaluationResult, MatchedStatement, Policy, PolicySource, Statement } from './types.js';

interface Hit {
  source: PolicySource;
  policy: string;
  statement: Statement;
  principal?: PrincipalMatch;
}

interface Miss {
  source: PolicySource;
  policy: string;
  statement: Statement;
  outcome: Extract<StatementOutcome, { applies: false }>;
}

interface Scan {
  allows: Hit[];
  denies: Hit[];
  misses: Miss[];
  /** Every policy consulted, as `<source> policy <name>`, for explanations. */
  consulted: Array<{ source: PolicySource; label: string }>;
}

const RANK: Record<PrincipalMatch, number> = { account: 1, limited: 2, direct: 3 };

function scan(source: PolicySource, policies: readonly Policy[], req: PreparedRequest, out: Scan): void {
  policies.forEach((policy, i) => {
    const name = policy.name ?? (policies.length === 1 && source !== 'identity' ? source : `${source}[${i}]`);
    out.consulted.push({ source, label: `${source} policy ${name}` });
    for (const st of policy.statements) {
      const outcome = matchStatement(st, req, source === 'resource');
      if (outcome.applies) {
        const hit: Hit = { source, policy: name, statement: st, ...(outcome.principal ? { principal: outcome.principal } : {}) };
        (st.effect === 'Deny' ? out.denies : out.allows).push(hit);
      } else if (st.effect === 'Allow') {
        out.misses.push({ source, policy: name, statement: st, outcome });
      }
    }
  });
}

function label(st: Statement): string {
  return st.sid ? `"${st.sid}"` : `#${st.index}`;
}

function describe(h: Hit | Miss): string {
  return `statement ${label(h.statement)} of ${h.source} policy ${h.policy}`;
}

function toMatched(h: Hit): MatchedStatement {
  return {
    source: h.source,
    policy: h.policy,
    ...(h.statement.sid ? { sid: h.statement.sid } : {}),
    index: h.statement.index,
    effect: h.statement.effect,
  };
}

const STAGE_ORDER = { variable: 0, condition: 0, principal: 1, resource: 2, action: 3 } as const;

/** The Allow statement that came closest to applying, for the implicit-deny explanation. */
function nearestMiss(misses: Miss[], sources: readonly PolicySource[]): Miss | undefined {
  let best: Miss | undefined;
  for (const m of misses) {
    if (!sources.includes(m.source) || m.outcome.stage === 'action') continue;
    if (!best || STAGE_ORDER[m.outcome.stage] < STAGE_ORDER[best.outcome.stage]) best = m;
  }
  return best;
}

export function evaluate(request: EvaluationRequest): EvaluationResult {
  const ctx = normalizeContext(request.context);
  const req = prepareRequest(request.action, request.resource, request.principal, ctx, request.permissionsBoundary !== undefined);
  const found: Scan = { allows: [], denies: [], misses: [], consulted: [] };
  scan('identity', request.identityPolicies, req, found);
  if (request.sessionPolicies) scan('session', request.sessionPolicies, req, found);
  if (request.permissionsBoundary) scan('boundary', [request.permissionsBoundary], req, found);
  if (request.resourcePolicy) scan('resource', [request.resourcePolicy], req, found);

  const matched = [...found.denies, ...found.allows].map(toMatched);
  const what = `${request.action} on ${request.resource}`;

  const deny = found.denies[0];
  if (deny) {
    return {
      decision: 'ExplicitDeny',
      reason: {
        check: 'policy.explicit-deny',
        detail:
          deny.statement.principal?.negated && request.permissionsBoundary && matchPrincipal(deny.statement.principal.entries, request.principal) !== undefined
            ? `${describe(deny)} denies ${what} (a Deny with NotPrincipal always applies to a principal with a permissions boundary)`
            : `${describe(deny)} denies ${what}`,
        actual: { source: deny.source, policy: deny.policy, sid: deny.statement.sid, index: deny.statement.index },
      },
      matched,
    };
  }

  const allowsFrom = (s: PolicySource): Hit[] => found.allows.filter((h) => h.source === s);
  const identity = allowsFrom('identity');
  const session = allowsFrom('session');
  const boundary = allowsFrom('boundary');
  const resource = allowsFrom('resource');
  let resourceBest: Hit | undefined;
  for (const h of resource) if (!resourceBest || RANK[h.principal ?? 'limited'] > RANK[resourceBest.principal ?? 'limited']) resourceBest = h;
  const strength = resourceBest ? (resourceBest.principal ?? 'limited') : undefined;

  const allow = (by: Hit, extra = ''): EvaluationResult => ({
    decision: 'Allow',
    reason: { check: 'policy.allow', detail: `${describe(by)} allows ${what}${extra}` },
    matched,
  });
  const implicit = (detail: string, sources: readonly PolicySource[], expected?: string): EvaluationResult => {
    const near = nearestMiss(found.misses, sources);
    // Without a near miss, name the policies that were consulted and matched nothing.
    const consulted = found.consulted.filter((c) => sources.includes(c.source)).map((c) => c.label);
    const reason: Reason = {
      check: 'policy.implicit-deny',
      detail: near
        ? `${detail}; nearest: ${describe(near)}: ${near.outcome.detail}`
        : consulted.length > 0
          ? `${detail}; no statement of ${consulted.join(', ')} matches ${request.action}`
          : detail,
    };
    if (expected) reason.expected = expected;
    if (near) reason.actual = { source: near.source, policy: near.policy, sid: near.statement.sid, index: near.statement.index, stage: near.outcome.stage };
    return { decision: 'ImplicitDeny', reason, matched };
  };

  // Trust-policy-only evaluation, when asked for: the resource policy alone decides for a
  // principal it names directly or by wildcard; naming only the account delegates.
  if (request.trustOnly && request.resourcePolicy !== undefined) {
    if (resourceBest && strength !== 'account') return allow(resourceBest);
    if (resourceBest) {
      return implicit(`${describe(resourceBest)} names only the account, which delegates ${what} to the caller's identity policies`, ['resource'], 'an Allow statement in the resource policy naming the caller');
    }
    return implicit(`no statement of the resource policy allows ${what} for this caller`, ['resource'], 'an Allow statement in the resource policy');
  }

  if (request.resourceRequired && request.resourcePolicy !== undefined && !resourceBest) {
    return implicit(`no statement of ${request.resourcePolicy.name ?? 'the resource policy'} allows ${what} for this caller`, ['resource'], 'an Allow statement in the resource policy naming the caller');
  }

  const sessionOk = !request.sessionPolicies || session.length > 0;
  const boundaryOk = !request.permissionsBoundary || boundary.length > 0;
  const sameAccount = request.sameAccount ?? true;
  const grant = identity[0] ?? (strength === 'limited' ? resourceBest : undefined);

  if (sameAccount) {
    if (strength === 'direct' && resourceBest) return allow(resourceBest, ' (granted directly by the resource policy)');
    if (grant && sessionOk && boundaryOk) return allow(grant);
  } else if (resourceBest && identity[0] && sessionOk && boundaryOk) {
    return allow(identity[0], ` and ${describe(resourceBest)} allows the cross-account caller`);
  }

  if (grant || (identity[0] && !sameAccount)) {
    if (!sessionOk) return implicit(`no session policy allows ${what} (session policies limit the role's permissions, they never grant)`, ['session'], 'an Allow statement in a session policy');
    if (!boundaryOk) return implicit(`the permissions boundary does not allow ${what}`, ['boundary'], 'an Allow statement in the permissions boundary');
  }
  if (!sameAccount) {
    if (!identity[0]) {
      const granted = resourceBest ? ` (${describe(resourceBest)} allows it, which is not enough across accounts)` : '';
      return implicit(`cross-account request: no identity policy of the caller allows ${what}${granted}`, ['identity'], 'an Allow statement in an identity policy');
    }
    return implicit(`cross-account request: the resource policy does not allow ${what} for this caller`, ['resource'], 'an Allow statement in the resource policy naming the caller or its account');
  }
  if (strength === 'account' && resourceBest) {
    return implicit(`the resource policy delegates to the account (${describe(resourceBest)} names only the account), and no identity policy allows ${what}`, ['identity', 'session', 'boundary'], 'an Allow statement in an identity policy');
  }
  return implicit(`no statement allows ${what}`, ['identity', 'resource', 'session', 'boundary'], 'an Allow statement matching the action and resource');
}
