/** Small builders shared by the policy-engine tests. */
import { evaluate, parsePolicy, type ContextMap, type EvaluationResult, type Policy, type PolicyKind, type PrincipalRef } from '../../../src/policy/index.js';

export function policy(doc: unknown, kind: PolicyKind = 'identity'): Policy {
  return parsePolicy(typeof doc === 'string' ? doc : JSON.stringify(doc), { kind });
}

/** A table row describing a whole evaluation with policy documents as plain JSON. */
export interface EvalRow {
  name: string;
  identity?: unknown[];
  session?: unknown[];
  boundary?: unknown;
  resourcePolicy?: unknown;
  resourceKind?: 'trust' | 'resource';
  action: string;
  resource: string;
  principal?: PrincipalRef;
  context?: ContextMap;
  sameAccount?: boolean;
  /** Trust-policy-only evaluation; defaults to true for `resourceKind: 'trust'` rows. */
  trustOnly?: boolean;
  expect: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';
}

export function runRow(row: EvalRow): EvaluationResult {
  return evaluate({
    action: row.action,
    resource: row.resource,
    context: row.context ?? {},
    identityPolicies: (row.identity ?? []).map((d) => policy(d)),
    ...(row.session ? { sessionPolicies: row.session.map((d) => policy(d, 'session')) } : {}),
    ...(row.boundary ? { permissionsBoundary: policy(row.boundary) } : {}),
    ...(row.resourcePolicy ? { resourcePolicy: policy(row.resourcePolicy, row.resourceKind ?? 'resource') } : {}),
    ...(row.principal ? { principal: row.principal } : {}),
    ...(row.sameAccount !== undefined ? { sameAccount: row.sameAccount } : {}),
    ...((row.trustOnly ?? row.resourceKind === 'trust') ? { trustOnly: true } : {}),
  });
}

export const V = '2012-10-17';

export function allowAll(): unknown {
  return { Version: V, Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
}
