/**
 * Shared harness for the STS protocol tests: a real Tessera whose clock a test can move (so
 * credential expiry is observable without waiting), unmodified @aws-sdk/client-sts and
 * client-iam pointed at it, and an assertion that a call fails with a given AWS code/status.
 */
import assert from 'node:assert/strict';
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { startTestServer, type TestServer } from '../../helpers/server.js';

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface StsHarness {
  server: TestServer;
  iam: IAMClient;
  accountId: string;
  /** Milliseconds added to real time by the server's clock (and by clients made with `sts()`/`iamAs()`). */
  offsetMs: number;
  /** An STS client; unsigned operations ignore the placeholder credentials. */
  sts(credentials?: Creds): STSClient;
  iamAs(credentials: Creds): IAMClient;
  roleArn(name: string): string;
  createRole(name: string, trust: unknown, options?: { maxSessionDuration?: number; policy?: unknown }): Promise<string>;
  close(): Promise<void>;
}

export async function startSts(): Promise<StsHarness> {
  const state = { offsetMs: 0 };
  const server = await startTestServer({ clock: () => new Date(Date.now() + state.offsetMs) });
  const clients: Array<{ destroy(): void }> = [];
  const common = () => ({ endpoint: server.url, region: server.region, maxAttempts: 1, systemClockOffset: state.offsetMs });
  const iam = new IAMClient({ ...common(), credentials: server.rootCredentials });
  const h: StsHarness = {
    server,
    iam,
    accountId: server.accountId,
    get offsetMs() {
      return state.offsetMs;
    },
    set offsetMs(v: number) {
      state.offsetMs = v;
    },
    sts(credentials) {
      const c = new STSClient({ ...common(), credentials: credentials ?? { accessKeyId: 'unused', secretAccessKey: 'unused' } });
      clients.push(c);
      return c;
    },
    iamAs(credentials) {
      const c = new IAMClient({ ...common(), credentials });
      clients.push(c);
      return c;
    },
    roleArn: (name) => `arn:aws:iam::${server.accountId}:role/${name}`,
    async createRole(name, trust, options = {}) {
      const out = await iam.send(
        new CreateRoleCommand({
          RoleName: name,
          AssumeRolePolicyDocument: JSON.stringify(trust),
          ...(options.maxSessionDuration ? { MaxSessionDuration: options.maxSessionDuration } : {}),
        }),
      );
      if (options.policy !== undefined) {
        await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'inline', PolicyDocument: JSON.stringify(options.policy) }));
      }
      return out.Role!.Arn!;
    },
    async close() {
      for (const c of clients) c.destroy();
      iam.destroy();
      await server.close();
    },
  };
  return h;
}

/** Credentials of an STS response, in the shape SDK clients take. */
export function credsOf(out: { Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } }): Creds {
  const c = out.Credentials;
  assert.ok(c?.AccessKeyId && c.SecretAccessKey && c.SessionToken, 'the response carries credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

/**
 * Asserts a call fails with a wire code. Modeled STS errors surface as `<Shape>` classes whose
 * `Code` is the wire code (`InvalidIdentityTokenException` / `InvalidIdentityToken`); unmodeled
 * codes (`AccessDenied`, `ValidationError`) surface with `name` = the code.
 */
export async function rejectsWith(call: Promise<unknown>, code: string, message?: string | RegExp, status?: number): Promise<void> {
  await assert.rejects(call, (e: unknown) => {
    const err = e as { name: string; Code?: string; message: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.Code ?? err.name, code, `expected ${code}, got ${err.name} (${err.Code}): ${err.message}`);
    assert.ok(err.name === code || err.name === `${code}Exception`, `SDK error name ${err.name} names ${code}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    if (status !== undefined) assert.equal(err.$metadata?.httpStatusCode, status, `HTTP status of ${code}`);
    return true;
  });
}

export const policy = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });
