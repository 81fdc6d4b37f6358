/**
 * The SigV4 gateway with the unmodified @aws-sdk/client-s3 and @aws-sdk/client-dynamodb against
 * moto_server: vended credentials reach the data only as far as their role policies allow.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import {
  BatchGetItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { AttachRolePolicyCommand, CreatePolicyCommand, CreateRoleCommand, DeleteRolePolicyCommand, DetachRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { repoRoot } from '../../helpers/paths.js';
import { BUCKET, CATALOG, TABLE, startGatewayWorld, type Credentials, type GatewayWorld } from './setup.js';

const run = promisify(execFile);

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

function s3(w: GatewayWorld, credentials: Creds, extra: Record<string, unknown> = {}): S3Client {
  return new S3Client({ endpoint: w.gatewayUrl, region: w.region, forcePathStyle: true, credentials, maxAttempts: 1, ...extra });
}

function ddb(w: GatewayWorld, credentials: Creds, extra: Record<string, unknown> = {}): DynamoDBClient {
  return new DynamoDBClient({ endpoint: w.gatewayUrl, region: w.region, credentials, maxAttempts: 1, ...extra });
}

/** Asserts an SDK error by name and HTTP status (and message pattern when given). */
function sdkError(name: string, status: number, message?: RegExp) {
  return (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(e.name, name, `${e.name}: ${e.message}`);
    assert.equal(e.$metadata?.httpStatusCode, status);
    if (message) assert.match(e.message, message);
    return true;
  };
}

async function text(body: unknown): Promise<string> {
  return (body as { transformToString(): Promise<string> }).transformToString();
}

describe('SigV4 gateway: S3 and DynamoDB through the unmodified SDKs', () => {
  let w: GatewayWorld;
  let rootS3: S3Client;
  let rootDdb: DynamoDBClient;
  let alice: Credentials & { identityId: string };
  let bob: Credentials & { identityId: string };

  before(async () => {
    w = await startGatewayWorld();
    rootS3 = s3(w, w.root);
    rootDdb = ddb(w, w.root);
    await rootS3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await rootS3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'public/hello.txt', Body: 'hello, guest' }));
    await rootS3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'private/secret.txt', Body: 'not for guests' }));
    await rootDdb.send(
      new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [
          { AttributeName: 'owner', KeyType: 'HASH' },
          { AttributeName: 'id', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'owner', AttributeType: 'S' },
          { AttributeName: 'id', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await rootDdb.send(
      new CreateTableCommand({
        TableName: CATALOG,
        KeySchema: [{ AttributeName: 'sku', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'sku', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await rootDdb.send(new PutItemCommand({ TableName: CATALOG, Item: { sku: { S: 'sku-1' }, name: { S: 'lamp' } } }));
    alice = await w.user('alice');
    bob = await w.user('bob');
  });
  after(async () => {
    rootS3?.destroy();
    rootDdb?.destroy();
    await w?.close();
  });

  it('lets a guest Scan the catalog with the scan-only policy and refuses its PutItem with AccessDeniedException naming principal, action and resource', async () => {
    const guest = await w.guest();
    const client = ddb(w, guest);
    try {
      const out = await client.send(new ScanCommand({ TableName: CATALOG }));
      assert.deepEqual(out.Items, [{ sku: { S: 'sku-1' }, name: { S: 'lamp' } }]);
      await assert.rejects(
        client.send(new PutItemCommand({ TableName: CATALOG, Item: { sku: { S: 'sku-2' } } })),
        sdkError('AccessDeniedException', 400, new RegExp(`^User: arn:aws:sts::${w.accountId}:assumed-role/data-guest/CognitoIdentityCredentials is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:${w.region}:${w.accountId}:table/${CATALOG} because no identity-based policy allows the dynamodb:PutItem action$`)),
      );
      const allowed = w.server.logs.find((l) => l.gateway === true && l.operation === 'Scan' && l.decision === 'Allow');
      assert.equal(allowed?.statement, 'ScanCatalog');
      assert.match(String(allowed?.policy), /data-guest-data/);
      const refused = w.server.logs.find((l) => l.gateway === true && l.operation === 'PutItem' && l.outcome === 'AccessDeniedException');
      assert.equal(refused?.decision, 'ImplicitDeny');
      assert.equal(refused?.level, 30);
    } finally {
      client.destroy();
    }
  });

  it('gives a guest only what the unauthenticated role allows: public objects, not private ones, not the items table', async () => {
    const guest = await w.guest();
    const s = s3(w, guest);
    const d = ddb(w, guest);
    try {
      const got = await s.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'public/hello.txt' }));
      assert.equal(await text(got.Body), 'hello, guest');
      await assert.rejects(s.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'private/secret.txt' })), sdkError('AccessDenied', 403));
      await assert.rejects(s.send(new ListObjectsV2Command({ Bucket: BUCKET })), sdkError('AccessDenied', 403));
      await assert.rejects(d.send(new ScanCommand({ TableName: TABLE })), sdkError('AccessDeniedException', 400));
    } finally {
      s.destroy();
      d.destroy();
    }
  });

  it('isolates two identities under the per-identity S3 prefix: each reads, writes and lists only its own', async () => {
    const a = s3(w, alice);
    const b = s3(w, bob);
    try {
      await a.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${alice.identityId}/notes.txt`, Body: 'alice notes' }));
      await b.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${bob.identityId}/notes.txt`, Body: 'bob notes' }));
      assert.equal(await text((await a.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${alice.identityId}/notes.txt` }))).Body), 'alice notes');
      await assert.rejects(b.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${alice.identityId}/notes.txt` })), sdkError('AccessDenied', 403));
      await assert.rejects(b.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${alice.identityId}/planted.txt`, Body: 'x' })), sdkError('AccessDenied', 403));
      const listed = await a.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${alice.identityId}/` }));
      assert.deepEqual(
        listed.Contents?.map((c) => c.Key),
        [`${alice.identityId}/notes.txt`],
      );
      await assert.rejects(a.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${bob.identityId}/` })), sdkError('AccessDenied', 403));
      // No prefix sent: no s3:prefix key, so the StringLike condition does not match.
      await assert.rejects(a.send(new ListObjectsV2Command({ Bucket: BUCKET })), sdkError('AccessDenied', 403));
      const denied = w.server.logs.find((l) => l.gateway === true && l.operation === 'GetObject' && l.outcome === 'AccessDenied' && l.principal === `arn:aws:sts::${w.accountId}:assumed-role/data-user/CognitoIdentityCredentials`);
      assert.equal(denied?.action, 's3:GetObject');
      assert.equal(denied?.resource, `arn:aws:s3:::${BUCKET}/${alice.identityId}/notes.txt`);
    } finally {
      a.destroy();
      b.destroy();
    }
  });

  it('answers a missing key with 403 to a caller without s3:ListBucket on the bucket, and 404 to one with it', async () => {
    const a = s3(w, alice);
    try {
      await assert.rejects(a.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${alice.identityId}/missing.txt` })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === 403);
      await assert.rejects(a.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${alice.identityId}/missing.txt` })), sdkError('AccessDenied', 403));
      await assert.rejects(rootS3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'nothing-here.txt' })), sdkError('NoSuchKey', 404));
    } finally {
      a.destroy();
    }
  });

  it('authorises DeleteObjects key by key: allowed keys are deleted, refused ones come back as AccessDenied errors', async () => {
    const a = s3(w, alice);
    try {
      await a.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${alice.identityId}/old.txt`, Body: 'old' }));
      const out = await a.send(
        new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: `${alice.identityId}/old.txt` }, { Key: `${bob.identityId}/notes.txt` }] } }),
      );
      assert.deepEqual(
        out.Deleted?.map((d) => d.Key),
        [`${alice.identityId}/old.txt`],
      );
      assert.deepEqual(
        out.Errors?.map((e) => [e.Key, e.Code]),
        [[`${bob.identityId}/notes.txt`, 'AccessDenied']],
      );
      const still = await rootS3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${bob.identityId}/notes.txt` }));
      assert.equal(await text(still.Body), 'bob notes');
    } finally {
      a.destroy();
    }
  });

  it('authorises CopyObject as GetObject on the source and PutObject on the target', async () => {
    const a = s3(w, alice);
    try {
      await assert.rejects(
        a.send(new CopyObjectCommand({ Bucket: BUCKET, Key: `${alice.identityId}/stolen.txt`, CopySource: `${BUCKET}/${bob.identityId}/notes.txt` })),
        sdkError('AccessDenied', 403),
      );
      await a.send(new CopyObjectCommand({ Bucket: BUCKET, Key: `${alice.identityId}/copy.txt`, CopySource: `${BUCKET}/${alice.identityId}/notes.txt` }));
      assert.equal(await text((await a.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${alice.identityId}/copy.txt` }))).Body), 'alice notes');
    } finally {
      a.destroy();
    }
  });

  it('isolates two identities by dynamodb:LeadingKeys: own partition read and written, the other refused, in batches and transactions too', async () => {
    const a = ddb(w, alice);
    try {
      await a.send(new PutItemCommand({ TableName: TABLE, Item: { owner: { S: alice.identityId }, id: { S: '1' }, body: { S: 'mine' } } }));
      await rootDdb.send(new PutItemCommand({ TableName: TABLE, Item: { owner: { S: bob.identityId }, id: { S: '1' }, body: { S: 'bob' } } }));
      const got = await a.send(new GetItemCommand({ TableName: TABLE, Key: { owner: { S: alice.identityId }, id: { S: '1' } } }));
      assert.equal(got.Item?.body?.S, 'mine');
      const q = await a.send(
        new QueryCommand({ TableName: TABLE, KeyConditionExpression: '#o = :me', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':me': { S: alice.identityId } } }),
      );
      assert.equal(q.Count, 1);
      await assert.rejects(a.send(new GetItemCommand({ TableName: TABLE, Key: { owner: { S: bob.identityId }, id: { S: '1' } } })), sdkError('AccessDeniedException', 400));
      await assert.rejects(a.send(new PutItemCommand({ TableName: TABLE, Item: { owner: { S: bob.identityId }, id: { S: '2' } } })), sdkError('AccessDeniedException', 400));
      await assert.rejects(
        a.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: '#o = :them', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':them': { S: bob.identityId } } })),
        sdkError('AccessDeniedException', 400),
      );
      await assert.rejects(
        a.send(
          new BatchGetItemCommand({
            RequestItems: {
              [TABLE]: {
                Keys: [
                  { owner: { S: alice.identityId }, id: { S: '1' } },
                  { owner: { S: bob.identityId }, id: { S: '1' } },
                ],
              },
            },
          }),
        ),
        sdkError('AccessDeniedException', 400),
      );
      await assert.rejects(
        a.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: TABLE, Item: { owner: { S: alice.identityId }, id: { S: '3' } } } },
              { Delete: { TableName: TABLE, Key: { owner: { S: bob.identityId }, id: { S: '1' } } } },
            ],
          }),
        ),
        sdkError('AccessDeniedException', 400, /dynamodb:DeleteItem/),
      );
      // Scan is not in the role: LeadingKeys cannot guard it, so it is not granted.
      await assert.rejects(a.send(new ScanCommand({ TableName: TABLE })), sdkError('AccessDeniedException', 400));
      const bobs = await rootDdb.send(new GetItemCommand({ TableName: TABLE, Key: { owner: { S: bob.identityId }, id: { S: '1' } } }));
      assert.equal(bobs.Item?.body?.S, 'bob');
    } finally {
      a.destroy();
    }
  });

  it('completes a multipart upload and reads the joined object back intact', async () => {
    const a = s3(w, alice);
    const key = `${alice.identityId}/multi.bin`;
    const part1 = Buffer.alloc(5 * 1024 * 1024, 'a');
    const part2 = Buffer.from('the last part');
    try {
      const { UploadId } = await a.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
      const p1 = await a.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: part1 }));
      const p2 = await a.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 2, Body: part2 }));
      await a.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: key,
          UploadId,
          MultipartUpload: {
            Parts: [
              { ETag: p1.ETag, PartNumber: 1 },
              { ETag: p2.ETag, PartNumber: 2 },
            ],
          },
        }),
      );
      const got = await a.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      const bytes = Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
      assert.equal(bytes.length, part1.length + part2.length);
      assert.ok(bytes.equals(Buffer.concat([part1, part2])));
      // Bob cannot even start an upload under Alice's prefix.
      const b = s3(w, bob);
      try {
        await assert.rejects(b.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: `${alice.identityId}/bob.bin` })), sdkError('AccessDenied', 403));
      } finally {
        b.destroy();
      }
    } finally {
      a.destroy();
    }
  });

  it('streams a large object both ways without holding it: the upload reaches the upstream before the client has sent it all, the download reaches the client before the upstream has sent it all', { timeout: 180_000 }, async () => {
    // 48 MiB here; the 1 GiB round trip and its RSS are measured by `npm run bench` (bench/gateway.mjs).
    const size = 48 * 1024 * 1024;
    const block = createHash('sha512').update('block').digest();
    const chunk = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < chunk.length; i += block.length) block.copy(chunk, i);
    const key = `${alice.identityId}/large.bin`;
    const relay = w.relay;
    const sentBefore = relay.toUpstream;
    let held = false;
    // The second half is produced only once the upstream has received 8 MiB of the first: a
    // gateway that held bodies until their end would never see it, and the test would time out.
    const body = Readable.from(
      (async function* () {
        for (let i = 0; i < size / chunk.length; i++) {
          if (i === size / chunk.length / 2) {
            held = true;
            while (relay.toUpstream - sentBefore < 8 * 1024 * 1024) await new Promise((r) => setImmediate(r));
          }
          yield chunk;
        }
      })(),
    );
    const a = s3(w, alice);
    try {
      await a.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentLength: size }));
      assert.ok(held);
      assert.ok(relay.toUpstream - sentBefore >= size, 'the whole object went upstream');

      const expected = createHash('sha256');
      for (let i = 0; i < size / chunk.length; i++) expected.update(chunk);
      // Downstream, the relay passes 8 MiB and then waits until the client has read some of it.
      relay.holdDownstreamAfter(8 * 1024 * 1024);
      const got = await a.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      const hash = createHash('sha256');
      let received = 0;
      for await (const piece of got.Body as AsyncIterable<Uint8Array>) {
        if (received === 0) relay.release();
        received += piece.length;
        hash.update(piece);
      }
      assert.equal(received, size);
      assert.equal(hash.digest('hex'), expected.digest('hex'));
    } finally {
      relay.release();
      a.destroy();
    }
  });

  it('honours a presigned URL made with vended credentials until X-Amz-Expires, and refuses it after', async () => {
    const key = `${alice.identityId}/shared.txt`;
    const a = s3(w, alice);
    try {
      await a.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'presigned body' }));
    } finally {
      a.destroy();
    }
    const gateway = new URL(w.gatewayUrl);
    const signer = new SignatureV4({ service: 's3', region: w.region, credentials: alice, sha256: Sha256, uriEscapePath: false });
    const presigned = await signer.presign(
      { method: 'GET', protocol: 'http:', hostname: gateway.hostname, port: Number(gateway.port), path: `/${BUCKET}/${encodeURIComponent(alice.identityId)}/shared.txt`, headers: { host: gateway.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, query: {} },
      { expiresIn: 60 },
    );
    const query = Object.entries(presigned.query ?? {})
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&');
    const url = `${w.gatewayUrl}${presigned.path}?${query}`;
    const ok = await fetch(url);
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal(await ok.text(), 'presigned body');
    w.advance(61);
    try {
      const late = await fetch(url);
      assert.equal(late.status, 403);
      const xml = await late.text();
      assert.match(xml, /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
    } finally {
      w.advance(-61);
    }
  });

  it('refuses expired credentials with ExpiredToken (S3) and ExpiredTokenException (DynamoDB)', async () => {
    const guest = await w.guest();
    const ahead = guest.expiration.getTime() - Date.now() + 5_000;
    w.advance(ahead / 1000);
    // The SDKs sign with their own clock: move it along, or skew would refuse them first.
    const s = s3(w, guest, { systemClockOffset: w.offsetMs() });
    const d = ddb(w, guest, { systemClockOffset: w.offsetMs() });
    try {
      await assert.rejects(s.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'public/hello.txt' })), sdkError('ExpiredToken', 400));
      await assert.rejects(d.send(new ScanCommand({ TableName: CATALOG })), sdkError('ExpiredTokenException', 400));
    } finally {
      w.advance(-ahead / 1000);
      s.destroy();
      d.destroy();
    }
  });

  it('refuses tampered credentials: a changed session token, a wrong secret, an unknown key', async () => {
    const guest = await w.guest();
    const token = guest.sessionToken;
    const flipped = token.slice(0, -6) + (token.at(-6) === 'A' ? 'B' : 'A') + token.slice(-5);
    const cases: Array<[Creds, string, number, string, number]> = [
      [{ ...guest, sessionToken: flipped }, 'InvalidToken', 400, 'UnrecognizedClientException', 400],
      [{ ...guest, secretAccessKey: guest.secretAccessKey.replace(/^./, (c) => (c === 'x' ? 'y' : 'x')) }, 'SignatureDoesNotMatch', 403, 'InvalidSignatureException', 400],
      [{ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'whatever-secret-0000000000000000000000' }, 'InvalidAccessKeyId', 403, 'UnrecognizedClientException', 400],
    ];
    for (const [credentials, s3Code, s3Status, ddbCode, ddbStatus] of cases) {
      const s = s3(w, credentials);
      const d = ddb(w, credentials);
      try {
        await assert.rejects(s.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'public/hello.txt' })), sdkError(s3Code, s3Status));
        await assert.rejects(d.send(new ScanCommand({ TableName: CATALOG })), sdkError(ddbCode, ddbStatus));
      } finally {
        s.destroy();
        d.destroy();
      }
    }
  });

  it('refuses an unsigned S3 request as anonymous (AccessDenied) and an unsigned DynamoDB call with MissingAuthenticationTokenException', async () => {
    const anon = await fetch(`${w.gatewayUrl}/${BUCKET}/public/hello.txt`);
    assert.equal(anon.status, 403);
    assert.match(await anon.text(), /<Code>AccessDenied<\/Code>/);
    const unsigned = await fetch(w.gatewayUrl, { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.Scan', 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify({ TableName: CATALOG }) });
    assert.equal(unsigned.status, 400);
    assert.match(((await unsigned.json()) as { __type: string }).__type, /MissingAuthenticationTokenException$/);
  });

  it('works the same for boto3 with path-style addressing: own prefix and partition, presigned URL, refusals by code', async () => {
    const guest = await w.guest();
    const { stdout } = await run('python3', [join(repoRoot, 'test', 'e2e', 'gateway', 'python', 'gateway_flow.py')], {
      env: {
        ...process.env,
        GATEWAY_URL: w.gatewayUrl,
        REGION: w.region,
        BUCKET,
        TABLE,
        CATALOG,
        ALICE_ID: alice.identityId,
        BOB_ID: bob.identityId,
        ALICE_KEY: alice.accessKeyId,
        ALICE_SECRET: alice.secretAccessKey,
        ALICE_TOKEN: alice.sessionToken,
        GUEST_KEY: guest.accessKeyId,
        GUEST_SECRET: guest.secretAccessKey,
        GUEST_TOKEN: guest.sessionToken,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    });
    const out = JSON.parse(stdout);
    assert.equal(out.get_own, 'from boto3');
    assert.ok(out.list_own.includes(`${alice.identityId}/boto3.txt`));
    assert.equal(out.get_other, 'AccessDenied');
    assert.equal(out.list_other, 'AccessDenied');
    assert.equal(out.presigned, 'from boto3', out.presigned_url);
    assert.equal(out.get_item_own, 'hi');
    assert.equal(out.put_item_other, 'AccessDeniedException');
    assert.equal(out.guest_scan, 1);
    assert.equal(out.guest_put, 'AccessDeniedException');
    assert.equal(out.guest_private, 'AccessDenied');
  });

  it('verifies STREAMING-AWS4-HMAC-SHA256-PAYLOAD chunk signatures: a good upload is stored, one with a changed chunk is refused and never stored', async () => {
    const gateway = new URL(w.gatewayUrl);
    const put = async (key: string, tamper: boolean): Promise<{ status: number; body: string }> => {
      const chunks = [Buffer.alloc(64 * 1024, 'x'), Buffer.alloc(1000, 'y')];
      const decoded = chunks.reduce((n, c) => n + c.length, 0);
      const path = `/${BUCKET}/${encodeURIComponent(alice.identityId)}/${key}`;
      const signer = new SignatureV4({ service: 's3', region: w.region, credentials: alice, sha256: Sha256, uriEscapePath: false });
      const headers: Record<string, string> = {
        host: gateway.host,
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(decoded),
      };
      const signed = await signer.sign({ method: 'PUT', protocol: 'http:', hostname: gateway.hostname, port: Number(gateway.port), path, headers, query: {} });
      const auth = String(signed.headers.authorization);
      const amzDate = String(signed.headers['x-amz-date']);
      const scope = /Credential=[^/]+\/([^,]+),/.exec(auth)![1]!;
      let previous = /Signature=([0-9a-f]+)/.exec(auth)![1]!;
      // The chunk signatures, computed here from the AWS documentation's recipe.
      let key4: Buffer | string = `AWS4${alice.secretAccessKey}`;
      for (const part of scope.split('/')) key4 = createHmac('sha256', key4).update(part).digest();
      const emptyHash = createHash('sha256').update('').digest('hex');
      const frames: Buffer[] = [];
      for (const data of [...chunks, Buffer.alloc(0)]) {
        const sts = `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${previous}\n${emptyHash}\n${createHash('sha256').update(data).digest('hex')}`;
        previous = createHmac('sha256', key4).update(sts).digest('hex');
        const sent = tamper && data.length === 1000 ? Buffer.alloc(1000, 'z') : data;
        frames.push(Buffer.from(`${data.length.toString(16)};chunk-signature=${previous}\r\n`), sent, Buffer.from('\r\n'));
      }
      const wire = Buffer.concat(frames);
      return new Promise((resolve, reject) => {
        const req = httpRequest({ hostname: gateway.hostname, port: gateway.port, method: 'PUT', path, headers: { ...(signed.headers as Record<string, string>), 'content-length': String(wire.length) } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end(wire);
      });
    };
    const good = await put('chunked.bin', false);
    assert.equal(good.status, 200, good.body);
    const stored = await rootS3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${alice.identityId}/chunked.bin` }));
    const bytes = Buffer.from(await (stored.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    assert.ok(bytes.equals(Buffer.concat([Buffer.alloc(64 * 1024, 'x'), Buffer.alloc(1000, 'y')])));

    const bad = await put('tampered.bin', true);
    assert.equal(bad.status, 403);
    assert.match(bad.body, /<Code>SignatureDoesNotMatch<\/Code>/);
    await assert.rejects(rootS3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${alice.identityId}/tampered.bin` })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === 404);
  });

  it('refuses what could be read two ways: a key with ".." segments (S3) and a JSON body naming a member twice (DynamoDB)', async () => {
    const gateway = new URL(w.gatewayUrl);
    const rawSigned = async (service: string, method: string, path: string, headers: Record<string, string>, body?: string) => {
      const signer = new SignatureV4({ service, region: w.region, credentials: alice, sha256: Sha256, uriEscapePath: service !== 's3' });
      const signed = await signer.sign({ method, protocol: 'http:', hostname: gateway.hostname, port: Number(gateway.port), path, headers: { host: gateway.host, ...headers }, query: {}, ...(body ? { body } : {}) });
      return new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({ hostname: gateway.hostname, port: gateway.port, method, path, headers: signed.headers as Record<string, string> }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    };
    const traversal = await rawSigned('s3', 'GET', `/${BUCKET}/${encodeURIComponent(alice.identityId)}/../${encodeURIComponent(bob.identityId)}/notes.txt`, { 'x-amz-content-sha256': createHash('sha256').update('').digest('hex') });
    assert.equal(traversal.status, 400);
    assert.match(traversal.body, /<Code>InvalidArgument<\/Code>/);
    const twice = `{"TableName":"${TABLE}","Key":{"owner":{"S":"${alice.identityId}"},"id":{"S":"1"}},"TableName":"${CATALOG}"}`;
    const dup = await rawSigned('dynamodb', 'POST', '/', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' }, twice);
    assert.equal(dup.status, 400);
    assert.match(dup.body, /SerializationException/);
  });

  it('refuses a Query whose partition key it cannot read, rather than letting ForAllValues pass on no keys', async () => {
    const a = ddb(w, alice);
    try {
      await assert.rejects(
        a.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'begins_with(#i, :x) AND #o = #o', ExpressionAttributeNames: { '#o': 'owner', '#i': 'id' }, ExpressionAttributeValues: { ':x': { S: '1' } } })),
        sdkError('ValidationException', 400),
      );
      // Refused by the gateway itself: nothing went upstream (no upstream status on the line).
      const line = w.server.logs.filter((l) => l.gateway === true && l.operation === 'Query').at(-1);
      assert.equal(line?.outcome, 'ValidationException');
      assert.equal(line?.status, undefined);
    } finally {
      a.destroy();
    }
  });

  it('evaluates session tags, ${aws:userid}, aws:SourceIp and the session policy of an AssumeRole session', async () => {
    const iam = new IAMClient({ endpoint: w.server.url, region: w.region, credentials: w.root });
    const sts = new STSClient({ endpoint: w.server.url, region: w.region, credentials: w.root });
    try {
      await iam.send(
        new CreateRoleCommand({
          RoleName: 'team-role',
          AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${w.accountId}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] }),
        }),
      );
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: 'team-role',
          PolicyName: 'team-data',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              { Sid: 'TeamPrefix', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${BUCKET}/teams/\${aws:PrincipalTag/team}/*`, Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.1/32' } } },
              { Sid: 'OwnUserId', Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/users/\${aws:userid}/*` },
            ],
          }),
        }),
      );
      const session = async (policy?: object) => {
        const out = await sts.send(
          new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${w.accountId}:role/team-role`, RoleSessionName: 'worker', Tags: [{ Key: 'team', Value: 'blue' }], ...(policy ? { Policy: JSON.stringify(policy) } : {}) }),
        );
        return { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken!, userId: out.AssumedRoleUser!.AssumedRoleId! };
      };
      const blue = await session();
      const c = s3(w, blue);
      try {
        await c.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'teams/blue/plan.txt', Body: 'blue plan' }));
        await assert.rejects(c.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'teams/red/plan.txt', Body: 'x' })), sdkError('AccessDenied', 403));
        await c.send(new PutObjectCommand({ Bucket: BUCKET, Key: `users/${blue.userId}/me.txt`, Body: 'me' }));
        await assert.rejects(c.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'users/someone-else/me.txt', Body: 'x' })), sdkError('AccessDenied', 403));
      } finally {
        c.destroy();
      }
      // A session policy limits the role: reads stay, writes go.
      const readOnly = await session({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
      const r = s3(w, readOnly);
      try {
        assert.equal(await text((await r.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'teams/blue/plan.txt' }))).Body), 'blue plan');
        await assert.rejects(r.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'teams/blue/other.txt', Body: 'x' })), sdkError('AccessDenied', 403));
      } finally {
        r.destroy();
      }
    } finally {
      iam.destroy();
      sts.destroy();
    }
  });
  it('applies a change of the role\'s policies to the very next gateway request: inline put, replace and delete, managed attach and detach', async () => {
    const iam = new IAMClient({ endpoint: w.server.url, region: w.region, credentials: w.root });
    const sts = new STSClient({ endpoint: w.server.url, region: w.region, credentials: w.root });
    const role = 'changing-role';
    const allowGet = (key: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/changing/${key}` }] });
    try {
      await iam.send(
        new CreateRoleCommand({
          RoleName: role,
          AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${w.accountId}:root` }, Action: 'sts:AssumeRole' }] }),
        }),
      );
      await rootS3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'changing/a.txt', Body: 'a' }));
      await rootS3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'changing/b.txt', Body: 'b' }));
      const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${w.accountId}:role/${role}`, RoleSessionName: 'changing' }));
      const c = s3(w, { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! });
      const get = async (key: string) => {
        try {
          return await text((await c.send(new GetObjectCommand({ Bucket: BUCKET, Key: `changing/${key}` }))).Body);
        } catch (err) {
          return (err as { name?: string }).name;
        }
      };
      const both = async () => [await get('a.txt'), await get('b.txt')];
      try {
        // Each state read twice: the second read may come from the cache, and must agree.
        assert.deepEqual(await both(), ['AccessDenied', 'AccessDenied']);
        assert.deepEqual(await both(), ['AccessDenied', 'AccessDenied']);
        await iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: 'p', PolicyDocument: allowGet('a.txt') }));
        assert.deepEqual(await both(), ['a', 'AccessDenied']);
        assert.deepEqual(await both(), ['a', 'AccessDenied']);
        await iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: 'p', PolicyDocument: allowGet('b.txt') }));
        assert.deepEqual(await both(), ['AccessDenied', 'b']);
        assert.deepEqual(await both(), ['AccessDenied', 'b']);
        await iam.send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: 'p' }));
        assert.deepEqual(await both(), ['AccessDenied', 'AccessDenied']);
        const managed = await iam.send(new CreatePolicyCommand({ PolicyName: 'changing-managed', PolicyDocument: allowGet('*') }));
        await iam.send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: managed.Policy!.Arn! }));
        assert.deepEqual(await both(), ['a', 'b']);
        assert.deepEqual(await both(), ['a', 'b']);
        await iam.send(new DetachRolePolicyCommand({ RoleName: role, PolicyArn: managed.Policy!.Arn! }));
        assert.deepEqual(await both(), ['AccessDenied', 'AccessDenied']);
      } finally {
        c.destroy();
      }
    } finally {
      iam.destroy();
      sts.destroy();
    }
  });
});
