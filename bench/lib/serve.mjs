/**
 * `node bench/lib/serve.mjs <buildDir> serve …`: the CLI of a private build (same main() that
 * bin/tessera.mjs loads from dist/), so a benchmark can run a build other than dist/.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [buildDir, ...argv] = process.argv.slice(2);
const { main } = await import(pathToFileURL(resolve(buildDir, 'src', 'cli', 'main.js')).href);
await main(argv);
