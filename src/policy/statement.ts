/**
 * Whether one statement applies to a request (IAM user guide, "Policy evaluation logic":
 * a statement applies when its action, resource, principal and every condition match).
 * Action names are case-insensitive ("iam:getrole" = "iam:GetRole"); resources are
 * case-sensitive and `*` in Resource crosses `/` and `:` (security.md I04). NotAction /
 * NotResource / NotPrincipal apply to everything not listed (I02, I03).
 *
 * When a statement does not apply the outcome says why (`stage` and `detail`), which feeds
 * the "why was I denied" explanation.
 */
import { evaluateCondition } from './conditions/index.js';
import type { RequestContext } from './context.js';
import { codePoints, matchAtoms } from './glob.js';
import { matchPrincipal, type PrincipalMatch } from './principal.js';
import type { PrincipalRef, Statement } from './types.js';
import { resolveAtoms } from './variables.js';

export interface PreparedRequest {
  action: string;
  resource: string;
  actionCodes: readonly number[];
  resourceCodes: readonly number[];
  principal: PrincipalRef | undefined;
  ctx: RequestContext;
  /** The caller has a permissions boundary (a Deny with NotPrincipal then always applies). */
  hasBoundary: boolean;
}

export type StatementOutcome =
  | { applies: true; principal?: PrincipalMatch }
  | { applies: false; stage: 'action' | 'resource' | 'principal' | 'condition' | 'variable'; detail: string };

export function prepareRequest(action: string, resource: string, principal: PrincipalRef | undefined, ctx: RequestContext, hasBoundary = false): PreparedRequest {
  return { action, resource, actionCodes: codePoints(action.toLowerCase()), resourceCodes: codePoints(resource), principal, ctx, hasBoundary };
}

export function matchStatement(st: Statement, req: PreparedRequest, checkPrincipal: boolean): StatementOutcome {
  const actionHit = st.action.patterns.some((p) => matchAtoms(p, req.actionCodes));
  if (actionHit === st.action.negated) {
    return { applies: false, stage: 'action', detail: `${st.action.negated ? 'NotAction' : 'Action'} ${JSON.stringify(st.action.source)} ${st.action.negated ? 'excludes' : 'does not include'} ${req.action}` };
  }

  if (st.resource) {
    let resourceHit = false;
    for (const t of st.resource.patterns) {
      const atoms = resolveAtoms(t, req.ctx);
      // An unresolvable variable invalidates the entire statement (security.md I10).
      if (atoms === undefined) return { applies: false, stage: 'variable', detail: `cannot resolve a policy variable in resource ${t.source}` };
      if (!resourceHit && matchAtoms(atoms, req.resourceCodes)) resourceHit = true;
    }
    if (resourceHit === st.resource.negated) {
      const sources = st.resource.patterns.map((t) => t.source);
      return { applies: false, stage: 'resource', detail: `${st.resource.negated ? 'NotResource' : 'Resource'} ${JSON.stringify(sources)} ${st.resource.negated ? 'excludes' : 'does not include'} ${req.resource}` };
    }
  }

  let principal: PrincipalMatch | undefined;
  if (checkPrincipal && st.principal) {
    const m = matchPrincipal(st.principal.entries, req.principal);
    // IAM user guide, "Permissions boundaries for IAM entities": "The NotPrincipal element with
    // a Deny effect will always deny any IAM principal that has a permissions boundary policy
    // attached" — the exclusion list does not spare it.
    const boundaryOverride = st.principal.negated && st.effect === 'Deny' && req.hasBoundary;
    if (!boundaryOverride && (st.principal.negated ? m !== undefined : m === undefined)) {
      const named = st.principal.entries.map((e) => (e.type === '*' ? '*' : `${e.type}:${e.value}`));
      return { applies: false, stage: 'principal', detail: `${st.principal.negated ? 'NotPrincipal' : 'Principal'} ${JSON.stringify(named)} ${st.principal.negated ? 'excludes' : 'does not name'} the caller` };
    }
    principal = st.principal.negated ? 'limited' : m;
  }

  for (const c of st.conditions) {
    const outcome = evaluateCondition(c, req.ctx);
    if (outcome.unresolved) {
      return { applies: false, stage: 'variable', detail: `cannot resolve a policy variable in condition ${c.operator} ${c.key} ${JSON.stringify(outcome.policy)}` };
    }
    if (!outcome.satisfied) {
      const seen = outcome.request === undefined ? 'the key is absent' : `request has ${JSON.stringify(outcome.request)}`;
      return { applies: false, stage: 'condition', detail: `condition ${c.operator} ${c.key} ${JSON.stringify(outcome.policy)} is not met (${seen})` };
    }
  }
  return principal ? { applies: true, principal } : { applies: true };
}
