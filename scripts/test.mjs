#!/usr/bin/env node
// `npm test`: runs every compiled test under dist/test, and bench/test, with Node's built-in runner
// (pretest has installed dependencies and compiled). Compiled tests whose TypeScript source is
// gone are removed first, so a deleted test never runs from a stale dist/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const distTest = join(root, 'dist', 'test');

function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const files = [];
for (const file of existsSync(distTest) ? walk(distTest) : []) {
  if (!file.endsWith('.js')) continue;
  const source = join(root, relative(join(root, 'dist'), file)).replace(/\.js$/, '.ts');
  if (!existsSync(source)) {
    rmSync(file);
    rmSync(`${file}.map`, { force: true });
    continue;
  }
  if (file.endsWith('.test.js')) files.push(file);
}
// The bench's own measuring code (bench/test) runs with the rest; the bench itself does not.
const benchTests = join(root, 'bench', 'test');
for (const file of existsSync(benchTests) ? walk(benchTests) : []) if (file.endsWith('.test.mjs')) files.push(file);
const filter = process.argv.slice(2);
const selected = filter.length ? files.filter((f) => filter.some((x) => f.includes(x))) : files;
if (selected.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

/**
 * What git sees in the checkout besides tracked files (untracked and ignored entries, folders
 * collapsed), or undefined outside a git work tree. A test run must leave this as it found it:
 * anything new (a data dir, a scratch file) is a test writing into the checkout.
 */
function leftovers() {
  const out = spawnSync('git', ['status', '--porcelain', '--ignored', '--untracked-files=normal'], { cwd: root, encoding: 'utf8' });
  if (out.status !== 0) return undefined;
  return new Set(out.stdout.split('\n').filter((line) => line.startsWith('??') || line.startsWith('!!')).map((line) => line.slice(3)));
}

const before = leftovers();
// A test that hangs (a browser waiting on something that never comes) fails after 10 minutes instead of holding CI.
const args = ['--test', '--test-concurrency=2', '--test-timeout=600000', '--test-reporter=spec', ...selected.sort()];
const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root, env: { ...process.env, TESSERA_LOG_LEVEL: process.env.TESSERA_LOG_LEVEL ?? 'silent' } });
const after = leftovers();
const added = before && after ? [...after].filter((entry) => !before.has(entry)) : [];
if (added.length > 0) {
  console.error(`\nThe test run left files in the checkout (tests must write to a temporary directory):\n  ${added.join('\n  ')}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
