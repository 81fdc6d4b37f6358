/**
 * The gateway tests' world: moto_server as the S3 and DynamoDB upstream (reached through a
 * byte-counting TCP relay, so a test can see how much of a body has passed and hold a direction
 * back), a real Tessera with the gateway on, a movable clock, an identity pool with a guest role
 * and an authenticated role, and credentials vended for guests and for developer-authenticated
 * identities, exactly as an app would get them.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  SetIdentityPoolRolesCommand,
} from '@aws-sdk/client-cognito-identity';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { startMoto, type Moto } from '../../helpers/moto.js';

export const BUCKET = 'data';
export const TABLE = 'items';
export const CATALOG = 'catalog';
export const DEVELOPER_PROVIDER = 'login.tessera.test';
/** What the gateway signs upstream requests with (moto accepts any). */
export const UPSTREAM_KEY = { accessKeyId: 'AKIAUPSTREAM00000001', secretAccessKey: 'upstream-secret-key-000000000000000000' };

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Counts the bytes a relay passed each way; `holdDownstream` stops upstream→client bytes until released. */
export interface Relay {
  url: string;
  toUpstream: number;
  toClient: number;
  /** From now on, pass at most `bytes` more towards the client until `release()`. */
  holdDownstreamAfter(bytes: number): void;
  release(): void;
  close(): Promise<void>;
}

export async function startRelay(target: string): Promise<Relay> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let budget = Infinity;
  const held: Array<() => void> = [];
  const relay: Relay = {
    url: '',
    toUpstream: 0,
    toClient: 0,
    holdDownstreamAfter(bytes) {
      budget = bytes;
    },
    release() {
      budget = Infinity;
      for (const resume of held.splice(0)) resume();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => {
      relay.toUpstream += chunk.length;
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      const pass = (data: Buffer) => {
        relay.toClient += data.length;
        if (!client.write(data)) {
          upstream.pause();
          client.once('drain', () => upstream.resume());
        }
      };
      if (chunk.length <= budget) {
        budget -= chunk.length;
        pass(chunk);
        return;
      }
      const now = chunk.subarray(0, Math.max(0, budget));
      const later = chunk.subarray(now.length);
      budget = 0;
      if (now.length) pass(now);
      upstream.pause();
      held.push(() => {
        pass(later);
        upstream.resume();
      });
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  relay.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return relay;
}

export interface GatewayWorld {
  server: TestServer;
  gatewayUrl: string;
  moto: Moto;
  relay: Relay;
  region: string;
  accountId: string;
  poolId: string;
  root: { accessKeyId: string; secretAccessKey: string };
  /** Moves Tessera's clock (not the SDKs'; give a client `systemClockOffset` to follow). */
  advance(seconds: number): void;
  offsetMs(): number;
  guest(): Promise<Credentials & { identityId: string }>;
  user(name: string): Promise<Credentials & { identityId: string }>;
  close(): Promise<void>;
}

const SUB = '${cognito-identity.amazonaws.com:sub}';

/** The authenticated role: the classic per-identity S3 prefix and DynamoDB LeadingKeys policies. */
export const USER_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'ListOwnPrefix', Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}`, Condition: { StringLike: { 's3:prefix': [`${SUB}/*`, SUB] } } },
    { Sid: 'OwnObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: `arn:aws:s3:::${BUCKET}/${SUB}/*` },
    {
      Sid: 'OwnItems',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'],
      Resource: 'arn:aws:dynamodb:*:*:table/' + TABLE,
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [SUB] } },
    },
  ],
};

/** The unauthenticated role: the seed's scan-only policy and public reads. */
export const GUEST_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'ScanCatalog', Effect: 'Allow', Action: 'dynamodb:Scan', Resource: 'arn:aws:dynamodb:*:*:table/' + CATALOG },
    { Sid: 'ReadPublic', Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/public/*` },
  ],
};

export function trust(poolId: string, amr: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': poolId }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr } },
      },
    ],
  });
}

export async function startGatewayWorld(): Promise<GatewayWorld> {
  const moto = await startMoto();
  const relay = await startRelay(moto.url);
  let offset = 0;
  let server: TestServer;
  try {
    server = await startTestServer({
      gatewayPort: 0,
      gatewayS3Url: relay.url,
      gatewayS3AccessKeyId: UPSTREAM_KEY.accessKeyId,
      gatewayS3SecretAccessKey: UPSTREAM_KEY.secretAccessKey,
      gatewayDynamoDbUrl: moto.url,
      gatewayDynamoDbAccessKeyId: UPSTREAM_KEY.accessKeyId,
      gatewayDynamoDbSecretAccessKey: UPSTREAM_KEY.secretAccessKey,
      captureLogs: true,
      clock: () => new Date(Date.now() + offset),
    });
  } catch (err) {
    await relay.close();
    await moto.close();
    throw err;
  }
  const common = { endpoint: server.url, region: server.region };
  const admin = new CognitoIdentityClient({ ...common, credentials: server.rootCredentials });
  const pub = new CognitoIdentityClient({ ...common, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  const iam = new IAMClient({ ...common, credentials: server.rootCredentials });
  const pool = await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'gateway', AllowUnauthenticatedIdentities: true, DeveloperProviderName: DEVELOPER_PROVIDER }));
  const poolId = pool.IdentityPoolId!;
  const roles: Record<string, string> = {};
  for (const [name, amr, policy] of [
    ['data-user', 'authenticated', USER_POLICY],
    ['data-guest', 'unauthenticated', GUEST_POLICY],
  ] as const) {
    const role = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust(poolId, amr) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: `${name}-data`, PolicyDocument: JSON.stringify(policy) }));
    roles[amr] = role.Role!.Arn!;
  }
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: roles }));

  const toCredentials = (identityId: string, c: { AccessKeyId?: string; SecretKey?: string; SessionToken?: string; Expiration?: Date }) => ({
    identityId,
    accessKeyId: c.AccessKeyId!,
    secretAccessKey: c.SecretKey!,
    sessionToken: c.SessionToken!,
    expiration: c.Expiration!,
  });

  return {
    server,
    gatewayUrl: server.gatewayUrl!,
    moto,
    relay,
    region: server.region,
    accountId: server.accountId,
    poolId,
    root: server.rootCredentials,
    advance(seconds) {
      offset += seconds * 1000;
    },
    offsetMs: () => offset,
    async guest() {
      const { IdentityId } = await pub.send(new GetIdCommand({ IdentityPoolId: poolId }));
      const out = await pub.send(new GetCredentialsForIdentityCommand({ IdentityId }));
      return toCredentials(IdentityId!, out.Credentials!);
    },
    async user(name) {
      const { IdentityId, Token } = await admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, Logins: { [DEVELOPER_PROVIDER]: name } }));
      const out = await pub.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { 'cognito-identity.amazonaws.com': Token! } }));
      return toCredentials(IdentityId!, out.Credentials!);
    },
    async close() {
      admin.destroy();
      pub.destroy();
      iam.destroy();
      await server.close();
      await relay.close();
      await moto.close();
    },
  };
}
