#!/usr/bin/env node
// `node scripts/test-on-node.mjs <version> [test filters…]`: runs `npm test` under another Node.js
// release, from a scratch copy of this checkout, so that the checkout's own install (built for the
// Node that runs it) is left alone. CI uses it for the newest supported release (.ci/run).
//
// The Node binary comes from the npm registry package node-<platform>-<arch> (the official build,
// with its headers, so better-sqlite3 compiles against it offline); it is kept in
// ~/.cache/tessera/node-<version> and reused. The copy holds what git tracks plus untracked files
// not ignored (so uncommitted work is tested too), and sees ../shared through a link when the
// checkout has one beside it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [version, ...filters] = process.argv.slice(2);
if (!version || !/^\d+\.\d+\.\d+$/.test(version)) {
  console.error('usage: node scripts/test-on-node.mjs <major.minor.patch> [test filters…]');
  process.exit(2);
}

const run = (cmd, args, options = {}) => {
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
};

// 1. The Node release, from the npm registry.
const pkgName = `node-${process.platform}-${process.arch}`;
const cacheDir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tessera', `node-${version}`);
const nodeHome = join(cacheDir, 'node_modules', pkgName);
const nodeBin = join(nodeHome, 'bin', 'node');
if (!existsSync(nodeBin)) {
  console.error(`[tessera] installing Node.js ${version} (${pkgName} from the npm registry) into ${cacheDir}`);
  mkdirSync(cacheDir, { recursive: true });
  if (run('npm', ['install', '--prefix', cacheDir, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `${pkgName}@${version}`]) !== 0 || !existsSync(nodeBin)) {
    console.error(`[tessera] could not install ${pkgName}@${version}`);
    process.exit(1);
  }
}

// 2. A scratch copy of the checkout.
const scratch = mkdtempSync(join(tmpdir(), `tessera-node${version.split('.')[0]}-`));
const copy = join(scratch, 'tessera');
const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
if (listed.status !== 0) {
  console.error('[tessera] test-on-node needs a git checkout (it copies what git lists)');
  process.exit(1);
}
for (const file of listed.stdout.split('\0').filter(Boolean)) {
  if (!existsSync(join(root, file))) continue; // deleted in the working tree
  mkdirSync(dirname(join(copy, file)), { recursive: true });
  cpSync(join(root, file), join(copy, file));
}
const shared = join(root, '..', 'shared');
if (existsSync(shared)) symlinkSync(shared, join(scratch, 'shared'));

// 3. npm test there, with that Node first on PATH and its headers for native addons.
console.error(`[tessera] npm test on Node.js ${version} in ${copy}`);
let status = 1;
try {
  status = run('npm', ['test', ...(filters.length ? ['--', ...filters] : [])], {
    cwd: copy,
    env: { ...process.env, PATH: `${join(nodeHome, 'bin')}${delimiter}${process.env.PATH}`, npm_config_nodedir: nodeHome },
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(status);
