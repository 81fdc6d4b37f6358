/**
 * What the server serves, read from the real code two ways — never from a list kept by hand:
 *
 * - `registeredOperations`: the operations the composition root (createTessera) registers,
 *   over real embedded SQLite in a temp dir;
 * - `wireServedOperations`: a real Tessera (createTessera) asked, in-process through fastify's
 *   inject, for every operation of every model; an operation is served unless the answer is the
 *   protocol's "no such operation" code (awsQuery `InvalidAction`, awsJson1_1
 *   `UnknownOperationException`). This also catches a service wired into app.ts that the first
 *   list does not know about.
 *
 * And the hosted OAuth 2.0 / OpenID Connect routes of the user pools two ways:
 *
 * - `hostedRoutes`: every route `oauth2Routes` (src/services/oauth2) registers, caught with
 *   fastify's onRoute hook on a bare instance;
 * - `unservedRoutes`: which of some routes a real Tessera (createTessera) does not serve,
 *   asked of its router (`hasRoute`), so a route dropped from app.ts is caught.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cognitoIdentityModel, cognitoIdpModel, iamModel, stsModel, type ServiceModel } from '../../../src/models/index.js';
import type { ServiceName } from '../../../src/wire/operation.js';
import { loadConfig } from '../../../src/config/index.js';
import { createTessera } from '../../../src/app.js';
import { openStorage } from '../../../src/storage/index.js';
import { createUserPools } from '../../../src/services/cognito-idp/index.js';
import { oauth2Routes } from '../../../src/services/oauth2/index.js';
import Fastify, { type HTTPMethods } from 'fastify';
import pino from 'pino';

export const MODELS: Record<ServiceName, ServiceModel> = {
  iam: iamModel,
  sts: stsModel,
  'cognito-identity': cognitoIdentityModel,
  'cognito-idp': cognitoIdpModel,
};

export const SERVICES = Object.keys(MODELS) as ServiceName[];

const ACCOUNT = '123456789012';

function emptyByService(): Map<ServiceName, Set<string>> {
  return new Map(SERVICES.map((s) => [s, new Set<string>()]));
}

export async function registeredOperations(): Promise<Map<ServiceName, Set<string>>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-docs-registry-'));
  const tessera = await createTessera(
    loadConfig({ dataDir, accountId: ACCOUNT, rootAccessKeyId: 'AKIADOCSREGISTRY0001', rootSecretAccessKey: 'docs-registry-secret-0000000000000000', logLevel: 'silent' }),
    { logger: pino({ level: 'silent' }) },
  );
  try {
    const out = emptyByService();
    for (const op of tessera.operations) out.get(op.service)!.add(op.name);
    return out;
  } finally {
    await tessera.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function wireServedOperations(): Promise<Map<ServiceName, Set<string>>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-docs-wire-'));
  const config = loadConfig({
    port: 0,
    dataDir,
    logLevel: 'silent',
    rootAccessKeyId: 'AKIADOCSTEST0000001',
    rootSecretAccessKey: 'docs-test-root-secret-key-0000000000',
  });
  const tessera = await createTessera(config);
  try {
    const out = emptyByService();
    for (const service of SERVICES) {
      const model = MODELS[service];
      for (const name of Object.keys(model.operations)) {
        if (model.metadata.protocol === 'json') {
          const res = await tessera.http.inject({
            method: 'POST',
            url: '/',
            headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${model.metadata.targetPrefix}.${name}` },
            payload: '{}',
          });
          if ((JSON.parse(res.body) as { __type?: string }).__type !== 'UnknownOperationException') out.get(service)!.add(name);
        } else {
          const res = await tessera.http.inject({
            method: 'POST',
            url: '/',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: `Action=${encodeURIComponent(name)}&Version=${model.metadata.apiVersion}`,
          });
          if (!res.body.includes('<Code>InvalidAction</Code>')) out.get(service)!.add(name);
        }
      }
    }
    return out;
  } finally {
    await tessera.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export interface Route {
  method: string;
  url: string;
}

const PUBLIC_URL = 'http://127.0.0.1:4590';

export async function hostedRoutes(): Promise<Route[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-docs-routes-'));
  const log = pino({ level: 'silent' });
  const storage = await openStorage({ dataDir, log });
  const app = Fastify();
  try {
    const routes: Route[] = [];
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      // HEAD is added by fastify for every GET; the table lists what the code registers.
      for (const method of methods) if (method !== 'HEAD') routes.push({ method, url: route.url });
    });
    const clock = () => new Date();
    const userPools = createUserPools({ storage, clock, publicUrl: PUBLIC_URL, region: 'us-east-1', accountId: ACCOUNT, log });
    oauth2Routes({ userPools, storage, clock, publicUrl: PUBLIC_URL, log })(app);
    await app.ready();
    return routes;
  } finally {
    await app.close();
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function unservedRoutes(routes: readonly Route[]): Promise<Route[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-docs-served-routes-'));
  const tessera = await createTessera(
    loadConfig({ dataDir, accountId: ACCOUNT, rootAccessKeyId: 'AKIADOCSREGISTRY0002', rootSecretAccessKey: 'docs-registry-secret-0000000000000000', logLevel: 'silent' }),
    { logger: pino({ level: 'silent' }) },
  );
  try {
    await tessera.http.ready();
    return routes.filter((r) => !tessera.http.hasRoute({ method: r.method as HTTPMethods, url: r.url }));
  } finally {
    await tessera.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
