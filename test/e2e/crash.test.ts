/**
 * Nothing acknowledged is lost when the server is killed mid-write (security.md R3): `tessera
 * serve` runs as a user starts it, clients create identities (guest GetId: one document;
 * GetOpenIdTokenForDeveloperIdentity: an identity and its developer login), and the process gets
 * SIGKILL at a random moment while writes are in flight. After every restart each identity
 * acknowledged before the kill must still be there, with its developer login pointing at it; at
 * the end the SQLite file must pass `PRAGMA integrity_check`.
 *
 * A SIGKILL loses the process, not the machine: what SQLite had written to the WAL survives it
 * even before an fsync, so this catches answers sent before their transaction committed (or a
 * batch answered ahead of its COMMIT), torn batches and broken recovery, not a missing fsync.
 *
 * Cycles: TESSERA_CRASH_CYCLES (default 12 on SQLite, a third of that on PostgreSQL); the
 * catalogue's CI figure is 200 (`TESSERA_CRASH_CYCLES=200 node --test dist/test/e2e/crash.test.js`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DescribeIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  LookupDeveloperIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import { serveCli, type RunningCli } from '../helpers/cli.js';
import { databaseUrl, skipUnlessPostgres } from '../storage/pg-target.js';

const ROOT = { accessKeyId: 'AKIATESSERACRASH0001', secretAccessKey: 'tessera-crash-test-root-secret-000000000000' };
const ACCOUNT = '000000000000';
const DEVELOPER = 'login.crash.example';
const LOOPS = 8;
const cyclesFromEnv = Number(process.env.TESSERA_CRASH_CYCLES);

interface Acked {
  guests: string[];
  developers: Array<{ user: string; identityId: string }>;
}

function client(url: string): CognitoIdentityClient {
  return new CognitoIdentityClient({ endpoint: url, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 });
}

async function start(args: string[]): Promise<RunningCli> {
  return serveCli(['--port', '0', '--host', '127.0.0.1', '--workers', '1', '--no-demo', ...args], {
    TESSERA_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId,
    TESSERA_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
    TESSERA_LOG_LEVEL: 'warn',
  });
}

/** Writes from LOOPS concurrent clients until the server dies; returns what was acknowledged. */
async function writeUntilKilled(server: RunningCli, poolId: string, cycle: number, killAfterMs: number): Promise<Acked> {
  const acked: Acked = { guests: [], developers: [] };
  const ci = client(server.url);
  let alive = true;
  const killed = (async () => {
    await new Promise((r) => setTimeout(r, killAfterMs));
    server.child.kill('SIGKILL');
    await server.exit;
    alive = false;
  })();
  const loop = async (n: number) => {
    for (let i = 0; alive; i++) {
      try {
        if (i % 2 === 0) {
          const out = await ci.send(new GetIdCommand({ AccountId: ACCOUNT, IdentityPoolId: poolId }));
          acked.guests.push(out.IdentityId!);
        } else {
          const user = `c${cycle}-l${n}-${i}`;
          const out = await ci.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, Logins: { [DEVELOPER]: user } }));
          acked.developers.push({ user, identityId: out.IdentityId! });
        }
      } catch {
        // The kill: in-flight requests fail and were never acknowledged.
        if (!alive || server.child.exitCode !== null || server.child.signalCode !== null) break;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  };
  await Promise.all([...Array.from({ length: LOOPS }, (_, n) => loop(n)), killed]);
  ci.destroy();
  return acked;
}

/** Every acknowledged identity exists and every acknowledged developer login still maps to its identity. */
async function verify(url: string, poolId: string, acked: Acked): Promise<void> {
  const ci = client(url);
  try {
    const check = async <T>(items: T[], one: (item: T) => Promise<void>) => {
      for (let i = 0; i < items.length; i += 16) await Promise.all(items.slice(i, i + 16).map(one));
    };
    await check(acked.guests, async (id) => {
      const out = await ci.send(new DescribeIdentityCommand({ IdentityId: id })).catch((e: Error) => assert.fail(`acknowledged identity ${id} lost: ${e.name} ${e.message}`));
      assert.equal(out.IdentityId, id);
    });
    await check(acked.developers, async ({ user, identityId }) => {
      const out = await ci
        .send(new LookupDeveloperIdentityCommand({ IdentityPoolId: poolId, DeveloperUserIdentifier: user, MaxResults: 1 }))
        .catch((e: Error) => assert.fail(`acknowledged developer login ${user} lost: ${e.name} ${e.message}`));
      assert.equal(out.IdentityId, identityId, `developer login ${user} points at another identity`);
    });
  } finally {
    ci.destroy();
  }
}

async function crashCycles(args: string[], cycles: number): Promise<{ acks: number; kills: number }> {
  let server = await start(args);
  const ci = client(server.url);
  const poolId = (await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'crash', AllowUnauthenticatedIdentities: true, DeveloperProviderName: DEVELOPER }))).IdentityPoolId!;
  ci.destroy();
  const all: Acked = { guests: [], developers: [] };
  let kills = 0;
  try {
    for (let cycle = 0; cycle < cycles; cycle++) {
      const killAfterMs = 50 + Math.floor(Math.random() * 1200);
      const acked = await writeUntilKilled(server, poolId, cycle, killAfterMs);
      kills++;
      server = await start(args);
      await verify(server.url, poolId, acked).catch((err: Error) => {
        throw new Error(`cycle ${cycle} (killed after ${killAfterMs} ms, ${acked.guests.length + acked.developers.length} acknowledged): ${err.message}`);
      });
      all.guests.push(...acked.guests);
      all.developers.push(...acked.developers);
    }
    // Everything acknowledged in every cycle is still there after the last restart.
    await verify(server.url, poolId, all);
  } finally {
    server.child.kill('SIGKILL');
    await server.exit;
  }
  return { acks: all.guests.length + all.developers.length, kills };
}

describe('crash durability', () => {
  it('keeps every acknowledged identity and developer login across SIGKILLs at random moments, on SQLite, and the file stays intact', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-crash-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const cycles = Number.isInteger(cyclesFromEnv) && cyclesFromEnv > 0 ? cyclesFromEnv : 12;
    const { acks, kills } = await crashCycles(['--data-dir', dataDir], cycles);
    assert.equal(kills, cycles);
    assert.ok(acks > cycles, `writes were acknowledged between the kills (${acks})`);
    t.diagnostic(`${kills} SIGKILLs, ${acks} acknowledged writes checked after each restart and at the end`);
    const db = new Database(join(dataDir, 'tessera.db'), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
  });

  it('keeps every acknowledged identity and developer login across SIGKILLs at random moments, on PostgreSQL', async (t) => {
    const skip = await skipUnlessPostgres();
    if (skip) return t.skip(skip);
    const name = `tessera_crash_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    t.after(async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    });
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    const cycles = Number.isInteger(cyclesFromEnv) && cyclesFromEnv > 0 ? Math.max(1, Math.ceil(cyclesFromEnv / 3)) : 4;
    const { acks, kills } = await crashCycles(['--database-url', url.href], cycles);
    assert.ok(acks > cycles, `writes were acknowledged between the kills (${acks})`);
    t.diagnostic(`${kills} SIGKILLs, ${acks} acknowledged writes checked after each restart and at the end`);
  });
});
