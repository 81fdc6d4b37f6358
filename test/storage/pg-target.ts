/**
 * The PostgreSQL the storage tests run against, with a fresh random schema per test file.
 * Unreachable PostgreSQL fails the run under CI (CI provides one) and skips loudly elsewhere.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const databaseUrl = process.env.TESSERA_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export function randomSchema(tag: string): string {
  return `tessera_test_${tag}_${randomBytes(6).toString('hex')}`;
}

/** undefined when reachable, else the reason. */
export async function unreachableReason(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The `skip` option for describe(): throws under CI, returns a loud message otherwise. */
export async function skipUnlessPostgres(): Promise<string | false> {
  const reason = await unreachableReason();
  if (reason === undefined) return false;
  const message = `PostgreSQL at ${redact(databaseUrl)} is unreachable (${reason})`;
  if (process.env.CI) throw new Error(`${message}; CI must provide PostgreSQL`);
  console.error(`\n!!! SKIPPING PostgreSQL storage tests: ${message}. Set TESSERA_TEST_DATABASE_URL. !!!\n`);
  return message;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

export async function query<R extends object>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
