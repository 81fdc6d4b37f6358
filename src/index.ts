/**
 * Tessera's public entry (`import { createTessera, loadConfig } from 'tessera'`): what an
 * embedding program needs to run Tessera in its own process, and nothing else (design.md §10).
 * Everything not exported here is internal and may change without notice.
 *
 * ```ts
 * const tessera = await createTessera(loadConfig({ port: 0, dataDir: './data' }));
 * const { url } = await tessera.listen();
 * // … point AWS clients at `url` with tessera.rootCredentials …
 * await tessera.close();
 * ```
 */
export { createTessera, type CreateOptions, type Tessera, type RootCredentials } from './app.js';
export { loadConfig, configFromEnv, ConfigError, type Config, type ConfigInput } from './config/index.js';
export { ServiceError, Refusal, ERROR_CATALOG, type ErrorCode, type Fault, type Reason } from './errors/index.js';
