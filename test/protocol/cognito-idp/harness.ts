/**
 * The cognito-idp tests' server: a real Tessera from the composition root (startTestServer →
 * createTessera), an unmodified @aws-sdk/client-cognito-identity-provider signed with the root
 * credentials, the captured log (tests read the codes it carries) and an injectable clock.
 *
 * A few tests exercise the user-pool service API the hosted endpoints use (upsertFederatedUser,
 * authenticatePassword, verifyIdToken…), for which no AWS operation exists; `userPools` is
 * the running server's own service.
 */
import assert from 'node:assert/strict';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { UserPools } from '../../../src/services/cognito-idp/index.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../../helpers/server.js';

export interface IdpHarness {
  url: string;
  region: string;
  accountId: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  server: TestServer;
  userPools: UserPools;
  idp: CognitoIdentityProviderClient;
  /** Log lines written so far (parsed JSON). */
  logs: Array<Record<string, unknown>>;
  /** The confirmation / reset codes of a user, read through Tessera's admin endpoint. */
  codes(userPoolId: string, username: string): Promise<Array<{ purpose: string; code: string }>>;
  /** The pool's published JWKS (`<issuer>/.well-known/jwks.json`). */
  jwks(userPoolId: string): Promise<{ keys: Array<Record<string, unknown>> }>;
  /** What the injected clock says now (the server's time). */
  now(): Date;
  /** Moves the injected clock. */
  advance(seconds: number): void;
  /** Stops the injected clock where it is (advance still moves it) until thaw(). */
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

/** A clock for createTessera that tests can move and stop; thawed, time resumes from where it stood. */
export function testClock() {
  let offsetMs = 0;
  let frozenAt: number | undefined;
  return {
    now: () => new Date((frozenAt ?? Date.now()) + offsetMs),
    advance(seconds: number) {
      offsetMs += seconds * 1000;
    },
    freeze() {
      frozenAt ??= Date.now();
    },
    thaw() {
      if (frozenAt !== undefined) offsetMs -= Date.now() - frozenAt;
      frozenAt = undefined;
    },
  };
}

export async function startIdp(options: { publicUrl?: string; databaseUrl?: string; passwordDerivation?: TestServerOptions['passwordDerivation'] } = {}): Promise<IdpHarness> {
  const time = testClock();
  const clock = time.now;
  const server = await startTestServer({
    clock,
    captureLogs: true,
    region: 'us-east-1',
    accountId: '123456789012',
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.passwordDerivation ? { passwordDerivation: options.passwordDerivation } : {}),
  });
  const credentials = server.rootCredentials;
  const idp = new CognitoIdentityProviderClient({ endpoint: server.url, region: server.region, credentials, maxAttempts: 1 });
  const basic = `Basic ${Buffer.from(`${credentials.accessKeyId}:${credentials.secretAccessKey}`).toString('base64')}`;
  return {
    url: server.url,
    region: server.region,
    accountId: server.accountId,
    credentials,
    server,
    userPools: server.tessera.userPools,
    idp,
    logs: server.logs,
    async codes(userPoolId, username) {
      const res = await fetch(`${server.url}/_tessera/user-pools/${encodeURIComponent(userPoolId)}/users/${encodeURIComponent(username)}/codes`, { headers: { authorization: basic } });
      assert.equal(res.status, 200, `admin codes endpoint: ${res.status}`);
      return ((await res.json()) as { codes: Array<{ purpose: string; code: string }> }).codes;
    },
    async jwks(userPoolId) {
      const res = await fetch(`${server.tessera.config.publicUrl}/${userPoolId}/.well-known/jwks.json`);
      assert.equal(res.status, 200, `jwks: ${res.status}`);
      return (await res.json()) as { keys: Array<Record<string, unknown>> };
    },
    now: time.now,
    advance: time.advance,
    freeze: time.freeze,
    thaw: time.thaw,
    async close() {
      idp.destroy();
      await server.close();
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
