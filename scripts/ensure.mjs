#!/usr/bin/env node
// Makes a fresh clone runnable: installs dependencies when they are missing or older than the
// lockfile, then compiles TypeScript (incrementally) into dist/. Used by `npm start`,
// `npm test` and bin/tessera.mjs so that each works as the first command on a new checkout.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' });

const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);
if (stale) {
  console.error('[tessera] installing dependencies (first run)…');
  run(existsSync(lock) ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund');
}
const tsc = join(root, 'node_modules', '.bin', 'tsc');
try {
  run(`"${tsc}" -p tsconfig.json`);
} catch {
  console.error('[tessera] TypeScript compilation failed (see above)');
  process.exit(1);
}
