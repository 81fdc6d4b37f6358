import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkSync } from 'recheck';
import { compilePattern, getModel, LINEAR_PATTERNS, matchesPattern, translateJavaPattern } from '../../../src/wire/index.js';

test('a pattern must match the whole value, not a substring', () => {
  const re = compilePattern('[\\w+=,.@-]+');
  assert.ok(re.test('alice@example.com'));
  assert.ok(!re.test('alice smith'));
  assert.ok(!re.test('ok\n'));
  assert.ok(compilePattern('[\\w-]+:[0-9a-f-]+').test('us-east-1:0a1b-2c'));
  assert.ok(!compilePattern('[\\w-]+:[0-9a-f-]+').test('us-east-1:0a1b-2c/../x'));
});

test('a pattern is compiled once and reused', () => {
  assert.equal(compilePattern('[\\w]+'), compilePattern('[\\w]+'));
});

test('\\p{L} and friends match Unicode letters (u flag), as in Java', () => {
  const tag = compilePattern('[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+');
  assert.ok(tag.test('Département 9'));
  assert.ok(tag.test('a-b'));
  assert.ok(!tag.test('a*b'), 'STS tag values exclude * (security.md I11)');
  assert.ok(!tag.test('${aws:username}'));
});

test('\\s and \\S are ASCII-only as in Java: a no-break space is not whitespace', () => {
  const password = compilePattern('[\\S]+');
  assert.ok(password.test('Secr3t!'));
  assert.ok(!password.test('two words'));
  assert.ok(password.test('no\u00A0break'), 'U+00A0 is \\S in Java');
  assert.ok(!compilePattern('[\\w\\s+=,.@-]+').test('a\u2003b'));
  assert.ok(compilePattern('[\\w\\s+=,.@-]+').test('a\tb'));
});

test('a 5-6 digit \\u escape is a supplementary code point (\\u10000-\\u10FFFF), not \\u1000 followed by a digit', () => {
  const arn = compilePattern('[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+');
  assert.ok(arn.test('arn:aws:iam::123456789012:role/😀'));
  assert.ok(!arn.test('arn\u0000'));
  assert.ok(!arn.test('\u1000'.repeat(1) + '\u0001'));
  assert.equal(translateJavaPattern('[\\u10000-\\u10FFFF]').source, '[\\u{10000}-\\u{10FFFF}]');
});

test('identity escapes of ordinary characters are accepted (\\: is a syntax error under the u flag)', () => {
  assert.ok(compilePattern('[\\w+=,.@\\:-]*').test('a:b'));
});

test('. excludes line terminators (including U+0085) unless (?s) is set', () => {
  assert.ok(!compilePattern('.*\\{####\\}.*').test('a\u0085{####}'));
  assert.ok(compilePattern('.*\\{####\\}.*').test('Your code is {####}.'));
  assert.ok(compilePattern('(?s).*').test('multi\nline\u0085'));
});

test('lookbehind and inner anchors from the models behave as in Java', () => {
  const re = compilePattern('^[0-9A-Za-z\\.\\-_]*(?<!\\.)$');
  assert.ok(re.test('my-domain'));
  assert.ok(!re.test('my-domain.'));
});

test('constructs with no faithful translation are refused instead of mis-validating', () => {
  assert.throws(() => translateJavaPattern('a++'));
  assert.throws(() => translateJavaPattern('(?>a)'));
  assert.throws(() => translateJavaPattern('[a-z&&[^e]]'));
  assert.throws(() => translateJavaPattern('\\Qa.b\\E'));
  assert.throws(() => translateJavaPattern('(?i)abc'));
});

test('each linear-time equivalent agrees with its original pattern on generated inputs', () => {
  const alphabet = ['a', 'Z', '@', '{', '#', '}', '*', ' ', '\t', '\n', '\u0000', '\u00A0', 'é', '😀', '.', '\uD800'];
  const arb = fc.array(fc.constantFrom(...alphabet), { maxLength: 14 }).map((cs) => cs.join(''));
  for (const p of LINEAR_PATTERNS) {
    const re = compilePattern(p);
    fc.assert(
      fc.property(arb, (s) => matchesPattern(p, s) === re.test(s)),
      { numRuns: 3000 },
    );
    // Hand-picked edges around the literals.
    for (const s of ['@', 'a@', '@a', 'a@b', '{####}', '{###}', '{##}', '{## ##}', 'x{##y##}z', '##}{##', '{##\n##}']) {
      assert.equal(matchesPattern(p, s), re.test(s), `${p} on ${JSON.stringify(s)}`);
    }
  }
});

test('every linear-time equivalent still corresponds to a pattern in the models', () => {
  const all = new Set<string>();
  for (const s of ['iam', 'sts', 'cognito-identity', 'cognito-idp'] as const) {
    for (const shape of Object.values(getModel(s).shapes)) if (shape.pattern) all.add(shape.pattern);
  }
  for (const p of LINEAR_PATTERNS) assert.ok(all.has(p), p);
});

/**
 * ReDoS, counted in steps rather than timed: recheck gives each compiled pattern's worst-case
 * backtracking complexity in V8's kind of engine (linear, a polynomial of some degree, or
 * exponential) by automaton analysis, or, for what that cannot model (a lookbehind), by fuzzing
 * in its own step-counting matcher with a fixed seed. No timeout, so the verdict is the same on a
 * fast or a busy machine. A pattern passes when it is linear, when validation never runs it (it has
 * a linear-time equivalent, checked for equivalence above), or when its worst case on the longest
 * value it is ever run on (its max length; no max → the 20 000-character body cap) is at most
 * 10^6 steps: n^degree.
 */
const MAX_BACKTRACKING_STEPS = 1_000_000;

test('no model pattern backtracks more than 10^6 steps on a value of its maximum length (ReDoS, by recheck analysis)', () => {
  const limits = new Map<string, number>();
  for (const s of ['iam', 'sts', 'cognito-identity', 'cognito-idp'] as const) {
    for (const shape of Object.values(getModel(s).shapes)) {
      if (!shape.pattern) continue;
      // Values longer than max are never matched (validate.ts); no max → bounded by the body cap.
      const n = Math.min(shape.max ?? 20_000, 20_000);
      limits.set(shape.pattern, Math.max(limits.get(shape.pattern) ?? 0, n));
    }
  }
  const verdicts: string[] = [];
  let polynomial = 0;
  for (const [p, n] of limits) {
    const re = compilePattern(p);
    const result = checkSync(re.source, re.flags, { checker: 'auto', timeout: null, randomSeed: 0 });
    if (result.status === 'unknown') assert.fail(`${p}: recheck could not analyse it (${result.error.kind})`);
    if (result.status === 'safe') continue;
    polynomial++;
    const { complexity } = result;
    if (LINEAR_PATTERNS.includes(p)) continue; // never run by matchesPattern
    assert.equal(complexity.type, 'polynomial', `${p} backtracks exponentially`);
    const steps = n ** (complexity.type === 'polynomial' ? complexity.degree : Infinity);
    verdicts.push(`${p}: degree ${complexity.type === 'polynomial' ? complexity.degree : '∞'} × max length ${n} = ${steps} steps`);
    assert.ok(steps <= MAX_BACKTRACKING_STEPS, `${p} can take ${steps} steps on a value of ${n} characters`);
  }
  // The analysis does find the known super-linear patterns (so this test can fail): at least the
  // ones with linear equivalents are reported as polynomial.
  assert.ok(polynomial >= LINEAR_PATTERNS.length, `recheck reported ${polynomial} super-linear patterns`);
});
