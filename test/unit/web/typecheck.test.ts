/**
 * The browser pages' TypeScript (web/src) passes the compiler in strict mode against the DOM
 * library: Vite only strips types, so without this a type error reaches the browser unseen.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths.js';

it('web/src type-checks strictly (tsc -p web)', () => {
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const out = spawnSync(process.execPath, [tsc, '-p', join(repoRoot, 'web'), '--pretty', 'false'], { encoding: 'utf8' });
  assert.equal(out.status, 0, `${out.stdout}${out.stderr}`);
});
