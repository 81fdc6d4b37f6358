/** IAM operations run directly (no HTTP) over real embedded SQLite storage in a temp dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openStorage } from '../../../src/storage/index.js';
import type { Storage } from '../../../src/storage/contract.js';
import { iamOperations } from '../../../src/services/iam/index.js';
import type { Operation, OperationContext } from '../../../src/wire/operation.js';

export const ACCOUNT = '123456789012';

export interface Harness {
  storage: Storage;
  call(name: string, input: Record<string, unknown>, now?: Date): Promise<any>;
  operations: Operation[];
  close(): Promise<void>;
}

export async function openHarness(): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-iam-unit-'));
  const storage = await openStorage({ dataDir });
  const operations = iamOperations({ storage, accountId: ACCOUNT });
  const byName = new Map(operations.map((op) => [op.name, op]));
  const log = pino({ level: 'silent' });
  return {
    storage,
    operations,
    call(name, input, now = new Date('2025-01-01T00:00:00Z')) {
      const op = byName.get(name);
      if (!op) throw new Error(`no operation ${name}`);
      const ctx: OperationContext = { requestId: 'r', principal: undefined, now, sourceIp: '127.0.0.1', region: 'us-east-1', accountId: ACCOUNT, log, requestContext: {} };
      return op.handler(input, ctx);
    },
    async close() {
      await storage.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }] });
export const allow = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
