#!/usr/bin/env node
// Makes a fresh clone runnable: installs dependencies when they are missing or older than the
// lockfile, then compiles TypeScript (incrementally) into dist/. Used by `npm start`,
// `npm test` and bin/tessera.mjs so that each works as the first command on a new checkout.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' });

// Native addons (better-sqlite3) compile against the headers of the Node.js that runs this,
// offline: an official Node.js build carries them in <prefix>/include/node beside its bin/. Point
// node-gyp there when they match this Node.js, so a machine whose npm is set up for another
// release (or has no network to fetch headers) still builds the addon for the Node in use.
const prefix = dirname(dirname(process.execPath));
const versionHeader = join(prefix, 'include', 'node', 'node_version.h');
if (existsSync(versionHeader)) {
  const text = readFileSync(versionHeader, 'utf8');
  const part = (name) => /#define\s+NODE_\w+_VERSION\s+(\d+)/.exec(text.slice(text.indexOf(`#define NODE_${name}_VERSION`)))?.[1];
  if (`v${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` === process.version) process.env.npm_config_nodedir = prefix;
}

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

// The browser pages (web/: the demo, the token doctor, the console) are built by Vite into
// dist/web when that is missing or older than their sources or the lockfile.
const web = join(root, 'web');
const builtPage = join(root, 'dist', 'web', 'index.html');
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return latest;
}
if (existsSync(web)) {
  const sources = Math.max(newest(web), existsSync(lock) ? statSync(lock).mtimeMs : 0);
  if (!existsSync(builtPage) || statSync(builtPage).mtimeMs < sources) {
    try {
      run(`"${process.execPath}" "${join(root, 'node_modules', 'vite', 'bin', 'vite.js')}" build --config "${join(web, 'vite.config.mjs')}"`);
    } catch {
      console.error('[tessera] building the web pages (web/) failed (see above)');
      process.exit(1);
    }
  }
}
