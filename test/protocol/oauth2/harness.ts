/**
 * A listener serving the hosted OAuth2/OIDC endpoints (oauth2Routes) over the real user-pool
 * service and storage (SQLite in a temp dir), for protocol and end-to-end tests of this folder.
 * The public URL must be the URL browsers reach, so a free loopback port is picked first and
 * the server started on it. Pools, clients, domains, IdPs and users are created through the
 * user-pool service's own directory and user store (the same code the cognito-idp API calls).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openStorage } from '../../../src/storage/index.js';
import { buildHttpServer } from '../../../src/http/server.js';
import { createUserPools, type UserPools, type ClientRecord } from '../../../src/services/cognito-idp/user-pools.js';
import { oauth2Routes } from '../../../src/services/oauth2/index.js';
import type { UserPoolRecord, UserRecord } from '../../../src/services/cognito-idp/records.js';

export const APP_CALLBACK = 'https://app.example.com/callback';
export const APP_LOGOUT = 'https://app.example.com/signed-out';

export interface HostedServer {
  url: string;
  userPools: UserPools;
  close(): Promise<void>;
  createPool(name?: string): Promise<UserPoolRecord>;
  createDomain(userPoolId: string, domain: string): Promise<void>;
  createClient(userPoolId: string, settings?: Record<string, unknown>): Promise<ClientRecord>;
  createUser(userPoolId: string, username: string, password: string, options?: { attributes?: Record<string, string>; status?: 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' }): Promise<UserRecord>;
  createOidcProvider(userPoolId: string, input: { name: string; issuer: string; clientId: string; clientSecret: string; attributeMapping?: Record<string, string>; method?: 'GET' | 'POST'; identifiers?: string[] }): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startHostedServer(options: { clock?: () => Date } = {}): Promise<HostedServer> {
  const clock = options.clock ?? (() => new Date());
  const log = pino({ level: process.env.TESSERA_TEST_LOG ?? 'silent' });
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-oauth2-'));
  const storage = await openStorage({ dataDir, log });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const userPools = createUserPools({ storage, clock, publicUrl: url, region: 'us-east-1', accountId: '123456789012', log });
  const app = buildHttpServer({
    // This harness serves the hosted endpoints only; the AWS APIs are not under test here.
    awsEndpoint: async (_request, reply) => {
      reply.code(404).send();
    },
    health: async () => ({ ok: true }),
    indexPage: () => '',
    log,
    routes: [oauth2Routes({ userPools, storage, clock, publicUrl: url, log })],
  });
  await app.listen({ port, host: '127.0.0.1' });
  const { directory, users } = userPools.internals;

  return {
    url,
    userPools,
    async close() {
      await app.close();
      await storage.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    createPool: (name = 'pool') => directory.createPool({ PoolName: name }),
    async createDomain(userPoolId, domain) {
      await directory.createDomain({ UserPoolId: userPoolId, Domain: domain });
    },
    createClient: (userPoolId, settings = {}) =>
      directory.createClient({
        UserPoolId: userPoolId,
        ClientName: 'web',
        CallbackURLs: [APP_CALLBACK],
        LogoutURLs: [APP_LOGOUT],
        AllowedOAuthFlows: ['code', 'implicit'],
        AllowedOAuthScopes: ['openid', 'email', 'profile'],
        AllowedOAuthFlowsUserPoolClient: true,
        SupportedIdentityProviders: ['COGNITO'],
        ...settings,
      }),
    async createUser(userPoolId, username, password, opts = {}) {
      const pool = (await userPools.getPool(userPoolId))!;
      const status = opts.status ?? 'CONFIRMED';
      const user = await users.create(pool, { username, attributes: opts.attributes ?? {}, status });
      return users.setPassword(pool, user, password, status);
    },
    async createOidcProvider(userPoolId, input) {
      await directory.createIdentityProvider({
        UserPoolId: userPoolId,
        ProviderName: input.name,
        ProviderType: 'OIDC',
        ProviderDetails: {
          client_id: input.clientId,
          client_secret: input.clientSecret,
          authorize_scopes: 'openid email profile',
          oidc_issuer: input.issuer,
          attributes_request_method: input.method ?? 'GET',
        },
        AttributeMapping: input.attributeMapping ?? { username: 'sub', email: 'email' },
        ...(input.identifiers ? { IdpIdentifiers: input.identifiers } : {}),
      });
    },
  };
}
