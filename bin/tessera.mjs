#!/usr/bin/env node
// The `tessera` command. Builds the TypeScript sources on first use, then hands over to the CLI.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  execFileSync(process.execPath, [join(root, 'scripts', 'ensure.mjs'), '--quiet'], { stdio: 'inherit' });
}
const { main } = await import(pathToFileURL(entry).href);
await main(process.argv.slice(2));
