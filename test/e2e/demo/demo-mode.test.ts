/**
 * `tessera serve --demo`: the demo tenant is created idempotently through Tessera's own
 * operations, the local S3/DynamoDB-compatible store (moto_server) is started behind the gateway,
 * and a guest, a user-pool user (basic and enhanced flows) and a developer identity reach the
 * data exactly as far as the demo roles allow. Without demo mode none of it exists.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  ListIdentityPoolsCommand,
} from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient, InitiateAuthCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ConfigError, loadConfig } from '../../../src/config/index.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

interface DemoDoc {
  developmentOnly: boolean;
  userPoolId: string;
  clientId: string;
  domain: string;
  username: string;
  password: string;
  identityPoolId: string;
  developerProviderName: string;
  userPoolProviderName: string;
  roles: { guest: { arn: string }; authenticated: { arn: string }; patterns: Array<{ name: string; arn: string }> };
  bucket: string;
  table: string;
  gatewayUrl: string | null;
  dataStep: { available: boolean; reason?: string };
}

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken: string };

async function demoDoc(server: TestServer): Promise<DemoDoc> {
  const res = await fetch(`${server.url}/_tessera/demo`);
  assert.equal(res.status, 200);
  return (await res.json()) as DemoDoc;
}

function creds(c: { AccessKeyId?: string; SecretKey?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Creds {
  assert.ok(c?.AccessKeyId && c.SessionToken);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: (c.SecretKey ?? c.SecretAccessKey)!, sessionToken: c.SessionToken };
}

function accessDenied(e: Error & { $metadata?: { httpStatusCode?: number } }): boolean {
  assert.match(e.name, /^AccessDenied(Exception)?$/, `${e.name}: ${e.message}`);
  assert.equal(e.$metadata?.httpStatusCode, e.name === 'AccessDenied' ? 403 : 400);
  return true;
}

describe('demo mode', () => {
  let dataDir: string;
  let server: TestServer;
  let doc: DemoDoc;
  let identity: CognitoIdentityClient;
  const s3 = (c: Creds) => new S3Client({ endpoint: doc.gatewayUrl!, region: server.region, forcePathStyle: true, credentials: c, maxAttempts: 1 });
  const ddb = (c: Creds) => new DynamoDBClient({ endpoint: doc.gatewayUrl!, region: server.region, credentials: c, maxAttempts: 1 });
  const anonymous = { accessKeyId: 'unused', secretAccessKey: 'unused' };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-demo-'));
    server = await startTestServer({ dataDir, demo: true });
    doc = await demoDoc(server);
    identity = new CognitoIdentityClient({ endpoint: server.url, region: server.region, credentials: anonymous });
  });
  after(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('describes a development-only tenant with a demo user, an identity pool, readable roles and the data step', () => {
    assert.equal(doc.developmentOnly, true);
    assert.equal(doc.username, 'demo');
    assert.match(doc.identityPoolId, /^us-east-1:/);
    assert.equal(doc.userPoolProviderName, `cognito-idp.us-east-1.amazonaws.com/${doc.userPoolId}`);
    assert.deepEqual(doc.roles.patterns.map((r) => r.name), ['tessera-demo-own-prefix', 'tessera-demo-own-items']);
    assert.deepEqual(doc.dataStep, { available: true });
    assert.match(doc.gatewayUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves the demo page at / and at /demo/callback, with a content security policy and no referrer', async () => {
    for (const path of ['/', '/demo/callback']) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /Identity pools demo[\s\S]*Development only/);
      assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    }
  });

  it('refuses bad input to the demo backend with AWS-shaped 400s', async () => {
    const dev = await fetch(`${server.url}/_tessera/demo/developer-token`, { method: 'POST', body: '{"userIdentifier":"<script>"}' });
    assert.equal(dev.status, 400);
    assert.equal(((await dev.json()) as { __type: string }).__type, 'ValidationException');
    const data = await fetch(`${server.url}/_tessera/demo/data-step`, { method: 'POST', body: 'not json' });
    assert.equal(data.status, 400);
    assert.equal(((await data.json()) as { __type: string }).__type, 'SerializationException');
  });

  it('lets a guest list and read public/ through the gateway and refuses it the rest of the bucket', async () => {
    const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: doc.identityPoolId }));
    const got = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId }));
    const guest = creds(got.Credentials);
    const listed = await s3(guest).send(new ListObjectsV2Command({ Bucket: doc.bucket, Prefix: 'public/' }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key).sort(), ['public/menu.json', 'public/welcome.txt']);
    const object = await s3(guest).send(new GetObjectCommand({ Bucket: doc.bucket, Key: 'public/welcome.txt' }));
    assert.match(await object.Body!.transformToString(), /Tessera demo bucket/);
    await assert.rejects(s3(guest).send(new ListObjectsV2Command({ Bucket: doc.bucket })), accessDenied);
    await assert.rejects(ddb(guest).send(new ScanCommand({ TableName: doc.table })), accessDenied);
  });

  it('signs the demo user in and gets authenticated credentials by the enhanced flow that scan the demo table', async () => {
    const idp = new CognitoIdentityProviderClient({ endpoint: server.url, region: server.region, credentials: anonymous });
    const auth = await idp.send(
      new InitiateAuthCommand({ ClientId: doc.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: doc.username, PASSWORD: doc.password } }),
    );
    const logins = { [doc.userPoolProviderName]: auth.AuthenticationResult!.IdToken! };
    const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: doc.identityPoolId, Logins: logins }));
    const got = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
    const user = creds(got.Credentials);
    const scanned = await ddb(user).send(new ScanCommand({ TableName: doc.table }));
    assert.equal(scanned.Count, 2);
    const listed = await s3(user).send(new ListObjectsV2Command({ Bucket: doc.bucket }));
    assert.ok(listed.Contents?.some((o) => o.Key === 'private/README.txt'));
  });

  it('gives a developer identity the per-identity items role by the basic flow: its own items only', async () => {
    const root = new CognitoIdentityClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials });
    const dev = await root.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: doc.identityPoolId, Logins: { [doc.developerProviderName]: 'alice' } }),
    );
    const { Token } = await identity.send(new GetOpenIdTokenCommand({ IdentityId: dev.IdentityId, Logins: { 'cognito-identity.amazonaws.com': dev.Token! } }));
    const sts = new STSClient({ endpoint: server.url, region: server.region, credentials: anonymous });
    const role = doc.roles.patterns.find((r) => r.name === 'tessera-demo-own-items')!;
    const assumed = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: role.arn, RoleSessionName: 'demo', WebIdentityToken: Token!, DurationSeconds: 900 }));
    const own = creds(assumed.Credentials);
    const mine = await ddb(own).send(
      new QueryCommand({ TableName: doc.table, KeyConditionExpression: '#o = :me', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':me': { S: dev.IdentityId! } } }),
    );
    assert.equal(mine.Count, 0);
    await assert.rejects(
      ddb(own).send(
        new QueryCommand({ TableName: doc.table, KeyConditionExpression: '#o = :p', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':p': { S: 'public' } } }),
      ),
      accessDenied,
    );
  });

  it('keeps the same tenant when started again on the same data', async () => {
    await server.close();
    server = await startTestServer({ dataDir, demo: true });
    const again = await demoDoc(server);
    assert.equal(again.identityPoolId, doc.identityPoolId);
    assert.equal(again.userPoolId, doc.userPoolId);
    assert.equal(again.clientId, doc.clientId);
    const root = new CognitoIdentityClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials });
    const pools = await root.send(new ListIdentityPoolsCommand({ MaxResults: 60 }));
    assert.equal(pools.IdentityPools?.length, 1);
    const idp = new CognitoIdentityProviderClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials });
    assert.equal((await idp.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools?.length, 1);
  });
});

describe('without demo mode', () => {
  it('creates no demo tenant, serves no demo description and starts no store', async () => {
    const server = await startTestServer();
    try {
      assert.equal(server.tessera.config.demo, false);
      assert.equal(server.tessera.demo, undefined);
      assert.equal(server.gatewayUrl, undefined);
      assert.equal((await fetch(`${server.url}/_tessera/demo`)).status, 404);
      const root = new CognitoIdentityClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials });
      assert.deepEqual((await root.send(new ListIdentityPoolsCommand({ MaxResults: 60 }))).IdentityPools, []);
      const landing = await (await fetch(`${server.url}/`)).text();
      assert.doesNotMatch(landing, /Demo mode|Identity pools demo/);
      assert.match(landing, /href="\/doctor"[\s\S]*href="\/console"/);
      assert.equal((await fetch(`${server.url}/_tessera/demo/developer-token`, { method: 'POST', body: '{}' })).status, 404);
      assert.equal((await fetch(`${server.url}/demo/callback`)).status, 404);
    } finally {
      await server.close();
    }
  });

  it('refuses demo mode on a non-loopback host and with several workers', () => {
    assert.throws(() => loadConfig({ demo: true, host: '0.0.0.0' }), (e: unknown) => e instanceof ConfigError && /loopback only/.test(e.message));
    assert.throws(() => loadConfig({ demo: 'true', host: '192.168.1.5' }), ConfigError);
    assert.throws(() => loadConfig({ demo: true, workers: 2 }), (e: unknown) => e instanceof ConfigError && /one process/.test(e.message));
    assert.throws(() => loadConfig({ demo: 'maybe' }), ConfigError);
    for (const host of ['127.0.0.1', '::1', '[::1]', 'localhost', '127.0.0.2']) assert.equal(loadConfig({ demo: true, host }).demo, true, host);
    assert.equal(loadConfig({}).demo, false);
  });
});
