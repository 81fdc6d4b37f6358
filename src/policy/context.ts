/**
 * The request context: condition keys and their values. "Condition key names are not case
 * sensitive" (IAM user guide, "IAM JSON policy elements: Condition"), so lookups go through a
 * lower-cased map built once per evaluation. A key whose value is an array is multi-valued
 * (aws:TagKeys, cognito-identity.amazonaws.com:amr); an empty array counts as absent for the set
 * operators and Null.
 */

export type ContextMap = Record<string, string | readonly string[] | undefined>;

export interface RequestContext {
  /** The key's values (a single-valued key gives one element), or undefined when absent. */
  get(key: string): readonly string[] | undefined;
}

export function normalizeContext(map: ContextMap): RequestContext {
  const values = new Map<string, readonly string[]>();
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (values.has(lower)) continue; // first spelling wins; keys differing only in case are one key
    values.set(lower, typeof value === 'string' ? [value] : [...value]);
  }
  return { get: (key) => values.get(key.toLowerCase()) };
}
