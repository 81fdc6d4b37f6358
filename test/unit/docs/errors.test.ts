/**
 * docs/errors.md against src/errors/index.ts ERROR_CATALOG (design.md principle 2: the catalog
 * is the single source of error codes, and its documentation must not drift from it), the AWS
 * models (which protocol family carries a modelled code) and the source (a code documented as
 * "Not sent yet" must not be named anywhere a handler could send it; naming it in a comparison
 * does not count).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ERROR_CATALOG, type ErrorSpec } from '../../../src/errors/index.js';
import { repoRoot } from '../../helpers/paths.js';
import { readDoc, tableRows } from './markdown.js';
import { MODELS, SERVICES } from './registry.js';

interface DocumentedError {
  code: string;
  status: number;
  fault: string;
  protocols: string[];
  when: string;
}

const NOT_SENT = 'Not sent yet';

function documentedErrors(): DocumentedError[] {
  return tableRows(readDoc('errors.md'))
    .filter((cells) => cells[0] !== 'Code')
    .map((cells) => {
      assert.equal(cells.length, 5, `row '${cells.join(' | ')}' has Code, HTTP, Fault, Protocol, When`);
      const [code, status, fault, protocols, when] = cells as [string, string, string, string, string];
      assert.match(status, /^\d{3}$/, `${code}: HTTP status`);
      return { code, status: Number(status), fault, protocols: protocols.split(',').map((p) => p.trim()), when };
    });
}

const catalog = ERROR_CATALOG as Record<string, ErrorSpec>;

test('documents every ERROR_CATALOG code exactly once and no other code', () => {
  const codes = documentedErrors().map((e) => e.code);
  const duplicates = codes.filter((c, i) => codes.indexOf(c) !== i);
  assert.deepEqual(duplicates, [], 'codes documented more than once');
  assert.deepEqual([...codes].sort(), Object.keys(catalog).sort());
});

test("gives every code the catalog's HTTP status and fault", () => {
  for (const e of documentedErrors()) {
    const spec = catalog[e.code];
    assert.ok(spec, `${e.code} is in the catalog`);
    assert.equal(e.status, spec.status, `${e.code}: status`);
    assert.equal(e.fault, spec.fault ?? 'client', `${e.code}: fault`);
  }
});

test('names the protocol family of every model that lists the code among its errors', () => {
  for (const e of documentedErrors()) {
    for (const p of e.protocols) assert.ok(p === 'query' || p === 'json', `${e.code}: protocol '${p}' is query or json`);
    for (const service of SERVICES) {
      const model = MODELS[service];
      const listed = Object.values(model.operations).some((op) => op.errors.includes(e.code));
      if (listed) assert.ok(e.protocols.includes(model.metadata.protocol), `${e.code} is a ${service} error, so the ${model.metadata.protocol} protocol carries it`);
    }
  }
});

test('says when each code is sent', () => {
  for (const e of documentedErrors()) assert.ok(e.when.length >= 10, `${e.code}: the When column is filled in`);
});

/** Source files that could raise a code: everything under src/ but the catalog and the generated models. */
function sourceTexts(): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  const skip = new Set([join('src', 'errors'), join('src', 'models')]);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skip.has(relative(repoRoot, p))) walk(p);
      } else if (p.endsWith('.ts')) out.push({ file: relative(repoRoot, p), text: readFileSync(p, 'utf8') });
    }
  };
  walk(join(repoRoot, 'src'));
  return out;
}

/**
 * Whether `text` names `code` as a string literal that could put it on the wire: a literal in a
 * comparison (`case 'X':`, `=== 'X'`, `'X' !== …`) only reads a code raised elsewhere.
 */
function namesCodeOutsideComparisons(text: string, code: string): boolean {
  const q = `['"\`]${code}['"\`]`;
  const comparisons = new RegExp(`case\\s+${q}\\s*:|[!=]==\\s*${q}|${q}\\s*[!=]==`, 'g');
  return new RegExp(q).test(text.replace(comparisons, ''));
}

test('does not count a code named only in a comparison as sent', () => {
  assert.equal(namesCodeOutsideComparisons("switch (c) { case 'FooException': return 1; }", 'FooException'), false);
  assert.equal(namesCodeOutsideComparisons("if (err.code === 'FooException') retry();", 'FooException'), false);
  assert.equal(namesCodeOutsideComparisons("throw idpError('FooException', 'no');", 'FooException'), true);
  assert.equal(namesCodeOutsideComparisons("case 'FooException': throw new ServiceError('FooException', 'x');", 'FooException'), true);
});

test('calls a code "Not sent yet" exactly when no source file names it as a string literal outside a comparison', () => {
  const sources = sourceTexts();
  assert.ok(sources.length > 20, 'read the source tree');
  for (const e of documentedErrors()) {
    const namedIn = sources.filter((s) => namesCodeOutsideComparisons(s.text, e.code)).map((s) => s.file);
    if (e.when.startsWith(NOT_SENT)) assert.deepEqual(namedIn, [], `${e.code} is documented as not sent, but the source names it`);
    else assert.notDeepEqual(namedIn, [], `${e.code} is documented as sent, but no source file names it`);
  }
});
