/**
 * The condition operator table (IAM user guide, "IAM JSON policy elements: Condition
 * operators"). Each base operator says how one request value compares with one policy value;
 * negated operators (StringNotEquals, NotIpAddress, ArnNotLike, …) are their positive
 * counterpart inverted over the whole value list, which gives "negated multi-value = NOR"
 * (security.md I09). Qualifiers are parsed here too: the `IfExists` suffix (not on Null) and
 * the `ForAnyValue:` / `ForAllValues:` set prefixes.
 */
import { matchArn, type Atoms } from '../glob.js';
import { binaryEquals, boolEquals } from './bool.js';
import { dateCompare } from './date.js';
import { ipInBlock } from './ip.js';
import { numericCompare, type Comparison } from './numeric.js';
import { stringEquals, stringEqualsIgnoreCase, stringLike } from './string.js';
import type { SetOperator } from '../types.js';

/** Compares one request value with one policy value; undefined means "not comparable". */
export type BaseOperator =
  | { name: string; negated: boolean; pattern: false; compare: (request: string, policy: string) => boolean | undefined }
  | { name: string; negated: boolean; pattern: true; compare: (request: string, policy: Atoms) => boolean | undefined };

const table: BaseOperator[] = [];
const text = (name: string, negated: boolean, compare: (r: string, p: string) => boolean | undefined): void => {
  table.push({ name, negated, pattern: false, compare });
};
const pattern = (name: string, negated: boolean, compare: (r: string, p: Atoms) => boolean | undefined): void => {
  table.push({ name, negated, pattern: true, compare });
};

text('StringEquals', false, stringEquals);
text('StringNotEquals', true, stringEquals);
text('StringEqualsIgnoreCase', false, stringEqualsIgnoreCase);
text('StringNotEqualsIgnoreCase', true, stringEqualsIgnoreCase);
pattern('StringLike', false, stringLike);
pattern('StringNotLike', true, stringLike);

const ordered: Array<[string, Comparison]> = [['Equals', 'eq'], ['LessThan', 'lt'], ['LessThanEquals', 'lte'], ['GreaterThan', 'gt'], ['GreaterThanEquals', 'gte']];
for (const [suffix, how] of ordered) {
  text(`Numeric${suffix}`, false, (r, p) => numericCompare(r, p, how));
  text(`Date${suffix}`, false, (r, p) => dateCompare(r, p, how));
}
text('NumericNotEquals', true, (r, p) => numericCompare(r, p, 'eq'));
text('DateNotEquals', true, (r, p) => dateCompare(r, p, 'eq'));

text('Bool', false, boolEquals);
text('BinaryEquals', false, binaryEquals);
text('IpAddress', false, ipInBlock);
text('NotIpAddress', true, ipInBlock);

// "ArnEquals and ArnLike behave identically" (each component may hold wildcards).
pattern('ArnEquals', false, matchArn);
pattern('ArnLike', false, matchArn);
pattern('ArnNotEquals', true, matchArn);
pattern('ArnNotLike', true, matchArn);

/** Null is special: it tests presence, not a value. */
export const NULL_OPERATOR = 'Null';

const byName = new Map(table.map((op) => [op.name.toLowerCase(), op]));

export function baseOperator(name: string): BaseOperator | undefined {
  return byName.get(name.toLowerCase());
}

export interface ParsedOperator {
  base: string;
  set?: SetOperator;
  ifExists: boolean;
}

/**
 * Splits `ForAnyValue:StringLikeIfExists` into its parts, or returns undefined for an unknown
 * operator (IAM: "Invalid Condition type : StringEqualz"). Names are matched
 * case-insensitively and canonicalised.
 */
export function parseOperator(name: string): ParsedOperator | undefined {
  let rest = name;
  let set: SetOperator | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === 'foranyvalue') set = 'ForAnyValue';
    else if (prefix === 'forallvalues') set = 'ForAllValues';
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  if (rest.toLowerCase() === 'null') return set ? undefined : { base: NULL_OPERATOR, ifExists: false };
  let ifExists = false;
  let op = baseOperator(rest);
  if (!op && rest.toLowerCase().endsWith('ifexists')) {
    ifExists = true;
    op = baseOperator(rest.slice(0, -'ifexists'.length));
  }
  if (!op) return undefined;
  return set ? { base: op.name, set, ifExists } : { base: op.name, ifExists };
}
