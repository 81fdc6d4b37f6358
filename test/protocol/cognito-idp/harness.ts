/**
 * A real HTTP server serving the cognito-idp operations through the shared pipeline
 * (createAwsEndpoint + buildHttpServer) on 127.0.0.1:0 with SQLite storage, plus an unmodified
 * @aws-sdk/client-cognito-identity-provider pointed at it. Built here rather than through
 * createTessera so these tests do not depend on the composition root's wiring; the clock is
 * injectable, and the log is captured so tests can read the codes it carries.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { openStorage } from '../../../src/storage/index.js';
import type { Storage } from '../../../src/storage/contract.js';
import { createIamDirectory } from '../../../src/services/iam/directory.js';
import { createAuthorizer } from '../../../src/authz/index.js';
import { createAwsEndpoint } from '../../../src/http/aws-endpoint.js';
import { buildHttpServer } from '../../../src/http/server.js';
import type { Principal } from '../../../src/credentials/principal.js';
import { cognitoIdpOperations, createUserPools, type UserPools } from '../../../src/services/cognito-idp/index.js';

export interface IdpHarness {
  url: string;
  region: string;
  accountId: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  storage: Storage;
  userPools: UserPools;
  idp: CognitoIdentityProviderClient;
  /** Log lines written so far (parsed JSON). */
  logs: Array<Record<string, unknown>>;
  /** Moves the injected clock. */
  advance(seconds: number): void;
  close(): Promise<void>;
}

export async function startIdp(options: { publicUrl?: string; realClock?: boolean } = {}): Promise<IdpHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-idp-'));
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const log = pino({ level: 'info' }, sink);
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  const region = 'us-east-1';
  const accountId = '123456789012';
  const credentials = { accessKeyId: 'AKIATESSERAIDPTEST01', secretAccessKey: 'tessera-idp-test-secret-000000000000000' };
  const storage = await openStorage({ dataDir });
  const iam = createIamDirectory(storage, accountId);
  const authorizer = createAuthorizer(iam);
  const root: Principal = { kind: 'root', accountId, arn: `arn:aws:iam::${accountId}:root`, userId: accountId, accessKeyId: credentials.accessKeyId };
  const publicUrl = options.publicUrl ?? 'http://127.0.0.1:4590';
  const userPools = createUserPools({ storage, clock, publicUrl, region, accountId, log });
  const awsEndpoint = createAwsEndpoint({
    operations: cognitoIdpOperations({ userPools, storage, accountId, region, clock, log }),
    authorizer,
    clock,
    region,
    accountId,
    log,
    async lookupCredentials(accessKeyId) {
      return accessKeyId === credentials.accessKeyId ? { secretAccessKey: credentials.secretAccessKey, principal: root } : undefined;
    },
  });
  const http = buildHttpServer({ awsEndpoint, log, indexPage: () => 'tessera', health: async () => ({ ok: true }) });
  await http.listen({ port: 0, host: '127.0.0.1' });
  const addr = http.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const idp = new CognitoIdentityProviderClient({ endpoint: url, region, credentials, maxAttempts: 1 });
  return {
    url,
    region,
    accountId,
    credentials,
    storage,
    userPools,
    idp,
    logs,
    advance(seconds) {
      offsetMs += seconds * 1000;
    },
    async close() {
      idp.destroy();
      await http.close();
      await storage.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Asserts an SDK call fails with this Cognito error code (and message). */
export async function rejectsWith(call: Promise<unknown>, code: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(call, (e: unknown) => {
    const err = e as { name: string; message: string };
    assert.equal(err.name, code, `error ${err.name}: ${err.message}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

export const STRONG = 'Correct-Horse-9-battery';
