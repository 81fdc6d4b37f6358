/**
 * A Tessera serving Cognito Identity for these tests. When src/app.ts already wires the service
 * (it answers AWSCognitoIdentityService.ListIdentityPools), this is just startTestServer; until
 * then it composes the same parts app.ts does (storage, vault, IAM, authoriser, OIDC verifier)
 * plus the Cognito Identity operations, the OpenID signing ring and the login verifier.
 */
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type ConfigInput } from '../../../src/config/index.js';
import { loadRootCredentials } from '../../../src/app.js';
import { openStorage } from '../../../src/storage/index.js';
import { createCredentialVault } from '../../../src/credentials/index.js';
import { createIamDirectory } from '../../../src/services/iam/directory.js';
import { iamOperations } from '../../../src/services/iam/index.js';
import { stsOperations } from '../../../src/services/sts/index.js';
import { createOidcVerifier } from '../../../src/tokens/oidc.js';
import { createAuthorizer } from '../../../src/authz/index.js';
import { createAwsEndpoint } from '../../../src/http/aws-endpoint.js';
import { buildHttpServer } from '../../../src/http/server.js';
import { createSigningKeyRing } from '../../../src/keys/signing-keys.js';
import { createLoginVerifier } from '../../../src/tokens/logins/index.js';
import { cognitoIdentityOperations, MAX_OPEN_ID_TOKEN_SECONDS } from '../../../src/services/cognito-identity/index.js';
import type { Principal } from '../../../src/credentials/principal.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

export type Options = ConfigInput & { clock?: () => Date; keepDataDir?: boolean };

const ROOT = { rootAccessKeyId: 'AKIATESSERATEST0001', rootSecretAccessKey: 'tessera-test-root-secret-key-0000000000' };

async function appServesCognito(): Promise<boolean> {
  const probe = await startTestServer();
  try {
    const res = await fetch(probe.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetId' },
      body: '{}',
    });
    const body = (await res.json()) as { __type?: string };
    return body.__type !== 'UnknownOperationException';
  } finally {
    await probe.close();
  }
}

let wired: Promise<boolean> | undefined;

export async function startCognitoServer(overrides: Options = {}): Promise<TestServer> {
  wired ??= appServesCognito();
  if (await wired) return startTestServer(overrides);
  return composeServer(overrides);
}

async function composeServer(overrides: Options): Promise<TestServer> {
  const { clock: clockOverride, keepDataDir, ...configOverrides } = overrides;
  const dataDir = configOverrides.dataDir ?? mkdtempSync(join(tmpdir(), 'tessera-ci-test-'));
  const config = loadConfig({ port: 0, host: '127.0.0.1', dataDir, ...ROOT, logLevel: process.env.TESSERA_TEST_LOG ?? 'silent', ...configOverrides });
  const log = pino({ level: config.logLevel });
  const clock = clockOverride ?? (() => new Date());
  mkdirSync(config.dataDir, { recursive: true });
  const storage = await openStorage({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const root = loadRootCredentials(config);
  const vault = createCredentialVault({ storage, clock });
  const iam = createIamDirectory(storage, config.accountId);
  const authorizer = createAuthorizer(iam);
  const oidc = createOidcVerifier({ clock });
  const openIdKeys = createSigningKeyRing({ storage, clock, name: 'openid', maxTokenLifetimeSeconds: MAX_OPEN_ID_TOKEN_SECONDS });
  const logins = createLoginVerifier({ iam, oidc, openIdKeys, publicUrl: config.publicUrl, region: config.region, clock });
  const rootPrincipal: Principal = { kind: 'root', accountId: config.accountId, arn: `arn:aws:iam::${config.accountId}:root`, userId: config.accountId, accessKeyId: root.accessKeyId };
  const operations = [
    ...iamOperations({ storage, accountId: config.accountId }),
    ...stsOperations({ iam, vault, oidc, authorizer, accountId: config.accountId, clock }),
    ...cognitoIdentityOperations({ storage, accountId: config.accountId, region: config.region, publicUrl: config.publicUrl, clock, iam, vault, authorizer, logins, openIdKeys }),
  ];
  const awsEndpoint = createAwsEndpoint({
    operations,
    authorizer,
    clock,
    region: config.region,
    accountId: config.accountId,
    log,
    async lookupCredentials(accessKeyId, sessionToken) {
      if (accessKeyId.startsWith('ASIA')) {
        if (!sessionToken) return undefined;
        const session = await vault.open(accessKeyId, sessionToken);
        const principal: Principal = {
          kind: 'assumed-role',
          accountId: session.accountId,
          arn: `arn:aws:sts::${session.accountId}:assumed-role/${session.roleName}/${session.sessionName}`,
          userId: `${session.roleId}:${session.sessionName}`,
          accessKeyId,
          session,
        };
        return { secretAccessKey: session.secretAccessKey, principal, expiresAt: new Date(session.expiresAt * 1000) };
      }
      if (accessKeyId === root.accessKeyId) return { secretAccessKey: root.secretAccessKey, principal: rootPrincipal };
      return undefined;
    },
  });
  const http = buildHttpServer({ awsEndpoint, log, indexPage: () => 'tessera', health: async () => ({ ok: true }) });
  await http.listen({ port: 0, host: '127.0.0.1' });
  const addr = http.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  let closing: Promise<void> | undefined;
  const tessera = {
    config,
    http,
    storage,
    rootCredentials: root,
    log,
    async listen() {
      return { host: '127.0.0.1', port, url: `http://127.0.0.1:${port}` };
    },
    close() {
      closing ??= (async () => {
        await http.close();
        await storage.close();
      })();
      return closing;
    },
  };
  return {
    url: `http://127.0.0.1:${port}`,
    region: config.region,
    accountId: config.accountId,
    rootCredentials: { accessKeyId: root.accessKeyId, secretAccessKey: root.secretAccessKey },
    tessera,
    dataDir,
    async close() {
      await tessera.close();
      if (!keepDataDir && !configOverrides.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
