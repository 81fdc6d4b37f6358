/**
 * IAM wildcard matching: `*` is any run of characters (including none, and crossing `/` and
 * `:`), `?` is exactly one character (IAM user guide, "IAM JSON policy elements: Resource" and
 * "Condition operators", StringLike). Patterns are compiled once into atoms — a code point, or
 * STAR / QMARK — so that characters which came from a policy variable or an escape (`${*}`) are
 * plain code points and can never act as wildcards (security.md I11).
 *
 * Matching is the iterative greedy algorithm with one backtrack point: O(pattern × input) in
 * the worst case and no regular expressions, so no pattern can cause catastrophic backtracking.
 */

export const STAR = -1;
export const QMARK = -2;
/** A compiled pattern: code points, STAR or QMARK. */
export type Atoms = readonly number[];

const COLON = 0x3a;

export function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0) as number);
  return out;
}

/** `*` and `?` in `s` are wildcards; everything else is literal. */
export function globAtoms(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch === '*' ? STAR : ch === '?' ? QMARK : (ch.codePointAt(0) as number));
  return out;
}

export function matchAtoms(pattern: Atoms, input: readonly number[]): boolean {
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  const m = pattern.length;
  const n = input.length;
  while (s < n) {
    const a = p < m ? pattern[p] : undefined;
    if (a === STAR) {
      starP = p++;
      starS = s;
    } else if (a !== undefined && (a === QMARK || a === input[s])) {
      p++;
      s++;
    } else if (starP >= 0) {
      p = starP + 1;
      s = ++starS;
    } else {
      return false;
    }
  }
  while (p < m && pattern[p] === STAR) p++;
  return p === m;
}

export function hasWildcard(pattern: Atoms): boolean {
  return pattern.some((a) => a === STAR || a === QMARK);
}

/**
 * Splits at the first five colons into the six ARN components
 * (`arn:partition:service:region:account-id:resource`); the resource keeps any further colons.
 * Returns undefined when there are fewer than six components.
 */
export function splitArn(atoms: readonly number[]): number[][] | undefined {
  const parts: number[][] = [[]];
  for (const a of atoms) {
    if (a === COLON && parts.length < 6) parts.push([]);
    else (parts[parts.length - 1] as number[]).push(a);
  }
  return parts.length === 6 ? parts : undefined;
}

/**
 * ArnLike / ArnEquals: "each of the six colon-delimited components of the ARN is checked
 * separately and each can include multi-character match wildcards (*) or single-character
 * match wildcards (?)" (IAM user guide, "ARN condition operators"). So a `*` in the account
 * component cannot swallow the region or service. Either side not being six components is
 * not comparable (undefined), which also keeps ArnNotLike from matching garbage.
 */
export function matchArn(value: string, pattern: Atoms): boolean | undefined {
  const pp = splitArn(pattern);
  const vp = splitArn(codePoints(value));
  if (!pp || !vp) return undefined;
  for (let i = 0; i < 6; i++) if (!matchAtoms(pp[i] as number[], vp[i] as number[])) return false;
  return true;
}
