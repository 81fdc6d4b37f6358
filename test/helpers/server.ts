/**
 * Starts a real Tessera (the same createTessera the CLI uses) on 127.0.0.1:0 with a fresh data
 * dir, for protocol and end-to-end tests. Stop it with its own handle: `await server.close()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type ConfigInput } from '../../src/config/index.js';
import { createTessera, type Tessera } from '../../src/app.js';

export interface TestServer {
  url: string;
  region: string;
  accountId: string;
  rootCredentials: { accessKeyId: string; secretAccessKey: string };
  tessera: Tessera;
  dataDir: string;
  close(): Promise<void>;
}

export async function startTestServer(overrides: ConfigInput & { clock?: () => Date; keepDataDir?: boolean } = {}): Promise<TestServer> {
  const { clock, keepDataDir, ...configOverrides } = overrides;
  const dataDir = configOverrides.dataDir ?? mkdtempSync(join(tmpdir(), 'tessera-test-'));
  const config = loadConfig({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    rootAccessKeyId: 'AKIATESSERATEST0001',
    rootSecretAccessKey: 'tessera-test-root-secret-key-0000000000',
    logLevel: process.env.TESSERA_TEST_LOG ?? 'silent',
    ...configOverrides,
  });
  const logger = pino({ level: config.logLevel });
  const tessera = await createTessera(config, { logger, ...(clock ? { clock } : {}) });
  const { url } = await tessera.listen();
  return {
    url,
    region: config.region,
    accountId: config.accountId,
    rootCredentials: { accessKeyId: tessera.rootCredentials.accessKeyId, secretAccessKey: tessera.rootCredentials.secretAccessKey },
    tessera,
    dataDir,
    async close() {
      await tessera.close();
      if (!keepDataDir && !configOverrides.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
