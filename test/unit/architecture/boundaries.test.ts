/**
 * The import boundaries of docs/architecture.md, checked on the sources: wire/ never imports
 * services/; policy/, tokens/ and sigv4/ never import storage/ or http/; tokens/ never imports keys/; only the composition root
 * (app.ts), the CLI and tests reach across everything; nothing under src/ reads ../shared.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, dirname, normalize } from 'node:path';
import { repoRoot } from '../../helpers/paths.js';

const src = join(repoRoot, 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith('.')) out.push(relative(src, normalize(join(dirname(file), spec))).split('\\').join('/'));
  }
  return out;
}

const rules: Array<{ from: string; forbidden: string[] }> = [
  { from: 'wire/', forbidden: ['services/', 'storage/', 'http/'] },
  { from: 'policy/', forbidden: ['storage/', 'http/', 'services/', 'tokens/'] },
  // keys/ builds on tokens/ (the decoder and claims validator), never the reverse.
  { from: 'tokens/', forbidden: ['storage/', 'http/', 'services/', 'keys/'] },
  { from: 'sigv4/', forbidden: ['storage/', 'http/', 'services/'] },
  { from: 'storage/', forbidden: ['services/', 'http/', 'policy/', 'tokens/'] },
  { from: 'services/', forbidden: ['http/', 'app.js'] },
  { from: 'gateway/', forbidden: ['storage/', 'http/', 'services/', 'app.js'] },
  { from: 'json/', forbidden: ['wire/', 'tokens/', 'policy/', 'storage/', 'http/', 'services/', 'errors/'] },
];

describe('architecture boundaries', () => {
  const all = files(src).map((f) => ({ path: relative(src, f).split('\\').join('/'), imports: imports(f) }));

  for (const rule of rules) {
    it(`${rule.from} does not import ${rule.forbidden.join(', ')}`, () => {
      const violations = all
        .filter((f) => f.path.startsWith(rule.from))
        .flatMap((f) => f.imports.filter((i) => rule.forbidden.some((x) => i.startsWith(x))).map((i) => `${f.path} → ${i}`));
      assert.deepEqual(violations, []);
    });
  }

  it('nothing under src/ reads ../shared at run time', () => {
    const offenders = files(src).filter((f) => /\.\.\/shared|shared\/aws-models/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders.map((f) => relative(repoRoot, f)), []);
  });
});
