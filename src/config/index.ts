/**
 * Configuration: one schema, loaded from flags and environment, validated with every error
 * reported at once, then frozen (design.md principle 8). Flags win over environment variables,
 * which win over defaults. Dev-only defaults (generated root credentials, an http issuer) are
 * announced loudly by the CLI, not silently assumed.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

/** More worker processes than this is a typo, not a deployment (each holds its own heap and pool). */
export const MAX_WORKERS = 64;
/** A remembered password outliving an hour is a session, not a memo. */
export const MAX_PASSWORD_MEMO_SECONDS = 3600;

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  /** Issuer of Tessera's own tokens and base of its public links. No trailing slash. */
  readonly publicUrl: string;
  readonly region: string;
  readonly accountId: string;
  readonly rootAccessKeyId: string | undefined;
  readonly rootSecretAccessKey: string | undefined;
  /** Demo mode (`--demo`): the demo tenant, the demo's local data stores and the demo page. Loopback only. */
  readonly demo: boolean;
  /**
   * The built-in development identity providers (`--dev-idps`, implied by `--demo`): an OpenID
   * Provider, a SAML IdP and stand-ins for the social providers, served by Tessera itself, with
   * the provider-endpoint overrides pointed at them. Loopback only.
   */
  readonly devIdps: boolean;
  readonly logLevel: string;
  /** Processes serving the listener (1 = this process alone; more = a cluster primary and N workers). */
  readonly workers: number;
  /** Seconds a password proven right is remembered per process (0 = off); see password-memo.ts. */
  readonly passwordMemoSeconds: number;
  /** Social provider `Logins` key → where Tessera connects instead of the provider (tokens/social/types.ts); unset: the providers' own. */
  readonly providerEndpoints: Readonly<Record<string, string>> | undefined;
  /** Deadline of each call to a social provider, in milliseconds. */
  readonly providerTimeoutMs: number;
  /** The SigV4 gateway in front of S3, DynamoDB and HTTP APIs (src/gateway); undefined = off. */
  readonly gateway: GatewayConfig | undefined;
}

/** An upstream data service the gateway forwards to, with the credentials it re-signs with. */
export interface GatewayUpstream {
  /** Base URL, no trailing slash. */
  readonly url: string;
  readonly region: string;
  readonly accessKeyId: string | undefined;
  readonly secretAccessKey: string | undefined;
}

export interface GatewayConfig {
  /** Listen port (0 = any free port); the host is Tessera's. */
  readonly port: number;
  readonly s3: GatewayUpstream | undefined;
  readonly dynamodb: GatewayUpstream | undefined;
  /** execute-api: API ID → base URL (no trailing slash). */
  readonly apis: Readonly<Record<string, string>>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export interface ConfigInput {
  port?: string | number;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  publicUrl?: string;
  region?: string;
  accountId?: string;
  rootAccessKeyId?: string;
  rootSecretAccessKey?: string;
  /** A boolean from a flag, or `true`/`false`/`1`/`0` from the environment. */
  demo?: boolean | string;
  devIdps?: boolean | string;
  logLevel?: string;
  /** A positive integer, or 'auto' (os.availableParallelism()). */
  workers?: string | number;
  /** 0..3600. */
  passwordMemoSeconds?: string | number;
  /** `KEY=URL` entries (repeatable flag), or one comma-separated string (environment). */
  providerEndpoints?: string | string[];
  /** 100..60000. */
  providerTimeoutMs?: string | number;
  gatewayPort?: string | number;
  gatewayS3Url?: string;
  gatewayS3AccessKeyId?: string;
  gatewayS3SecretAccessKey?: string;
  gatewayS3Region?: string;
  gatewayDynamoDbUrl?: string;
  gatewayDynamoDbAccessKeyId?: string;
  gatewayDynamoDbSecretAccessKey?: string;
  gatewayDynamoDbRegion?: string;
  /** `ID=URL` pairs: a list (repeated flag) or one comma-separated string (environment). */
  gatewayApis?: string | readonly string[];
}

/** The social providers whose endpoints may be overridden (tokens/social/types.ts SOCIAL_KEYS). */
export const PROVIDER_ENDPOINT_KEYS = ['accounts.google.com', 'appleid.apple.com', 'graph.facebook.com', 'www.amazon.com', 'api.twitter.com'] as const;
export const DEFAULT_PROVIDER_TIMEOUT_MS = 5000;

/** Reads the documented TESSERA_* environment variables. */
export function configFromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  const out: ConfigInput = {};
  const set = <K extends keyof ConfigInput>(key: K, value: ConfigInput[K] | undefined) => {
    if (value !== undefined && value !== '') out[key] = value;
  };
  set('port', env.TESSERA_PORT);
  set('host', env.TESSERA_HOST);
  set('dataDir', env.TESSERA_DATA_DIR);
  set('databaseUrl', env.TESSERA_DATABASE_URL);
  set('publicUrl', env.TESSERA_PUBLIC_URL);
  set('region', env.TESSERA_REGION);
  set('accountId', env.TESSERA_ACCOUNT_ID);
  set('rootAccessKeyId', env.TESSERA_ROOT_ACCESS_KEY_ID);
  set('rootSecretAccessKey', env.TESSERA_ROOT_SECRET_ACCESS_KEY);
  set('demo', env.TESSERA_DEMO);
  set('devIdps', env.TESSERA_DEV_IDPS);
  set('logLevel', env.TESSERA_LOG_LEVEL);
  set('workers', env.TESSERA_WORKERS);
  set('passwordMemoSeconds', env.TESSERA_PASSWORD_MEMO_SECONDS);
  set('providerEndpoints', env.TESSERA_PROVIDER_ENDPOINTS);
  set('providerTimeoutMs', env.TESSERA_PROVIDER_TIMEOUT_MS);
  set('gatewayPort', env.TESSERA_GATEWAY_PORT);
  set('gatewayS3Url', env.TESSERA_GATEWAY_S3_URL);
  set('gatewayS3AccessKeyId', env.TESSERA_GATEWAY_S3_ACCESS_KEY_ID);
  set('gatewayS3SecretAccessKey', env.TESSERA_GATEWAY_S3_SECRET_ACCESS_KEY);
  set('gatewayS3Region', env.TESSERA_GATEWAY_S3_REGION);
  set('gatewayDynamoDbUrl', env.TESSERA_GATEWAY_DYNAMODB_URL);
  set('gatewayDynamoDbAccessKeyId', env.TESSERA_GATEWAY_DYNAMODB_ACCESS_KEY_ID);
  set('gatewayDynamoDbSecretAccessKey', env.TESSERA_GATEWAY_DYNAMODB_SECRET_ACCESS_KEY);
  set('gatewayDynamoDbRegion', env.TESSERA_GATEWAY_DYNAMODB_REGION);
  set('gatewayApis', env.TESSERA_GATEWAY_APIS);
  return out;
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$/;

/** Merges the layers (later wins), applies defaults, validates everything, freezes. */
export function loadConfig(...layers: ConfigInput[]): Config {
  const input: ConfigInput = Object.assign({}, ...layers);
  const problems: string[] = [];

  let port = 4590;
  if (input.port !== undefined) {
    const text = String(input.port);
    port = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`port must be an integer 0..65535, got '${text}'`);
  }
  const host = input.host ?? '127.0.0.1';
  if (!host.trim()) problems.push('host must not be empty');

  const dataDir = resolve(input.dataDir ?? './.tessera');

  const databaseUrl = input.databaseUrl;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push(`database URL must start with postgres:// or postgresql://, got '${redactUrl(databaseUrl)}'`);
  }

  let publicUrl = input.publicUrl ?? `http://localhost:${port || 4590}`;
  try {
    const u = new URL(publicUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push(`public URL must be http(s), got '${publicUrl}'`);
    if (u.search || u.hash) problems.push(`public URL must not carry a query or fragment, got '${publicUrl}'`);
    publicUrl = publicUrl.replace(/\/+$/, '');
  } catch {
    problems.push(`public URL is not a URL: '${publicUrl}'`);
  }

  const region = input.region ?? 'us-east-1';
  if (!REGION.test(region)) problems.push(`region must look like us-east-1, got '${region}'`);
  const accountId = input.accountId ?? '000000000000';
  if (!/^\d{12}$/.test(accountId)) problems.push(`account id must be 12 digits, got '${accountId}'`);

  const { rootAccessKeyId, rootSecretAccessKey } = input;
  if ((rootAccessKeyId === undefined) !== (rootSecretAccessKey === undefined)) {
    problems.push('TESSERA_ROOT_ACCESS_KEY_ID and TESSERA_ROOT_SECRET_ACCESS_KEY must be set together');
  }
  if (rootAccessKeyId !== undefined && !/^[A-Z0-9]{16,128}$/.test(rootAccessKeyId)) {
    problems.push('root access key id must be 16..128 characters of A-Z and 0-9');
  }
  if (rootAccessKeyId?.startsWith('ASIA')) problems.push("root access key id must not start with 'ASIA' (reserved for temporary credentials)");
  if (rootSecretAccessKey !== undefined && rootSecretAccessKey.length < 16) {
    problems.push('root secret access key must be at least 16 characters');
  }

  const logLevel = input.logLevel ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`log level must be one of fatal, error, warn, info, debug, trace, silent; got '${logLevel}'`);
  }

  let workers = 1;
  if (input.workers !== undefined) {
    const text = String(input.workers);
    workers = text === 'auto' ? availableParallelism() : /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) problems.push(`workers must be 'auto' or an integer 1..${MAX_WORKERS}, got '${text}'`);
  }

  let passwordMemoSeconds = 300;
  if (input.passwordMemoSeconds !== undefined) {
    const text = String(input.passwordMemoSeconds);
    passwordMemoSeconds = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(passwordMemoSeconds) || passwordMemoSeconds > MAX_PASSWORD_MEMO_SECONDS) {
      problems.push(`password memo seconds must be an integer 0..${MAX_PASSWORD_MEMO_SECONDS}, got '${text}'`);
    }
  }

  const providerEndpoints: Record<string, string> = {};
  const endpointEntries = input.providerEndpoints === undefined ? [] : typeof input.providerEndpoints === 'string' ? input.providerEndpoints.split(',') : input.providerEndpoints;
  for (const raw of endpointEntries) {
    const entry = raw.trim();
    if (!entry) continue;
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq).trim() : '';
    const url = eq > 0 ? entry.slice(eq + 1).trim() : '';
    if (!(PROVIDER_ENDPOINT_KEYS as readonly string[]).includes(key)) {
      problems.push(`provider endpoint must be KEY=URL with KEY one of ${PROVIDER_ENDPOINT_KEYS.join(', ')}; got '${entry}'`);
      continue;
    }
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.protocol !== 'https:' || parsed.search || parsed.hash || parsed.username || parsed.password) {
      problems.push(`provider endpoint for ${key} must be an https:// URL without query, fragment or credentials; got '${url}'`);
      continue;
    }
    providerEndpoints[key] = url.replace(/\/+$/, '');
  }

  let providerTimeoutMs = DEFAULT_PROVIDER_TIMEOUT_MS;
  if (input.providerTimeoutMs !== undefined) {
    const text = String(input.providerTimeoutMs);
    providerTimeoutMs = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(providerTimeoutMs) || providerTimeoutMs < 100 || providerTimeoutMs > 60_000) {
      problems.push(`provider timeout must be an integer number of milliseconds 100..60000, got '${text}'`);
    }
  }
  const gateway = loadGateway(input, region, problems);

  let demo = false;
  if (input.demo !== undefined) {
    const text = String(input.demo);
    if (['true', '1'].includes(text)) demo = true;
    else if (!['false', '0'].includes(text)) problems.push(`demo must be true or false, got '${text}'`);
  }
  if (demo && !isLoopbackHost(host)) {
    problems.push(`demo mode serves a fixed demo password and development-only content, so it listens on loopback only; --host is '${host}' (use 127.0.0.1, ::1 or localhost, or --no-demo)`);
  }
  if (demo && workers > 1) problems.push('demo mode runs in one process; use --workers 1 with --demo');
  let devIdps = demo;
  if (input.devIdps !== undefined) {
    const text = String(input.devIdps);
    if (['true', '1'].includes(text)) devIdps = true;
    else if (['false', '0'].includes(text)) devIdps = demo;
    else problems.push(`dev-idps must be true or false, got '${text}'`);
  }
  if (devIdps && !demo && !isLoopbackHost(host)) {
    problems.push(`the development identity providers sign tokens for any user who asks, so they are served on loopback only; --host is '${host}' (use 127.0.0.1, ::1 or localhost)`);
  }
  if (devIdps && !demo && workers > 1) problems.push('the development identity providers run in one process; use --workers 1 with --dev-idps');

  if (problems.length) throw new ConfigError(problems);
  return Object.freeze({
    port,
    host,
    dataDir,
    databaseUrl,
    publicUrl,
    region,
    accountId,
    rootAccessKeyId,
    rootSecretAccessKey,
    demo,
    devIdps,
    logLevel,
    workers,
    passwordMemoSeconds,
    providerEndpoints: Object.keys(providerEndpoints).length ? Object.freeze(providerEndpoints) : undefined,
    providerTimeoutMs,
    gateway,
  });
}

/** An http(s) base URL without query, fragment or credentials; trailing slashes removed. */
function upstreamUrl(what: string, text: string, problems: string[]): string {
  try {
    const u = new URL(text);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push(`${what} must be http(s), got '${redactUrl(text)}'`);
    if (u.search || u.hash) problems.push(`${what} must not carry a query or fragment, got '${redactUrl(text)}'`);
    if (u.username || u.password) problems.push(`${what} must not carry credentials (use the *_ACCESS_KEY_ID / *_SECRET_ACCESS_KEY variables)`);
  } catch {
    problems.push(`${what} is not a URL: '${redactUrl(text)}'`);
  }
  return text.replace(/\/+$/, '');
}

function loadGateway(input: ConfigInput, defaultRegion: string, problems: string[]): GatewayConfig | undefined {
  const upstream = (name: 'S3' | 'DynamoDb', url: string | undefined, keyId: string | undefined, secret: string | undefined, region: string | undefined): GatewayUpstream | undefined => {
    const env = name.toUpperCase();
    if ((keyId === undefined) !== (secret === undefined)) problems.push(`TESSERA_GATEWAY_${env}_ACCESS_KEY_ID and TESSERA_GATEWAY_${env}_SECRET_ACCESS_KEY must be set together`);
    if (region !== undefined && !REGION.test(region)) problems.push(`gateway ${name} region must look like us-east-1, got '${region}'`);
    if (url === undefined) {
      if (keyId !== undefined || region !== undefined) problems.push(`TESSERA_GATEWAY_${env}_* settings need TESSERA_GATEWAY_${env}_URL`);
      return undefined;
    }
    return Object.freeze({ url: upstreamUrl(`gateway ${name} URL`, url, problems), region: region ?? defaultRegion, accessKeyId: keyId, secretAccessKey: secret });
  };
  const s3 = upstream('S3', input.gatewayS3Url, input.gatewayS3AccessKeyId, input.gatewayS3SecretAccessKey, input.gatewayS3Region);
  const dynamodb = upstream('DynamoDb', input.gatewayDynamoDbUrl, input.gatewayDynamoDbAccessKeyId, input.gatewayDynamoDbSecretAccessKey, input.gatewayDynamoDbRegion);
  const apis: Record<string, string> = {};
  const pairs = input.gatewayApis === undefined ? [] : typeof input.gatewayApis === 'string' ? input.gatewayApis.split(',') : [...input.gatewayApis];
  for (const raw of pairs) {
    const pair = raw.trim();
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const id = eq < 0 ? '' : pair.slice(0, eq);
    if (!/^[a-zA-Z0-9]{1,64}$/.test(id)) {
      problems.push(`gateway API must be ID=URL with an ID of 1..64 letters and digits, got '${redactUrl(pair)}'`);
      continue;
    }
    if (apis[id] !== undefined) problems.push(`gateway API '${id}' is given twice`);
    apis[id] = upstreamUrl(`gateway API '${id}' URL`, pair.slice(eq + 1), problems);
  }
  if (input.gatewayPort === undefined) {
    if (s3 || dynamodb || Object.keys(apis).length) problems.push('the gateway upstreams need a gateway port (--gateway-port / TESSERA_GATEWAY_PORT)');
    return undefined;
  }
  const text = String(input.gatewayPort);
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`gateway port must be an integer 0..65535, got '${text}'`);
  return Object.freeze({ port, s3, dynamodb, apis: Object.freeze(apis) });
}

/** 127.0.0.0/8, ::1 (and its IPv4-mapped form) and localhost: where nobody else can connect. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Hides the password of a database URL for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
