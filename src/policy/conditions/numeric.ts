/**
 * Numeric condition operators (IAM user guide, "Condition operators" § Numeric). Values are
 * decimal numbers written as strings or JSON numbers. Anything else — `"abc"`, hex, `Infinity`,
 * empty — is not comparable and makes the comparison fail without an exception (security.md
 * I14).
 */
const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

export function parseNumber(s: string): number | undefined {
  if (!DECIMAL.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

export type Comparison = 'eq' | 'lt' | 'lte' | 'gt' | 'gte';

export function compareOrdered(a: number, b: number, how: Comparison): boolean {
  switch (how) {
    case 'eq':
      return a === b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
  }
}

/** `request <how> policy`, or undefined when either side is not a number. */
export function numericCompare(request: string, policy: string, how: Comparison): boolean | undefined {
  const a = parseNumber(request);
  const b = parseNumber(policy);
  if (a === undefined || b === undefined) return undefined;
  return compareOrdered(a, b, how);
}
