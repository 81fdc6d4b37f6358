/**
 * package.json tells the truth about what the product needs: every package the compiled product
 * (dist/src, what `tessera serve` runs) loads is a runtime dependency, every runtime dependency is
 * loaded by it, and the lockfile holds one version of each XML library. The production install
 * itself is tried end to end in test/e2e/production-install.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

/** The package a bare specifier names: `pino`, `@aws-sdk/x` from `@aws-sdk/x/sub`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * Packages the compiled product loads: static imports and re-exports, side-effect imports,
 * import(), and require() (storage/sql/kysely.ts loads kysely's CommonJS build through
 * createRequire). Type-only imports are gone from the JavaScript.
 */
function loadedPackages(): Map<string, string[]> {
  const builtins = new Set(builtinModules);
  const out = new Map<string, string[]>();
  const dist = join(repoRoot, 'dist', 'src');
  for (const file of jsFiles(dist)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|[;\n])\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]|\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)|createRequire\([^)]*\)\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2] ?? m[3] ?? m[4]!;
      if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
      const name = packageOf(spec);
      out.set(name, [...(out.get(name) ?? []), file.slice(dist.length + 1)]);
    }
  }
  return out;
}

test('every package the product loads is a runtime dependency, and every runtime dependency is loaded', () => {
  const loaded = loadedPackages();
  const missing = [...loaded].filter(([name]) => !(name in pkg.dependencies)).map(([name, files]) => `${name} (${files.join(', ')})`);
  assert.deepEqual(missing, [], 'imported by dist/src but not in dependencies');
  const unused = Object.keys(pkg.dependencies).filter((name) => !loaded.has(name));
  assert.deepEqual(unused, [], 'in dependencies but loaded by nothing in dist/src');
  // The scan does find imports (so this test can fail): the storage and HTTP layers are there.
  assert.ok(loaded.has('fastify') && loaded.has('better-sqlite3'), [...loaded.keys()].join(', '));
});

test('no package is both a runtime and a development dependency', () => {
  assert.deepEqual(Object.keys(pkg.dependencies).filter((name) => name in pkg.devDependencies), []);
});

test('the lockfile holds one version of each XML library', () => {
  const versions = new Map<string, Set<string>>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (!path || !/xml/i.test(name) || !entry.version) continue;
    versions.set(name, (versions.get(name) ?? new Set()).add(entry.version));
  }
  const several = [...versions].filter(([, v]) => v.size > 1).map(([name, v]) => `${name}: ${[...v].join(', ')}`);
  assert.deepEqual(several, []);
  assert.ok(versions.has('@xmldom/xmldom'), 'the lockfile was read');
});
