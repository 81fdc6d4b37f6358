/** Paths for tests, independent of where the compiled test file lives (dist/ or .build/<x>/). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
}

export const repoRoot = findRoot(dirname(fileURLToPath(import.meta.url)));
/** ../shared beside the repository (test vectors, models). Tests may read it; the product never does. */
export const sharedDir = join(repoRoot, '..', 'shared');
export const fixturesDir = join(repoRoot, 'test', 'fixtures');
