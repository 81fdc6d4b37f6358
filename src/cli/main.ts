/**
 * `tessera` command line. Thin: parses flags, builds the config, calls createTessera, wires
 * signals. `tessera serve [--port 4590] [--host 127.0.0.1] [--data-dir ./.tessera]
 * [--database-url postgres://…] [--public-url URL] [--demo | --no-demo]`.
 */
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { configFromEnv, ConfigError, loadConfig, redactUrl, type Config, type ConfigInput } from '../config/index.js';
import type { RootCredentials } from '../credentials/root.js';
import type { DemoInfo, Tessera } from '../app.js';
import type { DevIdps } from '../devidp/index.js';
import { runPrimary, tellPrimary } from './cluster.js';

const USAGE = `Usage: tessera serve [options]
       tessera doctor (--identity-pool <id> | --role-arn <arn> [--saml] | --user-pool-client <poolId>:<clientId>) --token <file|-> [--endpoint URL]  (tessera doctor --help)

Options (environment variable in brackets):
  --port <n>            listen port, default 4590                     [TESSERA_PORT]
  --host <addr>         listen address, default 127.0.0.1            [TESSERA_HOST]
  --data-dir <dir>      data directory, default ./.tessera            [TESSERA_DATA_DIR]
  --database-url <url>  postgres://… to use PostgreSQL instead of SQLite [TESSERA_DATABASE_URL]
  --public-url <url>    issuer of Tessera's tokens, default http://localhost:<port> [TESSERA_PUBLIC_URL]
  --demo                demo mode: the demo tenant, local data stores (moto_server) behind the
                        gateway and the demo page at /; loopback --host only [TESSERA_DEMO=true]
  --no-demo             no demo mode (the default of tessera serve; npm start passes --demo)
  --dev-idps            the development identity providers (OIDC, SAML, Google, Apple, Facebook,
                        Amazon, Twitter stand-ins) without the demo; implied by --demo; loopback
                        --host only [TESSERA_DEV_IDPS=true]
  --log-level <level>   fatal|error|warn|info|debug|trace|silent, default info [TESSERA_LOG_LEVEL]
  --workers <n|auto>    processes serving the port (auto = one per CPU), default 1 [TESSERA_WORKERS]
  --provider-endpoint <KEY=URL>  repeatable: where to reach a social provider instead of its
                        own endpoint (KEY: accounts.google.com, appleid.apple.com,
                        graph.facebook.com, www.amazon.com, api.twitter.com; URL https://,
                        a path is kept as a prefix) [TESSERA_PROVIDER_ENDPOINTS="KEY=URL,KEY=URL"]
  --provider-timeout-ms <n>  deadline of each call to a social provider, default 5000
                        [TESSERA_PROVIDER_TIMEOUT_MS]
  --gateway-port <n>    SigV4 gateway to S3/DynamoDB/HTTP APIs; off when unset [TESSERA_GATEWAY_PORT]
  --gateway-s3 <url>    S3-compatible upstream of the gateway          [TESSERA_GATEWAY_S3_URL]
  --gateway-dynamodb <url>  DynamoDB-compatible upstream               [TESSERA_GATEWAY_DYNAMODB_URL]
  --gateway-api <ID=URL>    HTTP API behind execute-api (repeatable)   [TESSERA_GATEWAY_APIS="ID=URL,…"]
Also: TESSERA_ROOT_ACCESS_KEY_ID + TESSERA_ROOT_SECRET_ACCESS_KEY (root credentials; generated
and kept in the data dir when unset), TESSERA_REGION (us-east-1), TESSERA_ACCOUNT_ID (000000000000);
the gateway's upstream credentials and regions: TESSERA_GATEWAY_S3_ACCESS_KEY_ID,
TESSERA_GATEWAY_S3_SECRET_ACCESS_KEY, TESSERA_GATEWAY_S3_REGION and the same with DYNAMODB.`;

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  if (command === 'doctor') {
    const { doctorCommand } = await import('./doctor.js');
    process.exitCode = await doctorCommand(rest, {
      env: process.env,
      readStdin: async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks).toString('utf8');
      },
      out: (line) => console.log(line),
      err: (line) => console.error(line),
      now: () => new Date(),
    });
    return;
  }
  if (command !== 'serve') {
    console.error(`tessera: unknown command '${command}'\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  let flags: ConfigInput;
  try {
    const { values } = parseArgs({
      args: rest,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        'public-url': { type: 'string' },
        demo: { type: 'boolean' },
        'no-demo': { type: 'boolean' },
        'dev-idps': { type: 'boolean' },
        'log-level': { type: 'string' },
        workers: { type: 'string' },
        'provider-endpoint': { type: 'string', multiple: true },
        'provider-timeout-ms': { type: 'string' },
        'gateway-port': { type: 'string' },
        'gateway-s3': { type: 'string' },
        'gateway-dynamodb': { type: 'string' },
        'gateway-api': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      console.log(USAGE);
      return;
    }
    flags = {};
    if (values.port !== undefined) flags.port = values.port;
    if (values.host !== undefined) flags.host = values.host;
    if (values['data-dir'] !== undefined) flags.dataDir = values['data-dir'];
    if (values['database-url'] !== undefined) flags.databaseUrl = values['database-url'];
    if (values['public-url'] !== undefined) flags.publicUrl = values['public-url'];
    if (values['log-level'] !== undefined) flags.logLevel = values['log-level'];
    if (values.workers !== undefined) flags.workers = values.workers;
    if (values.demo && values['no-demo']) throw new Error('--demo and --no-demo contradict each other');
    if (values.demo) flags.demo = true;
    if (values['no-demo']) flags.demo = false;
    if (values['dev-idps']) flags.devIdps = true;
    if (values['provider-endpoint'] !== undefined) flags.providerEndpoints = values['provider-endpoint'];
    if (values['provider-timeout-ms'] !== undefined) flags.providerTimeoutMs = values['provider-timeout-ms'];
    if (values['gateway-port'] !== undefined) flags.gatewayPort = values['gateway-port'];
    if (values['gateway-s3'] !== undefined) flags.gatewayS3Url = values['gateway-s3'];
    if (values['gateway-dynamodb'] !== undefined) flags.gatewayDynamoDbUrl = values['gateway-dynamodb'];
    if (values['gateway-api'] !== undefined) flags.gatewayApis = values['gateway-api'];
  } catch (err) {
    console.error(`tessera: ${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  let config;
  try {
    config = loadConfig(configFromEnv(process.env), flags);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`tessera: ${err.message}`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }

  if (config.workers > 1 && cluster.isPrimary) {
    await runPrimary(config, { banner: (url, root) => printBanner(config, url, root), say: (line) => console.error(line) });
    return;
  }
  const worker = cluster.isWorker ? cluster.worker : undefined;

  let tessera: Tessera;
  try {
    // Loaded here, not at the top: a cluster primary never needs the application (its memory).
    const { createTessera } = await import('../app.js');
    // A worker's log lines say which worker wrote them.
    tessera = await createTessera(config, worker ? { logFields: { worker: worker.id } } : {});
  } catch (err) {
    if (!worker) throw err;
    tellPrimary({ tessera: 'failed', error: (err as Error).message });
    process.exit(1);
  }
  // Signal handlers go in before the listening line is printed: a supervisor may stop us at once.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    tessera.log.info({ signal }, 'draining in-flight requests and closing storage');
    tessera.close().then(
      () => process.exit(0),
      (err) => {
        tessera.log.error({ err }, 'error while closing');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A worker whose primary is gone has no one to hand it connections: drain and leave.
  if (worker) process.on('disconnect', () => stop('primary gone'));
  const { url, gatewayUrl } = await tessera.listen();
  if (worker) tellPrimary({ tessera: 'listening', url });
  else printBanner(config, url, tessera.rootCredentials, gatewayUrl, tessera.demo, tessera.devIdps);
}

function printBanner(config: Config, url: string, root: RootCredentials, gatewayUrl?: string, demo?: DemoInfo, devIdps?: DevIdps): void {
  const lines = [
    '',
    `  Tessera is listening on ${url}  (public URL ${config.publicUrl})`,
    `  storage: ${config.databaseUrl ? `PostgreSQL ${redactUrl(config.databaseUrl)}` : `SQLite in ${config.dataDir}`}`,
    `  region ${config.region}, account ${config.accountId}`,
    `  ${config.workers > 1 ? `${config.workers} worker processes` : 'one process'}`,
    `  open ${config.publicUrl}/ for what to try next; health at ${config.publicUrl}/health`,
  ];
  const gw = config.gateway;
  if (gw) {
    const routes = [gw.s3 ? `s3 → ${gw.s3.url}` : '', gw.dynamodb ? `dynamodb → ${gw.dynamodb.url}` : '', ...Object.entries(gw.apis).map(([id, u]) => `execute-api ${id} → ${u}`)].filter(Boolean);
    lines.push(`  SigV4 gateway on ${gatewayUrl ?? `port ${gw.port}`}: ${routes.length ? routes.join(', ') : 'no upstream configured'}`);
  }
  if (demo) {
    lines.push(
      '',
      '  DEMO MODE (development only): open the demo at ' + config.publicUrl + '/',
      `    identity pool ${demo.tenant.identityPoolId}, user pool ${demo.tenant.userPoolId}, demo user '${demo.tenant.username}' (password on the page)`,
      demo.storesProblem
        ? `    data step unavailable: ${demo.storesProblem}`
        : `    SigV4 gateway ${gatewayUrl ?? ''} → local S3/DynamoDB-compatible store ${demo.storesUrl ?? ''} (bucket and table '${demo.tenant.bucket}')`,
    );
  }
  if (devIdps) {
    lines.push(
      '',
      '  DEVELOPMENT IDENTITY PROVIDERS (development only: they sign in whoever you say):',
      `    sign-in pages under ${config.publicUrl}/_dev/…; provider endpoints on ${devIdps.origin} (self-signed, thumbprint ${devIdps.thumbprint})`,
      `    OpenID Provider issuer ${devIdps.oidc.issuer}, client id ${devIdps.oidc.clientId}`,
    );
  }
  if (root.source === 'generated') {
    lines.push(
      '',
      '  WARNING: no root credentials were configured, so these were generated and saved in',
      `  ${config.dataDir}/root-credentials.json. They are printed this once:`,
      `    AWS_ACCESS_KEY_ID=${root.accessKeyId}`,
      `    AWS_SECRET_ACCESS_KEY=${root.secretAccessKey}`,
      '  Set TESSERA_ROOT_ACCESS_KEY_ID and TESSERA_ROOT_SECRET_ACCESS_KEY for anything but development.',
    );
  } else {
    lines.push(`  root access key id ${root.accessKeyId} (${root.source === 'env' ? 'from the environment' : 'from the data dir'})`);
  }
  if (config.publicUrl.startsWith('http://')) {
    lines.push('', '  NOTE: the public URL is http://; fine for development, use https:// in production.');
  }
  console.error(lines.join('\n') + '\n');

}
