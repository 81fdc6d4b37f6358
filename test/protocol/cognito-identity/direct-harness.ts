/**
 * The real composition root (createTessera) over a counting proxy of real embedded SQLite in a
 * temp dir, its operations called directly (no HTTP), with one pool
 * accepting two test OIDC issuers and authenticated/unauthenticated roles. For tests that count
 * storage calls or put the store into the state a crash would leave.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { OperationContext } from '../../../src/wire/operation.js';
import { loadConfig } from '../../../src/config/index.js';
import { createTessera } from '../../../src/app.js';
import { startIssuer, type TestIssuer } from '../../helpers/issuer.js';
import { countingStorage, type CallRecord, type CountingStorage } from './counting-storage.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const PUBLIC_URL = 'http://127.0.0.1:1';

export interface Harness {
  storage: CountingStorage;
  call(name: string, input: Record<string, unknown>): Promise<any>;
  /** Runs the call twice and returns the storage calls of the second (warm) one. */
  measure(name: string, input: () => Record<string, unknown>): Promise<{ out: any; reads: CallRecord[]; writes: CallRecord[]; summary: Record<string, number> }>;
  close(): Promise<void>;
}

export async function openHarness(): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-ci-reads-'));
  let storage!: CountingStorage;
  const log = pino({ level: 'silent' });
  // The real composition root, with its storage wrapped by the counting proxy.
  const tessera = await createTessera(
    loadConfig({ dataDir, accountId: ACCOUNT, region: REGION, publicUrl: PUBLIC_URL, rootAccessKeyId: 'AKIAREADCOUNTS000001', rootSecretAccessKey: 'read-counts-secret-000000000000000000', logLevel: 'silent' }),
    { logger: log, wrapStorage: (inner) => (storage = countingStorage(inner)) },
  );
  const clock = () => new Date();
  const byName = new Map(tessera.operations.map((op) => [`${op.service}:${op.name}`, op]));
  const call = (name: string, input: Record<string, unknown>) => {
    const op = byName.get(name);
    if (!op) throw new Error(`no operation ${name}`);
    const ctx: OperationContext = { requestId: 'r', principal: undefined, now: clock(), sourceIp: '127.0.0.1', region: REGION, accountId: ACCOUNT, log, requestContext: {} };
    return op.handler(input, ctx);
  };
  return {
    storage,
    call,
    async measure(name, input) {
      await call(name, input());
      storage.reset();
      const out = await call(name, input());
      return { out, reads: storage.reads(), writes: storage.writes(), summary: storage.summary() };
    },
    async close() {
      await tessera.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `collection/id` of every get that fetched a document already fetched in the same request. */
export function repeatedReads(reads: CallRecord[]): string[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const r of reads) {
    if (r.method !== 'get') continue;
    const key = `${r.collection}/${r.id}`;
    if (seen.has(key)) repeated.push(key);
    seen.add(key);
  }
  return repeated;
}

export const trust = (poolId: string, amr: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': poolId }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr } },
      },
    ],
  });

/** A harness with a pool that accepts `issuer` and `second` and has both roles set. */
export interface PoolFixture {
  h: Harness;
  poolId: string;
  key: string;
  secondKey: string;
  login(sub: string): Record<string, string>;
  secondLogin(sub: string): Record<string, string>;
  close(): Promise<void>;
}

export async function poolFixture(): Promise<PoolFixture> {
  const issuer: TestIssuer = await startIssuer();
  const second: TestIssuer = await startIssuer({ path: '/b' });
  const h = await openHarness();
  const p1 = await h.call('iam:CreateOpenIDConnectProvider', { Url: issuer.url, ClientIDList: ['my-app'], ThumbprintList: [issuer.thumbprint] });
  const p2 = await h.call('iam:CreateOpenIDConnectProvider', { Url: second.url, ClientIDList: ['my-app'], ThumbprintList: [second.thumbprint] });
  const pool = await h.call('cognito-identity:CreateIdentityPool', {
    IdentityPoolName: 'direct',
    AllowUnauthenticatedIdentities: true,
    OpenIdConnectProviderARNs: [p1.OpenIDConnectProviderArn, p2.OpenIDConnectProviderArn],
  });
  const poolId: string = pool.IdentityPoolId;
  const auth = await h.call('iam:CreateRole', { RoleName: 'auth', AssumeRolePolicyDocument: trust(poolId, 'authenticated') });
  const unauth = await h.call('iam:CreateRole', { RoleName: 'unauth', AssumeRolePolicyDocument: trust(poolId, 'unauthenticated') });
  await h.call('cognito-identity:SetIdentityPoolRoles', { IdentityPoolId: poolId, Roles: { authenticated: auth.Role.Arn, unauthenticated: unauth.Role.Arn } });
  const key = issuer.url.slice('https://'.length);
  const secondKey = second.url.slice('https://'.length);
  return {
    h,
    poolId,
    key,
    secondKey,
    login: (sub) => ({ [key]: issuer.sign(issuer.claims({ sub, aud: 'my-app' })) }),
    secondLogin: (sub) => ({ [secondKey]: second.sign(second.claims({ sub, aud: 'my-app' })) }),
    async close() {
      await h.close();
      await issuer.close();
      await second.close();
    },
  };
}
