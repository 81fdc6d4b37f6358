/**
 * Id and prefix rules shared by both dialects.
 *
 * Ordering is byte-wise over UTF-8, which equals Unicode code-point order (RFC 3629 §1: "the
 * byte-value lexicographic sorting order of UTF-8 strings is the same as if ordered by character
 * numbers"). SQLite's BINARY collation and PostgreSQL's "C" collation both compare bytes, so the
 * database orders ids exactly like `compareIds` below.
 *
 * A prefix filter is a range `prefix <= id < successor(prefix)`, never LIKE: `%` and `_` are
 * ordinary characters here, SQLite's LIKE is case-insensitive for ASCII, and a range uses the
 * primary-key index.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Ids must be well-formed Unicode without NUL: PostgreSQL text cannot hold U+0000 and a lone
 * surrogate has no UTF-8 encoding (SQLite would silently store U+FFFD, changing the id). Refusing
 * both up front keeps the two backends identical.
 */
export function checkKey(kind: 'id' | 'prefix', value: string): void {
  if (typeof value !== 'string') throw new TypeError(`storage ${kind} must be a string`);
  if (kind === 'id' && value.length === 0) throw new RangeError('storage id must not be empty');
  if (value.includes('\u0000')) throw new RangeError(`storage ${kind} must not contain U+0000`);
  if (LONE_SURROGATE.test(value)) throw new RangeError(`storage ${kind} must be well-formed Unicode`);
}

/**
 * The smallest string greater than every string that starts with `prefix`, in code-point order;
 * undefined when no such bound exists (prefix made only of U+10FFFF).
 * Increment the last code point, skipping the surrogate block; drop trailing U+10FFFF.
 */
export function prefixSuccessor(prefix: string): string | undefined {
  const points = Array.from(prefix, (ch) => ch.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return String.fromCodePoint(...points, next);
    }
  }
  return undefined;
}

/** Byte-wise UTF-8 comparison, the order list() returns. Exported for tests and callers. */
export function compareIds(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
