/**
 * Java regular expressions (the dialect of the AWS models' `pattern` trait) translated to
 * JavaScript, compiled once per distinct pattern and anchored to the whole value (AWS validates
 * with `Matcher.matches()`, i.e. the entire string must match; Smithy `@pattern` docs say patterns
 * are ECMA-262 but the botocore copies are written for Java, e.g. `\u10FFFF` and `(?s)`).
 *
 * Translation rules (java.util.regex.Pattern docs vs ECMA-262 with the `u` flag):
 * - `\s` / `\S`: Java's are ASCII only (`[ \t\n\x0B\f\r]`); JavaScript's include Unicode spaces.
 * - `.`: Java excludes `\u0085` as well as `\n \r \u2028 \u2029`, unless `(?s)` (→ flag `s`).
 * - `\uXXXXX` / `\u10FFFF`: the models mean a supplementary code point (Java would read `\u1000`
 *   followed by a digit) → `\u{…}`. Only 5–6 digit runs starting with `10` are read this way.
 * - Escaped non-syntax characters (`\:`, `\@`) are a syntax error under `u` → emitted literally.
 * - `\e`, `\a` → `\x1B`, `\x07`.
 * Constructs with no faithful translation (possessive quantifiers, atomic groups, `\Q…\E`, class
 * intersection `&&`, nested classes, inline flags other than a leading `(?s)`) throw, so a model
 * update that introduces one fails the model test instead of silently mis-validating.
 */

const JAVA_SPACE = ' \\t\\n\\x0B\\f\\r';
/** Characters that may (and, in a class, `-` must) stay escaped under the `u` flag. */
const SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);
const HEX = /[0-9A-Fa-f]/;

const cache = new Map<string, RegExp>();

/**
 * Linear-time equivalents of model patterns that backtrack super-linearly in any backtracking
 * engine (V8's included): measured at 9 s for a 100 kB `EmailAddressType` and 95 s for a 20 kB
 * `EmailVerificationMessageByLinkType` value. Each is exactly equivalent to its pattern because
 * the literal characters (`@`, `{`, `#`, `}`) are themselves members of the surrounding class, so
 * "class* literal class*" reduces to "all characters in the class, and the literal occurs"; the
 * unit test cross-checks every entry against the original regex with property-based inputs.
 */
const CP = '[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]';
const CPS = '[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]';
const LINEAR_EQUIVALENTS = new Map<string, (value: string) => boolean>([
  [`${CP}+@${CP}+`, (v) => {
    if (!compilePattern(`${CP}+`).test(v)) return false;
    const at = v.indexOf('@', 1);
    return at !== -1 && at <= v.length - 2;
  }],
  [`${CPS}*\\{####\\}${CPS}*`, (v) => v.includes('{####}') && compilePattern(`${CPS}*`).test(v)],
  [`${CPS}*\\{##${CPS}*##\\}${CPS}*`, (v) => {
    const open = v.indexOf('{##');
    return open !== -1 && v.lastIndexOf('##}') >= open + 3 && compilePattern(`${CPS}*`).test(v);
  }],
]);

/** Patterns that have a linear-time equivalent (exported for the equivalence test). */
export const LINEAR_PATTERNS: readonly string[] = [...LINEAR_EQUIVALENTS.keys()];

/**
 * Whether `value` satisfies the model pattern (whole-value match). Prefer this to
 * `compilePattern(p).test(v)`: it uses the linear-time equivalents above where one exists.
 */
export function matchesPattern(javaPattern: string, value: string): boolean {
  const linear = LINEAR_EQUIVALENTS.get(javaPattern);
  return linear ? linear(value) : compilePattern(javaPattern).test(value);
}

/** The compiled, whole-value-anchored RegExp for a model pattern (memoised: compile cost is paid once). */
export function compilePattern(javaPattern: string): RegExp {
  let re = cache.get(javaPattern);
  if (!re) {
    const { source, flags } = translateJavaPattern(javaPattern);
    re = new RegExp(`^(?:${source})$`, flags);
    cache.set(javaPattern, re);
  }
  return re;
}

export function translateJavaPattern(pattern: string): { source: string; flags: string } {
  let flags = 'u';
  let p = pattern;
  if (p.startsWith('(?s)')) {
    flags += 's';
    p = p.slice(4);
  }
  const dotAll = flags.includes('s');
  let out = '';
  let inClass = false;
  let classStart = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) throw new Error(`pattern ends with a backslash: ${pattern}`);
      i++;
      switch (n) {
        case 's':
          out += inClass ? JAVA_SPACE : `[${JAVA_SPACE}]`;
          break;
        case 'S':
          // Only the lone `[\S]` class form occurs in the models; anything else cannot be expressed
          // inside a `u`-mode class without set operations.
          if (!inClass) out += `[^${JAVA_SPACE}]`;
          else if (p.startsWith('\\S]', i - 1) && i - 1 === classStart && p[classStart - 1] === '[') {
            out = out.slice(0, -1) + `[^${JAVA_SPACE}]`;
            i++; // consume the closing ']'
            inClass = false;
          } else throw new Error(`unsupported \\S inside a character class: ${pattern}`);
          break;
        case 'u': {
          let j = i + 1;
          while (j < p.length && j - (i + 1) < 6 && HEX.test(p[j]!)) j++;
          const digits = p.slice(i + 1, j);
          if (digits.length < 4) throw new Error(`bad \\u escape in ${pattern}`);
          if (digits.length >= 5 && digits.startsWith('10')) {
            out += `\\u{${digits}}`;
            i = j - 1;
          } else {
            out += `\\u${digits.slice(0, 4)}`;
            i += 4;
          }
          break;
        }
        case 'e':
          out += '\\x1B';
          break;
        case 'a':
          out += '\\x07';
          break;
        case 'Q':
        case 'E':
        case 'G':
        case 'Z':
        case 'z':
        case 'A':
        case 'R':
        case 'X':
        case 'h':
        case 'H':
        case 'v':
        case 'V':
          throw new Error(`unsupported Java escape \\${n} in ${pattern}`);
        case '0':
          throw new Error(`unsupported octal escape in ${pattern}`);
        default:
          if (/[A-Za-z0-9]/.test(n)) out += `\\${n}`; // \w \d \p{..} \x.. \t \n \b \1 …: same meaning
          else if (SYNTAX.has(n) || (inClass && n === '-')) out += `\\${n}`;
          else out += n; // identity escape of a character with no special meaning
      }
      continue;
    }
    if (inClass) {
      if (c === '[') throw new Error(`nested character classes are not supported: ${pattern}`);
      if (c === '&' && p[i + 1] === '&') throw new Error(`class intersection is not supported: ${pattern}`);
      if (c === ']' && i > classStart) inClass = false;
      out += c === ']' && i === classStart ? '\\]' : c; // Java: a leading ']' is literal

      continue;
    }
    switch (c) {
      case '[':
        inClass = true;
        out += c;
        if (p[i + 1] === '^') out += p[++i];
        classStart = i + 1;
        break;
      case '.':
        out += dotAll ? '.' : '[^\\n\\r\\u0085\\u2028\\u2029]';
        break;
      case '(':
        if (p[i + 1] === '?' && !/^\?(?::|=|!|<=|<!|<[A-Za-z])/.test(p.slice(i + 1, i + 4))) {
          throw new Error(`unsupported group construct in ${pattern}`);
        }
        out += c;
        break;
      case '*':
      case '+':
      case '?':
      case '}':
        if (p[i + 1] === '+') throw new Error(`possessive quantifiers are not supported: ${pattern}`);
        out += c;
        break;
      default:
        out += c;
    }
  }
  if (inClass) throw new Error(`unterminated character class in ${pattern}`);
  return { source: out, flags };
}
