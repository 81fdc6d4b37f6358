/**
 * execute-api through the gateway: `/<ID>/<stage>/<path>` authorised as execute-api:Invoke and
 * forwarded to a small HTTP server, which verifies the caller's identity token with Tessera's
 * published JWKS (jose, as the documentation's example does).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  SetIdentityPoolRolesCommand,
} from '@aws-sdk/client-cognito-identity';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { DEVELOPER_PROVIDER, trust } from './setup.js';

interface Seen {
  method: string;
  path: string;
  claims?: JWTPayload;
  refused?: string;
}

describe('SigV4 gateway: execute-api to an HTTP API', () => {
  let server: TestServer;
  let api: Server;
  let apiUrl: string;
  const seen: Seen[] = [];
  let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  let identityId: string;

  before(async () => {
    // The API verifies X-Tessera-Identity against Tessera's JWKS, issuer and its own ARN as audience.
    api = createServer(async (req, res) => {
      const entry: Seen = { method: req.method ?? '', path: req.url ?? '' };
      seen.push(entry);
      try {
        const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
        const { payload } = await jwtVerify(String(req.headers['x-tessera-identity']), jwks, {
          issuer: server.url,
          audience: `arn:aws:execute-api:${server.region}:${server.accountId}:pets`,
        });
        entry.claims = payload;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ hello: payload.sub }));
      } catch (err) {
        entry.refused = (err as Error).message;
        res.writeHead(401).end();
      }
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', () => resolve()));
    apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
    server = await startTestServer({ gatewayPort: 0, gatewayApis: `pets=${apiUrl}/v1`, captureLogs: true });

    const common = { endpoint: server.url, region: server.region };
    const admin = new CognitoIdentityClient({ ...common, credentials: server.rootCredentials });
    const iam = new IAMClient({ ...common, credentials: server.rootCredentials });
    try {
      const pool = await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'api', AllowUnauthenticatedIdentities: false, DeveloperProviderName: DEVELOPER_PROVIDER }));
      const role = await iam.send(new CreateRoleCommand({ RoleName: 'api-user', AssumeRolePolicyDocument: trust(pool.IdentityPoolId!, 'authenticated') }));
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: 'api-user',
          PolicyName: 'invoke-pets',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Sid: 'ReadPets', Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*:*:pets/prod/GET/pets/*' }],
          }),
        }),
      );
      await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: pool.IdentityPoolId, Roles: { authenticated: role.Role!.Arn! } }));
      const { IdentityId, Token } = await admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: pool.IdentityPoolId, Logins: { [DEVELOPER_PROVIDER]: 'carol' } }));
      const out = await admin.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { 'cognito-identity.amazonaws.com': Token! } }));
      identityId = IdentityId!;
      credentials = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretKey!, sessionToken: out.Credentials!.SessionToken! };
    } finally {
      admin.destroy();
      iam.destroy();
    }
  });
  after(async () => {
    await server?.close();
    await new Promise<void>((resolve) => (api ? api.close(() => resolve()) : resolve()));
  });

  async function call(method: string, path: string, body?: string): Promise<Response> {
    const gateway = new URL(server.gatewayUrl!);
    const signer = new SignatureV4({ service: 'execute-api', region: server.region, credentials, sha256: Sha256 });
    const signed = await signer.sign({
      method,
      protocol: 'http:',
      hostname: gateway.hostname,
      port: Number(gateway.port),
      path,
      headers: { host: gateway.host, ...(body ? { 'content-type': 'application/json' } : {}) },
      query: {},
      ...(body ? { body } : {}),
    });
    return fetch(`${server.gatewayUrl}${path}`, { method, headers: signed.headers as Record<string, string>, ...(body ? { body } : {}) });
  }

  it('forwards an allowed GET to the API with a Tessera-signed identity the API verifies with the JWKS', async () => {
    const res = await call('GET', '/pets/prod/pets/7');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { hello: identityId });
    const last = seen.at(-1)!;
    assert.equal(last.path, '/v1/pets/7');
    assert.equal(last.refused, undefined);
    assert.equal(last.claims?.identity_id, identityId);
    assert.equal(last.claims?.role_arn, `arn:aws:iam::${server.accountId}:role/api-user`);
    assert.equal(last.claims?.principal_arn, `arn:aws:sts::${server.accountId}:assumed-role/api-user/CognitoIdentityCredentials`);
    assert.ok((last.claims!.exp as number) - (last.claims!.iat as number) <= 300);
    const line = server.logs.find((l) => l.gateway === true && l.decision === 'Allow');
    assert.equal(line?.statement, 'ReadPets');
    assert.equal(line?.policy, 'identity:invoke-pets');
  });

  it('refuses a method and a path the policy does not allow with 403 AccessDeniedException, and the API never sees them', async () => {
    const before = seen.length;
    const post = await call('POST', '/pets/prod/pets/7', '{"name":"rex"}');
    assert.equal(post.status, 403);
    assert.equal(post.headers.get('x-amzn-errortype'), 'AccessDeniedException');
    assert.deepEqual(await post.json(), {
      message: `User: arn:aws:sts::${server.accountId}:assumed-role/api-user/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:${server.region}:${server.accountId}:pets/prod/POST/pets/7 because no identity-based policy allows the execute-api:Invoke action`,
    });
    const admin = await call('GET', '/pets/prod/admin');
    assert.equal(admin.status, 403);
    assert.equal(seen.length, before);
  });

  it('answers an unknown API with 403 Forbidden and an unsigned request with 403 Missing Authentication Token', async () => {
    const unknown = await call('GET', '/nope/prod/pets/1');
    assert.equal(unknown.status, 403);
    assert.deepEqual(await unknown.json(), { message: 'Forbidden' });
    const unsigned = await fetch(`${server.gatewayUrl}/pets/prod/pets/1`);
    assert.equal(unsigned.status, 403);
    assert.deepEqual(await unsigned.json(), { message: 'Missing Authentication Token' });
  });

  it('answers 502 in API Gateway shape when the API is unreachable', async () => {
    const gone = await startTestServer({ gatewayPort: 0, gatewayApis: 'pets=http://127.0.0.1:1' });
    try {
      const gateway = new URL(gone.gatewayUrl!);
      const signer = new SignatureV4({ service: 'execute-api', region: gone.region, credentials: gone.rootCredentials, sha256: Sha256 });
      const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: gateway.hostname, port: Number(gateway.port), path: '/pets/prod/x', headers: { host: gateway.host }, query: {} });
      const res = await fetch(`${gone.gatewayUrl}/pets/prod/x`, { headers: signed.headers as Record<string, string> });
      assert.equal(res.status, 502);
      assert.equal(res.headers.get('x-amzn-errortype'), 'BadGatewayException');
    } finally {
      await gone.close();
    }
  });

  it('refuses a path with ".." segments, written or percent-encoded, instead of authorising one path and serving another', async () => {
    const before = seen.length;
    for (const path of ['/pets/prod/pets/../admin', '/pets/prod/pets/..%2Fadmin']) {
      const gateway = new URL(server.gatewayUrl!);
      const signer = new SignatureV4({ service: 'execute-api', region: server.region, credentials, sha256: Sha256 });
      const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: gateway.hostname, port: Number(gateway.port), path, headers: { host: gateway.host }, query: {} });
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ hostname: gateway.hostname, port: gateway.port, method: 'GET', path, headers: signed.headers as Record<string, string> }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 403, path);
    }
    assert.equal(seen.length, before);
  });

  it('answers S3 and DynamoDB requests with a 400 in their own shape when no upstream is configured for them, never a 5xx', async () => {
    const gateway = new URL(server.gatewayUrl!);
    for (const [service, path, headers, pattern] of [
      ['s3', '/bucket/key', { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, /<Code>AuthorizationHeaderMalformed<\/Code>/],
      ['dynamodb', '/', { 'x-amz-target': 'DynamoDB_20120810.Scan', 'content-type': 'application/x-amz-json-1.0' }, /"__type":"[^"]*#InvalidSignatureException"/],
    ] as const) {
      const signer = new SignatureV4({ service, region: server.region, credentials, sha256: Sha256 });
      const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: gateway.hostname, port: Number(gateway.port), path, headers: { host: gateway.host, ...headers }, query: {} });
      const res = await fetch(`${server.gatewayUrl}${path}`, { headers: signed.headers as Record<string, string> });
      assert.equal(res.status, 400, service);
      assert.match(await res.text(), pattern);
    }
  });
});

