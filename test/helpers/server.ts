/**
 * Starts a real Tessera (the same createTessera the CLI uses) on 127.0.0.1 with a fresh data
 * dir, for protocol and end-to-end tests. Stop it with its own handle: `await server.close()`.
 *
 * - Without a `port`, a free loopback port is picked first and the public URL set to
 *   `http://127.0.0.1:<port>`, so the issuers and discovery URLs Tessera puts in tokens and
 *   documents are the ones the test can reach (listening on port 0 would leave the public URL
 *   pointing at a port nobody listens on).
 * - `captureLogs: true` sends the log (level info, or debug/trace when TESSERA_TEST_LOG says so) into
 *   `logs` as parsed JSON lines, so tests can read the codes and reasons it carries.
 * - `clock` is passed to createTessera: every component reads time through it.
 * - `passwordDerivation` is passed to createTessera: this instance's password derivation limits
 *   (e.g. a tiny queue for overload tests), which no other instance in the process shares.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig, type ConfigInput } from '../../src/config/index.js';
import { createTessera, type CreateOptions, type Tessera } from '../../src/app.js';

export interface TestServerOptions extends ConfigInput {
  clock?: () => Date;
  keepDataDir?: boolean;
  /** Collect the log lines in `TestServer.logs`. */
  captureLogs?: boolean;
  /** The instance's password derivation limits (CreateOptions.passwordDerivation). */
  passwordDerivation?: CreateOptions['passwordDerivation'];
}

export interface TestServer {
  url: string;
  /** The SigV4 gateway's URL, when started with a `gatewayPort`. */
  gatewayUrl?: string;
  region: string;
  accountId: string;
  rootCredentials: { accessKeyId: string; secretAccessKey: string };
  tessera: Tessera;
  dataDir: string;
  /** Parsed log lines written so far (empty unless started with `captureLogs`). */
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A loopback port nobody listens on right now (the OS picks it; we release it at once). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function logSink(lines: Array<Record<string, unknown>>): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
}

/** Captured logs go to memory, not the terminal: at least info, finer when TESSERA_TEST_LOG asks. */
function captureLevel(requested: string | undefined): string {
  return requested === 'debug' || requested === 'trace' ? requested : 'info';
}

export async function startTestServer(overrides: TestServerOptions = {}): Promise<TestServer> {
  const { clock, keepDataDir, captureLogs, passwordDerivation, ...configOverrides } = overrides;
  const dataDir = configOverrides.dataDir ?? mkdtempSync(join(tmpdir(), 'tessera-test-'));
  const port = configOverrides.port ?? (await freeLoopbackPort());
  const config = loadConfig({
    host: '127.0.0.1',
    dataDir,
    rootAccessKeyId: 'AKIATESSERATEST0001',
    rootSecretAccessKey: 'tessera-test-root-secret-key-0000000000',
    logLevel: captureLogs ? captureLevel(process.env.TESSERA_TEST_LOG) : (process.env.TESSERA_TEST_LOG ?? 'silent'),
    ...(configOverrides.port === undefined ? { publicUrl: `http://127.0.0.1:${port}` } : {}),
    ...configOverrides,
    port,
  });
  const logs: Array<Record<string, unknown>> = [];
  const logger = captureLogs ? pino({ level: config.logLevel }, logSink(logs)) : pino({ level: config.logLevel });
  const tessera = await createTessera(config, { logger, ...(clock ? { clock } : {}), ...(passwordDerivation ? { passwordDerivation } : {}) });
  const { url, gatewayUrl } = await tessera.listen();
  return {
    url,
    ...(gatewayUrl ? { gatewayUrl } : {}),
    region: config.region,
    accountId: config.accountId,
    rootCredentials: { accessKeyId: tessera.rootCredentials.accessKeyId, secretAccessKey: tessera.rootCredentials.secretAccessKey },
    tessera,
    dataDir,
    logs,
    async close() {
      await tessera.close();
      if (!keepDataDir && !configOverrides.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
