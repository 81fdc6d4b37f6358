/**
 * Evaluating one condition (one operator × one key) against the request context, following
 * the IAM user guide ("Condition operators", "Multivalued context keys", "Evaluation logic for
 * conditions with multiple context keys or values"):
 *
 * - values of a key are ORed; a negated operator over several values is NOR (security.md I09);
 * - a key absent from the request makes a plain operator false, a negated operator true (I05),
 *   and any `…IfExists` operator true (I06);
 * - `ForAllValues:` is true when the key is absent or empty (I07) — an empty string is a null
 *   data set too, as on an empty set (IAM user guide, "Single-valued vs. multivalued context
 *   keys": ForAllValues "also returns true if … the context key value resolves to a null data
 *   set, such as an empty string") — else every request value must satisfy the operator;
 *   `ForAnyValue:` is false when absent (I08), else one value must;
 * - `Null` treats a key whose only values are empty strings as null, so `"Null": {k: "false"}`
 *   guards a ForAllValues statement against empty values, as the same page advises;
 * - a single-valued operator on a multi-valued key is satisfied by any request value (for a
 *   negated operator: by none matching);
 * - a value that cannot be compared (a bad number, date, address or ARN on either side) never
 *   matches, for negated operators as well, and never throws (I14);
 * - a policy variable that cannot be resolved makes the statement inapplicable (I10).
 */
import type { RequestContext } from '../context.js';
import type { Atoms } from '../glob.js';
import type { Condition } from '../types.js';
import { resolveAtoms, resolveText } from '../variables.js';
import { baseOperator, NULL_OPERATOR, type BaseOperator } from './operators.js';

export type ConditionOutcome =
  | { satisfied: boolean; unresolved?: undefined; request: readonly string[] | undefined; policy: readonly string[] }
  | { satisfied: false; unresolved: true; request: readonly string[] | undefined; policy: readonly string[] };

/** One request value against the policy values: OR for positive operators, NOR for negated ones. */
function single(op: BaseOperator, value: string, policy: ReadonlyArray<string | Atoms>): boolean {
  let comparable = true;
  for (const p of policy) {
    const r = op.pattern ? op.compare(value, p as Atoms) : op.compare(value, p as string);
    if (r === true) return !op.negated;
    if (r === undefined) comparable = false;
  }
  return op.negated && comparable;
}

export function evaluateCondition(c: Condition, ctx: RequestContext): ConditionOutcome {
  const request = ctx.get(c.key);
  const absent = request === undefined || request.length === 0;
  // A key whose values are all empty strings resolves to a null data set.
  const nullish = absent || request.every((v) => v === '');
  const policyText = c.values.map((t) => t.source);

  if (c.base === NULL_OPERATOR) {
    // "Null": {"k": "true"} — the key is absent; "false" — present (values ORed).
    const satisfied = c.values.some((t) => {
      const v = (t.text ?? t.source).toLowerCase();
      return v === 'true' ? nullish : v === 'false' ? !nullish : false;
    });
    return { satisfied, request, policy: policyText };
  }

  const op = baseOperator(c.base) as BaseOperator;
  const resolved: Array<string | Atoms> = [];
  for (const t of c.values) {
    const v = op.pattern ? resolveAtoms(t, ctx) : resolveText(t, ctx);
    if (v === undefined) return { satisfied: false, unresolved: true, request, policy: policyText };
    resolved.push(v);
  }

  let satisfied: boolean;
  if (c.set === 'ForAllValues') {
    satisfied = nullish || request.every((v) => single(op, v, resolved));
  } else if (c.set === 'ForAnyValue') {
    satisfied = absent ? c.ifExists : request.some((v) => single(op, v, resolved));
  } else if (absent) {
    satisfied = c.ifExists || op.negated;
  } else if (op.negated) {
    satisfied = request.every((v) => single(op, v, resolved));
  } else {
    satisfied = request.some((v) => single(op, v, resolved));
  }
  return { satisfied, request, policy: policyText };
}
