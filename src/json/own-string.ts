/**
 * A copy of a string that keeps nothing else alive.
 *
 * V8 represents a substring of 13 or more characters as a slice of its parent (a SlicedString),
 * and the slice keeps the whole parent in memory. A value cut out of a request body — a form
 * parameter, a token — and then kept beyond the request (a memo's key, a cache entry) would so
 * keep the entire body, up to the 11 MiB body limit, for as long as the entry lives, whatever size
 * the cache believes it holds: 99 AssumeRoleWithWebIdentity calls, each with a valid token and a
 * 256 KiB unknown parameter beside it, kept 26.5 MiB alive through the decoded-token memo before
 * the form reader copied its values (test/protocol/sts/body-retention.test.ts).
 *
 * Prepending a character and slicing it off again makes V8 flatten the concatenation into a new
 * string of its own (one character longer) and slice that: the result shares nothing with `s`.
 * It costs about half a microsecond per kilobyte; a Buffer round trip costs three times that.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
