/**
 * The gateway's upstream signature is the one the AWS SDK's own signer (@smithy/signature-v4)
 * computes for the same request: a store that verifies SigV4 (S3, MinIO, DynamoDB) accepts it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { createUpstream } from '../../../src/gateway/upstream.js';

const KEY = { accessKeyId: 'AKIDEXAMPLEUPSTREAM1', secretAccessKey: 'upstream/secret+key/0000000000000000000000' };

async function capture(run: (url: string) => Promise<void>): Promise<IncomingMessage> {
  let seen: IncomingMessage | undefined;
  const server = createServer((req, res) => {
    seen = req;
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  try {
    await run(`http://127.0.0.1:${(server.address() as { port: number }).port}/base`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return seen!;
}

for (const [service, path, query] of [
  ['s3', '/bucket/a%20key%3A%2Bwith/odd%21chars.txt', 'partNumber=1&uploadId=a%2Fb'],
  ['dynamodb', '/', ''],
] as const) {
  test(`signs ${service} requests as the AWS SDK's signer does (path as the store receives it, query canonicalised)`, async () => {
    const req = await capture(async (url) => {
      const u = createUpstream({ url, region: 'eu-central-1', ...KEY });
      const { request, response } = u.open(
        { method: 'PUT', path, query, headers: { 'content-type': 'text/plain', 'x-amz-meta-note': 'a  b', 'content-length': '5' }, payloadHash: 'UNSIGNED-PAYLOAD' },
        service,
        new Date('2026-12-07T12:34:56Z'),
      );
      request.end('hello');
      (await response).resume();
      u.close();
    });
    const auth = String(req.headers.authorization);
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)![1]!.split(';');
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) headers[name] = String(req.headers[name]);
    const [rawPath, rawQuery = ''] = (req.url ?? '').split('?');
    const queryObject: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(rawQuery)) queryObject[k] = v;
    const signer = new SignatureV4({ service, region: 'eu-central-1', credentials: KEY, sha256: Sha256, uriEscapePath: service !== 's3' });
    const expected = await signer.sign(
      { method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', path: service === 's3' ? rawPath! : decodeURIComponent(rawPath!), headers, query: queryObject },
      { signingDate: new Date('2026-12-07T12:34:56Z') },
    );
    assert.equal(auth, expected.headers.authorization);
    assert.ok(rawPath!.startsWith('/base/'), 'the upstream URL keeps its base path');
  });
}
