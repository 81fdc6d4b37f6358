/** A real Tessera and an unmodified @aws-sdk/client-iam pointed at it, plus assertion helpers. */
import assert from 'node:assert/strict';
import { IAMClient } from '@aws-sdk/client-iam';
import { startTestServer, type TestServer } from '../../helpers/server.js';

export interface IamHarness {
  server: TestServer;
  iam: IAMClient;
  accountId: string;
  close(): Promise<void>;
}

export async function startIam(): Promise<IamHarness> {
  const server = await startTestServer();
  const iam = new IAMClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials, maxAttempts: 1 });
  return {
    server,
    iam,
    accountId: server.accountId,
    async close() {
      iam.destroy();
      await server.close();
    },
  };
}

/**
 * Asserts a call fails with an IAM error code. For modeled errors the SDK's class name is the
 * shape name (`NoSuchEntityException`) and the wire code is kept in `Code`; for unmodeled codes
 * `name` is the code itself.
 */
export async function rejectsWith(call: Promise<unknown>, code: string, message?: string | RegExp, status?: number): Promise<void> {
  await assert.rejects(call, (e: unknown) => {
    const err = e as { name: string; Code?: string; message: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.Code ?? err.name, code, `code of ${err.name}: ${err.message}`);
    assert.ok(err.name === code || err.name === `${code}Exception`, `SDK error name ${err.name} names ${code}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    if (status !== undefined) assert.equal(err.$metadata?.httpStatusCode, status);
    return true;
  });
}

export const trustPolicy = (federated = 'cognito-identity.amazonaws.com') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: federated }, Action: 'sts:AssumeRoleWithWebIdentity' }],
  });

export const allowPolicy = (action = 's3:GetObject', resource = 'arn:aws:s3:::bucket/*') =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });

/** The SDK returns policy documents as IAM sends them: URL-encoded JSON. */
export function decodeDocument(doc: string | undefined): unknown {
  assert.ok(doc !== undefined, 'a policy document is returned');
  return JSON.parse(decodeURIComponent(doc));
}
