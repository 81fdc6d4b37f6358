/**
 * String condition operators (IAM user guide, "Condition operators" § String): StringEquals is
 * exact and case-sensitive, StringEqualsIgnoreCase folds case, StringLike takes `*` and `?`
 * wildcards and is case-sensitive. The negated forms are derived in operators.ts.
 */
import { codePoints, matchAtoms, type Atoms } from '../glob.js';

export function stringEquals(request: string, policy: string): boolean {
  return request === policy;
}

export function stringEqualsIgnoreCase(request: string, policy: string): boolean {
  return request.toLowerCase() === policy.toLowerCase();
}

export function stringLike(request: string, policy: Atoms): boolean {
  return matchAtoms(policy, codePoints(request));
}
