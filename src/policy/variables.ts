/**
 * Policy variables (IAM user guide, "IAM policy elements: Variables and tags"). Only policies
 * with `"Version": "2012-10-17"` substitute them; in older or version-less policies `${…}` is
 * literal text. A value is compiled once into a template of parts:
 *
 * - `raw`: policy text, where `*` and `?` are wildcards for the Like/Arn operators and Resource;
 * - `literal`: the escapes `${*}`, `${?}`, `${$}` — a literal `*`, `?`, `$`;
 * - `var`: `${key}` or `${key, 'default'}`, looked up in the request context at evaluation.
 *
 * Substituted values are literal (a claim containing `*` never widens a Resource pattern,
 * security.md I11) and substitution is a single pass (a value containing `${…}` is not
 * expanded again). A variable that cannot be resolved and has no default leaves the template
 * unresolved, which makes the whole statement inapplicable (security.md I10: "If AWS cannot
 * resolve a variable … the entire statement is invalid"). An empty value is treated as
 * unresolved too, so `arn:…:user/${aws:username}/*` can never collapse to `…:user//*`.
 */
import type { RequestContext } from './context.js';
import { codePoints, globAtoms, type Atoms } from './glob.js';

export type TemplatePart =
  | { kind: 'raw'; text: string }
  | { kind: 'literal'; text: string }
  | { kind: 'var'; name: string; fallback?: string };

export interface Template {
  /** The value as written in the policy. */
  readonly source: string;
  readonly parts: readonly TemplatePart[];
  /** Pre-resolved forms when the template has no variables. */
  readonly text?: string;
  readonly atoms?: Atoms;
}

const ESCAPE_NAMES = new Set(['*', '?', '$']);
// `${name}` or `${name, 'default'}`; names are the condition-key alphabet (no `$ { } , '`).
const VARIABLE = /\$\{\s*([^${},'\s][^${},']*?)\s*(?:,\s*'([^']*)'\s*)?\}/y;

export function compileTemplate(source: string, substitute: boolean): Template {
  const parts: TemplatePart[] = [];
  const pushRaw = (text: string): void => {
    if (text === '') return;
    const last = parts[parts.length - 1];
    if (last && last.kind === 'raw') parts[parts.length - 1] = { kind: 'raw', text: last.text + text };
    else parts.push({ kind: 'raw', text });
  };
  if (!substitute) {
    pushRaw(source);
  } else {
    let i = 0;
    let rawStart = 0;
    while (i < source.length) {
      if (source[i] === '$' && source[i + 1] === '{') {
        const escaped = source[i + 2];
        if (escaped !== undefined && ESCAPE_NAMES.has(escaped) && source[i + 3] === '}') {
          pushRaw(source.slice(rawStart, i));
          parts.push({ kind: 'literal', text: escaped });
          i += 4;
          rawStart = i;
          continue;
        }
        VARIABLE.lastIndex = i;
        const m = VARIABLE.exec(source);
        if (m) {
          pushRaw(source.slice(rawStart, i));
          const name = m[1] as string;
          parts.push(m[2] === undefined ? { kind: 'var', name } : { kind: 'var', name, fallback: m[2] });
          i += m[0].length;
          rawStart = i;
          continue;
        }
      }
      i++;
    }
    pushRaw(source.slice(rawStart));
  }
  const hasVariables = parts.some((p) => p.kind === 'var');
  if (hasVariables) return { source, parts };
  return { source, parts, text: partsText(parts, []), atoms: partsAtoms(parts, []) };
}

export function templateHasVariables(t: Template): boolean {
  return t.text === undefined;
}

/** Values of the template's variables, or undefined when one cannot be resolved. */
function resolveVariables(t: Template, ctx: RequestContext): string[] | undefined {
  const values: string[] = [];
  for (const part of t.parts) {
    if (part.kind !== 'var') continue;
    const found = ctx.get(part.name);
    // Multi-valued keys cannot be substituted (there is no single value to put in).
    const value = found && found.length === 1 && found[0] !== '' ? found[0] : part.fallback;
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}

function partsText(parts: readonly TemplatePart[], values: readonly string[]): string {
  let out = '';
  let v = 0;
  for (const part of parts) out += part.kind === 'var' ? values[v++] : part.text;
  return out;
}

function partsAtoms(parts: readonly TemplatePart[], values: readonly string[]): number[] {
  const out: number[] = [];
  let v = 0;
  for (const part of parts) {
    const atoms = part.kind === 'raw' ? globAtoms(part.text) : codePoints(part.kind === 'var' ? (values[v++] as string) : part.text);
    for (const a of atoms) out.push(a);
  }
  return out;
}

/** The template as plain text (for Equals-style operators), or undefined if unresolvable. */
export function resolveText(t: Template, ctx: RequestContext): string | undefined {
  if (t.text !== undefined) return t.text;
  const values = resolveVariables(t, ctx);
  return values && partsText(t.parts, values);
}

/** The template as a wildcard pattern (Like/Arn operators, Resource), or undefined if unresolvable. */
export function resolveAtoms(t: Template, ctx: RequestContext): Atoms | undefined {
  if (t.atoms !== undefined) return t.atoms;
  const values = resolveVariables(t, ctx);
  return values && partsAtoms(t.parts, values);
}

/** Names of the variables a template refers to (for lint and explanations). */
export function templateVariables(t: Template): string[] {
  return t.parts.flatMap((p) => (p.kind === 'var' ? [p.name] : []));
}
