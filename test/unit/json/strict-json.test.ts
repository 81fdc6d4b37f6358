/**
 * The strict JSON reader (src/json/strict-json.ts) against JSON.parse, on generated and mutated
 * texts: it accepts what JSON.parse accepts unless an object repeats a member name or nesting is too
 * deep, returns what JSON.parse returns, and refuses everything else with a StrictJsonError (a
 * request body is never answered with anything but a 4xx because of its syntax).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StrictJsonError, parseStrictJson } from '../../../src/json/strict-json.js';

/** A small deterministic generator (LCG), so a failure names a reproducible case. */
function generator(seed: number) {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick };
}

const STRINGS = ['', 'a', 'ab', 'é', '\u0000', '\n', '"', '\\', '/', '\ud800', '\udfff', '𝄞', 'x'.repeat(40), 'kid', 'alg', '\u2028'];
const SCALARS = [0, -1, 1.5, 1e21, -0.0001, 123456789, 2e-7, true, false, null];
const MUTATIONS = ['{', '}', '[', ']', ',', ':', '"', '\\', 'u', '0', '1', '-', '.', 'e', 'E', '+', ' ', '\t', '\n', '\r', 'a', 't', 'n', 'f', '\u0001', '\u007f', 'x', '/'];

function value(g: ReturnType<typeof generator>, depth: number): unknown {
  const r = g.next();
  if (depth > 4 || r < 0.3) return g.next() < 0.5 ? g.pick(SCALARS) : g.pick(STRINGS);
  if (r < 0.6) return Array.from({ length: Math.floor(g.next() * 4) }, () => value(g, depth + 1));
  const object: Record<string, unknown> = {};
  for (let k = Math.floor(g.next() * 5); k > 0; k--) object[g.pick(STRINGS) + (g.next() < 0.5 ? '' : String(k))] = value(g, depth + 1);
  return object;
}

/** JSON.stringify's text with whitespace of every legal kind sprinkled between tokens. */
function spaced(g: ReturnType<typeof generator>, text: string): string {
  return text.replace(/([{}[\],:])/g, (m) => (g.next() < 0.3 ? `${g.pick([' ', '\t', '\n', '\r', '  '])}${m}${g.pick(['', ' ', '\n'])}` : m));
}

function mutate(g: ReturnType<typeof generator>, text: string): string {
  let t = text;
  for (let k = Math.floor(g.next() * 3) + 1; k > 0; k--) {
    const at = Math.floor(g.next() * (t.length + 1));
    const r = g.next();
    if (r < 0.33) t = t.slice(0, at) + g.pick(MUTATIONS) + t.slice(at);
    else if (r < 0.66) t = t.slice(0, at) + t.slice(at + 1);
    else t = t.slice(0, at) + g.pick(MUTATIONS) + t.slice(at + 1);
  }
  return t;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };
function attempt(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

test('generated documents read exactly as JSON.parse reads them', () => {
  const g = generator(20261207);
  for (let c = 0; c < 5000; c++) {
    const text = spaced(g, JSON.stringify(value(g, 0)));
    assert.deepEqual(parseStrictJson(text), JSON.parse(text), text);
  }
});

test('a mutated document is accepted only as JSON.parse accepts it, and refused only with a StrictJsonError', () => {
  const g = generator(7);
  const seen = { accepted: 0, syntax: 0, duplicate: 0, depth: 0 };
  for (let c = 0; c < 20000; c++) {
    let text = spaced(g, JSON.stringify(value(g, 0)));
    // Some documents repeat a member name (the spelling JSON.stringify gave it).
    if (g.next() < 0.1) text = text.replace(/"([^"\\]*)"(\s*):/, (_m, name: string, ws: string) => `"${name}"${ws}:1,"${name}":`);
    if (g.next() < 0.8) text = mutate(g, text);
    const maxDepth = g.next() < 0.1 ? 2 : 64;
    const strict = attempt(() => parseStrictJson(text, maxDepth));
    const plain = attempt(() => JSON.parse(text));
    if (strict.ok) {
      seen.accepted++;
      assert.ok(plain.ok, `accepted what JSON.parse refuses: ${JSON.stringify(text)}`);
      assert.deepEqual(strict.value, plain.value, text);
      continue;
    }
    assert.ok(strict.error instanceof StrictJsonError, `refused ${JSON.stringify(text)} with ${String(strict.error)}`);
    const kind = strict.error.kind;
    if (kind === 'syntax') {
      seen.syntax++;
      assert.ok(!plain.ok, `refused as a syntax error what JSON.parse reads: ${JSON.stringify(text)} (${strict.error.message})`);
    } else if (kind === 'duplicate-member') {
      seen.duplicate++;
      const member = strict.error.member!;
      // The refused name occurs at least twice among the document's member names (in any spelling).
      const names = [...text.matchAll(/"((?:[^"\\]|\\.)*)"\s*:/g)].map((m) => attempt(() => JSON.parse(`"${m[1]}"`)));
      assert.ok(names.filter((n) => n.ok && n.value === member).length >= 2, `duplicate ${JSON.stringify(member)} not repeated in ${JSON.stringify(text)}`);
    } else {
      seen.depth++;
      assert.equal(kind, 'depth');
      assert.equal(maxDepth, 2, text);
    }
  }
  // The generator reaches every outcome, so none of the branches above is vacuous.
  for (const [outcome, count] of Object.entries(seen)) assert.ok(count > 100, `${outcome}: ${count}`);
});

test('member names are compared decoded, in small objects and in large ones', () => {
  assert.throws(() => parseStrictJson('{"a":1,"\\u0061":2}'), (e: unknown) => e instanceof StrictJsonError && e.kind === 'duplicate-member' && e.member === 'a');
  const many = Array.from({ length: 40 }, (_, k) => `"m${k}":${k}`);
  assert.deepEqual(Object.keys(parseStrictJson(`{${many.join(',')}}`) as object).length, 40);
  for (const spelling of ['m3', 'm\\u0033', 'm39']) {
    assert.throws(
      () => parseStrictJson(`{${many.join(',')},"${spelling}":0}`),
      (e: unknown) => e instanceof StrictJsonError && e.kind === 'duplicate-member',
      spelling,
    );
  }
  // Long names (kept in a Set from the first one) and a long name after short ones.
  const long = 'n'.repeat(300);
  assert.throws(() => parseStrictJson(`{"${long}":1,"${long}":2}`), (e: unknown) => e instanceof StrictJsonError && e.member === long);
  assert.throws(() => parseStrictJson(`{"a":0,"${long}":1,"b":2,"${long.slice(0, -1)}\\u006e":3}`), (e: unknown) => e instanceof StrictJsonError && e.member === long);
  assert.deepEqual(Object.keys(parseStrictJson(`{"a":0,"${long}x":1,"${long}y":2,"b":3}`) as object).length, 4);
  // The same name in sibling objects is not a duplicate.
  assert.deepEqual(parseStrictJson('[{"a":1},{"a":2}]'), [{ a: 1 }, { a: 2 }]);
});

test('numbers, literals and escapes follow RFC 8259 exactly', () => {
  for (const ok of ['0', '-0', '1.25', '-1e5', '1E+2', '2e-7', '123456789012345678901234567890', '9'.repeat(1000), 'true', 'false', 'null', '"\\u00e9\\n\\/\\b\\f\\r\\t\\"\\\\"', '"\ud800"', ' \t\n\r[ ] ']) {
    assert.deepEqual(parseStrictJson(ok), JSON.parse(ok), ok);
  }
  for (const bad of ['01', '-', '1.', '.5', '1e', '1e+', '+1', 'tru', 'nul', 'True', '"\\x41"', '"\\u12"', '"\\u12g4"', '"a\u0001"', '"abc', '[1,]', '{"a":1,}', '{,}', '[1 2]', '{"a" 1}', '{a:1}', '1 2', '', ' ', '\u00a0[]', "'a'"]) {
    assert.throws(() => parseStrictJson(bad), (e: unknown) => e instanceof StrictJsonError && e.kind === 'syntax', JSON.stringify(bad));
  }
});
