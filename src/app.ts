/**
 * The composition root: the only place that constructs things and wires them together
 * (config → clock → storage → keys/credentials → services → http).
 */
import { availableParallelism } from 'node:os';
import { timingSafeEqual } from 'node:crypto';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/index.js';
import { openStorage } from './storage/index.js';
import type { Storage } from './storage/contract.js';
import { createCredentialVault } from './credentials/index.js';
import { loadRootCredentials, type RootCredentials } from './credentials/root.js';
import type { Principal } from './credentials/principal.js';
import type { CredentialLookupResult } from './sigv4/index.js';
import type { Operation } from './wire/operation.js';
import { createIamDirectory } from './services/iam/directory.js';
import { iamOperations } from './services/iam/index.js';
import { createRoleDoctor, stsOperations } from './services/sts/index.js';
import { createSamlAssertionLedger } from './services/sts/saml-assertions.js';
import { parseSamlMetadata } from './services/iam/saml-metadata.js';
import { createOidcVerifier } from './tokens/oidc.js';
import { createJwtDecoder, type JwtDecoder } from './tokens/jws.js';
import { createJwksCache } from './tokens/jwks-cache.js';
import { createSocialVerifiers } from './tokens/social/index.js';
import { createAuthorizer } from './authz/index.js';
import { createAwsEndpoint } from './http/aws-endpoint.js';
import { buildHttpServer } from './http/server.js';
import { renderIndexPage } from './http/index-page.js';
import { openIdRoutes } from './http/openid-routes.js';
import { createSigningKeyRing } from './keys/signing-keys.js';
import { createLoginVerifier } from './tokens/logins/index.js';
import { cognitoIdentityOperations, createIdentityPoolDoctor, MAX_OPEN_ID_TOKEN_SECONDS, type CognitoIdentityDeps } from './services/cognito-identity/index.js';
import { doctorRoutes } from './http/doctor-routes.js';
import { asUserPoolTokenVerifier, cognitoIdpOperations, createUserPoolClientDoctor, createUserPools, type PasswordHasherOptions, type UserPools } from './services/cognito-idp/index.js';
import { oauth2Routes } from './services/oauth2/index.js';
import { adminRoutes } from './http/admin-routes.js';
import { createGateway, type Gateway } from './gateway/index.js';
import type { GatewayConfig } from './config/index.js';
import { rootCaller, seedDemoTenant, type DemoTenant } from './demo/tenant.js';
import { seedDemoData, startDemoStores, type DemoStores } from './demo/stores.js';
import { demoRoutes } from './http/demo-routes.js';
import { createTraceRecorder, type TraceRecorder } from './demo/trace.js';
import { PAGE_SECURITY_HEADERS, webPages } from './http/web-pages.js';
import { fileURLToPath } from 'node:url';
import { createDevSamlIdp } from './devidp/saml-idp.js';
import { DEMO_ACS_PATH, devSamlDemoInfo, devSamlDemoRoutes, devSamlSeeder, samlDemoRoles } from './devidp/saml/demo.js';
import { startDevIdps, type DevIdps } from './devidp/index.js';
import { seedDevIdps } from './devidp/seed.js';

export { loadRootCredentials, type RootCredentials };

export interface Tessera {
  readonly config: Config;
  readonly http: FastifyInstance;
  readonly storage: Storage;
  readonly rootCredentials: RootCredentials;
  readonly log: Logger;
  /** The user-pool domain service (what the hosted endpoints and tests that drive them use). */
  readonly userPools: UserPools;
  /** The instance's one JWT decoder and its decoded-token memo (src/tokens/jws.ts; tests read its stats). */
  readonly tokenDecoder: JwtDecoder;
  /** Every AWS operation this instance serves (what docs/compatibility.md is checked against). */
  readonly operations: readonly Operation[];
  /** The SigV4 gateway (src/gateway), when a gateway port is configured (or demo mode started its stores). */
  readonly gateway: Gateway | undefined;
  /** Demo mode only: where the demo tenant is, and whether its data stores run. */
  readonly demo: DemoInfo | undefined;
  /** Demo mode only: the demo runs' recorded traces (src/demo/trace.ts). */
  readonly trace: TraceRecorder | undefined;
  /** The development identity providers (--demo / --dev-idps only, src/devidp). */
  readonly devIdps: DevIdps | undefined;
  /** Starts listening; resolves to the bound address (port 0 → the chosen port), and the gateway's when configured. */
  listen(): Promise<{ host: string; port: number; url: string; gatewayUrl?: string }>;
  /** Stops accepting, drains in-flight requests, closes storage. Idempotent. */
  close(): Promise<void>;
}

export interface DemoInfo {
  readonly tenant: DemoTenant;
  /** The local S3/DynamoDB-compatible store the demo started (undefined: none, see `storesProblem`). */
  readonly storesUrl: string | undefined;
  readonly storesProblem: string | undefined;
}

export interface CreateOptions {
  /** Demo mode: the command that starts the local S3/DynamoDB-compatible store (default `moto_server`). */
  demoStoresCommand?: string;
  logger?: Logger;
  /** Fields on every line of the default logger (a worker's `worker` id). */
  logFields?: Record<string, unknown>;
  clock?: () => Date;
  /** Wraps the opened storage before anything uses it (instrumentation in tests, e.g. counting reads). */
  wrapStorage?: (storage: Storage) => Storage;
  /**
   * This instance's password derivation limits (tests: a small queue). Unset fields keep the
   * defaults: slots max(1, ⌊CPUs / workers⌋), DEFAULT_WAITING_PER_SLOT waiting per slot.
   */
  passwordDerivation?: PasswordHasherOptions;
}

export async function createTessera(config: Config, options: CreateOptions = {}): Promise<Tessera> {
  const log = options.logger ?? pino({ level: config.logLevel, base: options.logFields ?? undefined, timestamp: pino.stdTimeFunctions.isoTime });
  const clock = options.clock ?? (() => new Date());

  // Worker processes share the CPUs, and so the memory-hard password derivations (32 MiB each).
  // The limits belong to this instance: another Tessera in the same process has its own.
  const passwordDerivation: PasswordHasherOptions = {
    slots: options.passwordDerivation?.slots ?? Math.max(1, Math.floor(availableParallelism() / config.workers)),
    ...(options.passwordDerivation?.waitingPerSlot !== undefined ? { waitingPerSlot: options.passwordDerivation.waitingPerSlot } : {}),
  };
  // RSA signatures go to the thread pool only where worker processes leave CPUs unused.
  const signOnThreadPool = config.workers < availableParallelism();
  const opened = await openStorage({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, log });
  const storage = options.wrapStorage ? options.wrapStorage(opened) : opened;
  let stores: DemoStores | undefined;
  let trace: TraceRecorder | undefined;
  let devIdps: DevIdps | undefined;
  try {
    const rootCredentials = loadRootCredentials(config);
    const vault = createCredentialVault({ storage, clock });
    const iam = createIamDirectory(storage, config.accountId);
    const authorizer = createAuthorizer(iam);
    // Token verification state belongs to this instance: one decoder (and memo), one JWKS cache,
    // one introspection cache; nothing is shared with another instance in the same process.
    const tokenDecoder = createJwtDecoder();
    const oidc = createOidcVerifier({ clock, decoder: tokenDecoder, cache: createJwksCache({ clock }) });
    // Google and Apple keys through the same decoder, with their own JWKS cache bound by the providers' deadline.
    const socialOidc = createOidcVerifier({ clock, decoder: tokenDecoder, cache: createJwksCache({ clock, timeoutMs: config.providerTimeoutMs }) });
    // --demo / --dev-idps: the development identity providers (src/devidp), started before the
    // verifiers so the provider-endpoint overrides can point at them, trusted by their certificate's
    // thumbprint for those endpoints only (per instance).
    if (config.devIdps) devIdps = await startDevIdps({ dataDir: config.dataDir, publicUrl: config.publicUrl, clock, onError: (err) => log.error({ err }, 'dev-idps: a request failed') });
    const social = createSocialVerifiers({
      clock,
      oidc: socialOidc,
      endpoints: devIdps ? { ...(config.providerEndpoints ?? {}), ...devIdps.endpoints } : (config.providerEndpoints ?? {}),
      timeoutMs: config.providerTimeoutMs,
      ...(devIdps ? { thumbprints: [devIdps.thumbprint] } : {}),
    });
    // Tessera's own OpenID issuer (GetOpenIdToken, developer tokens): iss = the public URL.
    const openIdKeys = createSigningKeyRing({ storage, clock, name: 'openid', maxTokenLifetimeSeconds: MAX_OPEN_ID_TOKEN_SECONDS, decoder: tokenDecoder, signOnThreadPool });
    // User pools: the API, the per-pool OpenID issuers and the hosted OAuth 2.0 endpoints.
    const userPools = createUserPools({ storage, clock, publicUrl: config.publicUrl, region: config.region, accountId: config.accountId, log, passwordMemoSeconds: config.passwordMemoSeconds, decoder: tokenDecoder, passwordDerivation, signOnThreadPool });
    const logins = createLoginVerifier({
      iam,
      oidc,
      openIdKeys,
      publicUrl: config.publicUrl,
      region: config.region,
      clock,
      userPools: asUserPoolTokenVerifier(userPools),
      decoder: tokenDecoder,
      social,
      samlProviders: {
        async getTrust(arn) {
          const provider = await iam.getSamlProviderByArn(arn);
          if (!provider) return undefined;
          const metadata = parseSamlMetadata(provider.metadataDocument, clock());
          return { entityId: metadata.entityId, certificates: metadata.signingCertificates, validUntil: provider.validUntil };
        },
      },
    });
    const rootPrincipal: Principal = {
      kind: 'root',
      accountId: config.accountId,
      arn: `arn:aws:iam::${config.accountId}:root`,
      userId: config.accountId,
      accessKeyId: rootCredentials.accessKeyId,
    };
    const rootKeyBuffer = Buffer.from(rootCredentials.accessKeyId);

    const identityDeps: CognitoIdentityDeps = {
      storage,
      accountId: config.accountId,
      region: config.region,
      publicUrl: config.publicUrl,
      clock,
      iam,
      vault,
      authorizer,
      logins,
      openIdKeys,
      samlAssertions: createSamlAssertionLedger({ storage, collection: 'cognito-identity.saml-assertions', clock, onSweepError: (err) => log.warn({ err }, 'saml assertion sweep failed') }),
    };
    const stsDeps: Parameters<typeof stsOperations>[0] = {
      iam,
      vault,
      oidc,
      authorizer,
      accountId: config.accountId,
      clock,
      openIdKeys,
      publicUrl: config.publicUrl,
      social,
      decoder: tokenDecoder,
      samlAssertions: createSamlAssertionLedger({ storage, collection: 'sts.saml-assertions', clock, onSweepError: (err) => log.warn({ err }, 'saml assertion sweep failed') }),
    };
    const operations = [
      ...iamOperations({ storage, accountId: config.accountId, secrets: vault }),
      ...stsOperations(stsDeps),
      ...cognitoIdentityOperations(identityDeps),
      ...cognitoIdpOperations({ userPools, storage, accountId: config.accountId, region: config.region, clock, log }),
    ];

    const lookupCredentials = async (accessKeyId: string, sessionToken: string | undefined): Promise<CredentialLookupResult<Principal> | undefined> => {
      if (accessKeyId.startsWith('ASIA')) {
        if (!sessionToken) return undefined;
        const session = await vault.open(accessKeyId, sessionToken);
        const expiresAt = new Date(session.expiresAt * 1000);
        if (session.via === 'GetSessionToken') {
          // A user session: the claims' role fields name the user (sts GetSessionToken).
          const principal: Principal = {
            kind: 'user',
            accountId: session.accountId,
            arn: session.roleArn,
            userId: session.roleId,
            userName: session.roleName,
            accessKeyId,
            session,
          };
          return { secretAccessKey: session.secretAccessKey, principal, expiresAt };
        }
        const principal: Principal = {
          kind: 'assumed-role',
          accountId: session.accountId,
          arn: `arn:aws:sts::${session.accountId}:assumed-role/${session.roleName}/${session.sessionName}`,
          userId: `${session.roleId}:${session.sessionName}`,
          accessKeyId,
          session,
        };
        return { secretAccessKey: session.secretAccessKey, principal, expiresAt };
      }
      const candidate = Buffer.from(accessKeyId);
      if (candidate.length === rootKeyBuffer.length && timingSafeEqual(candidate, rootKeyBuffer)) {
        return { secretAccessKey: rootCredentials.secretAccessKey, principal: rootPrincipal };
      }
      if (accessKeyId.startsWith('AKIA')) {
        // An IAM user's key, read from storage on every request: an Inactive or deleted key is
        // refused at once on every node, as AWS refuses an unknown key (InvalidClientTokenId).
        const found = await iam.getAccessKey(accessKeyId);
        if (!found || found.key.status !== 'Active') return undefined;
        const secretAccessKey = await vault.openSecret(accessKeyId, found.key.sealedSecret);
        if (secretAccessKey === undefined) return undefined;
        const principal: Principal = {
          kind: 'user',
          accountId: config.accountId,
          arn: found.user.arn,
          userId: found.user.userId,
          userName: found.user.userName,
          accessKeyId,
        };
        return { secretAccessKey, principal };
      }
      return undefined;
    };
    const awsEndpoint = createAwsEndpoint({
      operations,
      authorizer,
      clock,
      region: config.region,
      accountId: config.accountId,
      log,
      lookupCredentials,
      async recordKeyUse(principal, service, region) {
        if (principal.kind === 'user' && !principal.session) {
          await iam.recordAccessKeyUse(principal.accessKeyId, service, region, clock());
        }
      },
    });
    // Demo mode: the demo tenant, and (unless a gateway is configured) local data stores behind a gateway.
    let demo: DemoInfo | undefined;
    // The demo's calls to Tessera's own operations as the account root (its seeding and its developer backend).
    const callAsRoot = rootCaller({ operations, accountId: config.accountId, region: config.region, publicUrl: config.publicUrl, clock, log });
    let gatewayConfig: GatewayConfig | undefined = config.gateway;
    // The development SAML IdP (src/devidp/saml-idp.ts): --dev-idps, implied by --demo.
    const devSaml = config.devIdps
      ? await createDevSamlIdp({ publicUrl: config.publicUrl, dataDir: config.dataDir, accountId: config.accountId, clock, defaultAcsUrl: () => (demo ? DEMO_ACS_PATH : undefined), roles: () => (demo ? samlDemoRoles(demo.tenant) : []) })
      : undefined;
    if (config.demo) {
      const tenant = await seedDemoTenant({ operations, accountId: config.accountId, region: config.region, publicUrl: config.publicUrl, clock, log, seeders: devSaml ? [devSamlSeeder(devSaml)] : [] });
      if (devIdps) {
        await seedDevIdps({ call: callAsRoot, accountId: config.accountId, identityPoolId: tenant.identityPoolId, devIdps, userPool: { userPoolId: tenant.userPoolId, clientId: tenant.clientId } });
      }
      let storesProblem: string | undefined;
      if (!gatewayConfig) {
        const started = await startDemoStores({ command: options.demoStoresCommand });
        if ('error' in started) storesProblem = started.error;
        else {
          stores = started;
          const upstream = { url: started.url, region: config.region, accessKeyId: 'AKIADEMOSTORE0000001', secretAccessKey: 'demo-store-secret-not-checked-by-moto' };
          gatewayConfig = Object.freeze({ port: 0, s3: upstream, dynamodb: upstream, apis: Object.freeze({}) });
        }
      }
      const dataUrl = stores?.url ?? gatewayConfig?.s3?.url;
      if (stores) await seedDemoData(stores.url, config.region, tenant.bucket, tenant.table);
      else if (!gatewayConfig) storesProblem ??= 'no gateway';
      if (storesProblem) log.warn({ problem: storesProblem }, 'demo: the data step is unavailable (no local S3/DynamoDB-compatible store)');
      demo = Object.freeze({ tenant, storesUrl: dataUrl, storesProblem });
      trace = createTraceRecorder({ clock });
    }
    let gatewayUrl: string | undefined;
    // dist/src/app.js → dist/web (built by scripts/ensure.mjs from web/).
    const pages = webPages(fileURLToPath(new URL('../web/', import.meta.url)));
    const gateway = gatewayConfig
      ? createGateway({
          config: gatewayConfig,
          authorizer,
          lookupCredentials,
          clock,
          region: config.region,
          accountId: config.accountId,
          log,
          publicUrl: config.publicUrl,
          identity: openIdKeys,
          ...(trace ? { observe: trace.observeGateway } : {}),
        })
      : undefined;

    const http = buildHttpServer({
      awsEndpoint,
      log,
      ...(trace ? { instrument: trace.instrument } : {}),
      // Demo mode: the demo page (when built); otherwise the landing page, which links the doctor and the console.
      indexPage: () => {
        const html = demo ? pages.page('index.html') : undefined;
        return html !== undefined ? { html, headers: PAGE_SECURITY_HEADERS } : renderIndexPage(config, rootCredentials, demo ? { ...demo, gatewayUrl } : undefined);
      },
      routes: [
        openIdRoutes({ publicUrl: config.publicUrl, keys: openIdKeys }),
        oauth2Routes({ userPools, storage, clock, publicUrl: config.publicUrl, log }, devIdps ? { upstream: { configure: [(c) => devIdps!.trustUpstream(c)] } } : {}),
        adminRoutes({ rootCredentials, userPools }),
        doctorRoutes({ doctor: createIdentityPoolDoctor(identityDeps), roleDoctor: createRoleDoctor(stsDeps), userPoolClientDoctor: createUserPoolClientDoctor(userPools), authorizer, lookupCredentials, clock, region: config.region, accountId: config.accountId, log }),
        pages.routes({ demo: demo !== undefined }),
        ...(devIdps ? [devIdps.routes] : []),
        ...(demo && devIdps ? [devIdps.demoBackendRoutes] : []),
        ...(demo && trace
          ? [
              demoRoutes({
                demo,
                trace,
                gatewayUrl: () => gatewayUrl,
                region: config.region,
                clock,
                callAsRoot,
                describe: () => ({ saml: devSaml && demo ? devSamlDemoInfo(devSaml, demo.tenant) : null, ...(devIdps ? { devIdps: devIdps.describe() } : {}) }),
              }),
              trace.routes,
            ]
          : []),
        ...(devSaml ? [devSaml.routes()] : []),
        ...(devSaml && demo ? [devSamlDemoRoutes({ clock, secure: config.publicUrl.startsWith('https:') })] : []),
      ],
      health: async () => {
        try {
          await storage.ping();
          return { ok: true };
        } catch (err) {
          return { ok: false, detail: (err as Error).message };
        }
      },
    });

    let closing: Promise<void> | undefined;
    return {
      config,
      http,
      storage,
      rootCredentials,
      log,
      operations,
      userPools,
      tokenDecoder,
      gateway,
      demo,
      trace,
      devIdps,
      async listen() {
        await http.listen({ port: config.port, host: config.host });
        const addr = http.server.address();
        const port = typeof addr === 'object' && addr ? addr.port : config.port;
        const host = config.host.includes(':') ? `[${config.host}]` : config.host;
        const listening = { host: config.host, port, url: `http://${host}:${port}` };
        if (!gateway) return listening;
        ({ url: gatewayUrl } = await gateway.listen(config.host));
        return { ...listening, gatewayUrl };
      },
      close() {
        closing ??= (async () => {
          await gateway?.close();
          await http.close();
          await stores?.close();
          trace?.close();
          await devIdps?.close();
          await storage.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    trace?.close();
    await stores?.close();
    await devIdps?.close();
    await storage.close();
    throw err;
  }
}

