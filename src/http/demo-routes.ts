/**
 * Demo mode only (`tessera serve --demo`, loopback only):
 *
 * - `GET /_tessera/demo` describes the demo tenant for the demo page: its user pool, app client,
 *   domain and demo user (the fixed demo password is meant to be shown), its identity pool,
 *   roles, and where the gateway and the demo bucket and table are.
 * - `POST /_tessera/demo/developer-token` `{ "userIdentifier" }`: the demo's developer backend.
 *   It calls GetOpenIdTokenForDeveloperIdentity for the demo pool's developer provider, as an
 *   app's own backend would with its AWS credentials, and answers `{ IdentityId, Token }`.
 * - `POST /_tessera/demo/data-step` `{ accessKeyId, secretAccessKey, sessionToken }`: the data
 *   step, with the credentials in the body (never a URL): lists the demo bucket's public/ prefix,
 *   scans the demo table and tries a PutObject every demo role is denied, each through the SigV4
 *   gateway signed with those credentials, and answers each outcome with the gateway's own
 *   answer (an AccessDenied names the action and why no statement allowed it).
 *
 * Nothing here is registered without demo mode.
 */
import type { FastifyInstance } from 'fastify';
import type { DemoInfo } from '../app.js';
import { ServiceError } from '../errors/index.js';
import { signRequest } from '../sigv4/index.js';
import { renderJsonError } from '../wire/index.js';

export interface DemoRouteDeps {
  demo: DemoInfo;
  gatewayUrl: () => string | undefined;
  region: string;
  /** Calls one of Tessera's own operations as the account root (src/demo/tenant.ts). */
  callAsRoot(service: 'cognito-identity', name: string, input: Record<string, unknown>): Promise<any>;
  clock: () => Date;
  /** With the development identity providers: each provider's authorize URL, client id and Logins key (src/devidp). */
  devIdps?: Record<string, unknown>;
}

function body(raw: unknown): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : '');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    /* refused below */
  }
  throw new ServiceError('SerializationException', 'The body must be a JSON object');
}

function text(input: Record<string, unknown>, name: string, pattern: RegExp, max: number): string {
  const v = input[name];
  if (typeof v !== 'string' || v.length === 0 || v.length > max || !pattern.test(v)) throw new ServiceError('ValidationException', `${name} is missing or not valid`);
  return v;
}

export function demoRoutes(deps: DemoRouteDeps): (app: FastifyInstance) => void {
  const { tenant } = deps.demo;
  return (app) => {
    app.get('/_tessera/demo', async (_request, reply) => {
      const { storesProblem } = deps.demo;
      reply.header('cache-control', 'no-store').send({
        developmentOnly: true,
        ...tenant,
        gatewayUrl: deps.gatewayUrl() ?? null,
        dataStep: storesProblem ? { available: false, reason: storesProblem } : { available: deps.gatewayUrl() !== undefined },
        ...(deps.devIdps ? { devIdps: deps.devIdps } : {}),
      });
    });

    app.post('/_tessera/demo/developer-token', async (request, reply) => {
      try {
        const userIdentifier = text(body(request.body), 'userIdentifier', /^[\w.@+=,-]+$/, 128);
        const got = await deps.callAsRoot('cognito-identity', 'GetOpenIdTokenForDeveloperIdentity', {
          IdentityPoolId: tenant.identityPoolId,
          Logins: { [tenant.developerProviderName]: userIdentifier },
        });
        reply.header('cache-control', 'no-store').send({ IdentityId: got.IdentityId, Token: got.Token });
      } catch (err) {
        if (!(err instanceof ServiceError) || err.fault !== 'client') throw err;
        const r = renderJsonError(err);
        reply.code(err.status).headers(r.headers).send(r.body);
      }
    });

    app.post('/_tessera/demo/data-step', async (request, reply) => {
      try {
        const input = body(request.body);
        const credentials = {
          accessKeyId: text(input, 'accessKeyId', /^[A-Z0-9]{16,128}$/, 128),
          secretAccessKey: text(input, 'secretAccessKey', /^\S+$/, 256),
          ...(input.sessionToken !== undefined ? { sessionToken: text(input, 'sessionToken', /^\S+$/, 8192) } : {}),
        };
        const gateway = deps.gatewayUrl();
        if (!gateway || deps.demo.storesProblem) throw new ServiceError('ValidationException', `The data step is unavailable: ${deps.demo.storesProblem ?? 'no gateway'}`);
        const send = async (call: string, service: 's3' | 'dynamodb', method: string, path: string, payload: string, headers: Record<string, string> = {}) => {
          const url = new URL(path, gateway);
          const signed = signRequest({ method, url, headers, body: payload, service, region: deps.region, credentials, now: deps.clock() });
          delete signed.host;
          const res = await fetch(url, { method, headers: signed, ...(method === 'GET' ? {} : { body: payload }) });
          const detail = (await res.text()).slice(0, 4000);
          const code = /<Code>([^<]+)<\/Code>/.exec(detail)?.[1] ?? (/"__type"\s*:\s*"(?:[^"#]*#)?([^"]+)"/.exec(detail)?.[1]);
          return { call, status: res.status, outcome: res.ok ? 'OK' : (code ?? 'refused'), detail };
        };
        const calls = [
          await send(`S3 ListObjectsV2 ${tenant.bucket} prefix public/`, 's3', 'GET', `/${tenant.bucket}?list-type=2&prefix=public%2F`, ''),
          await send(`DynamoDB Scan ${tenant.table}`, 'dynamodb', 'POST', '/', JSON.stringify({ TableName: tenant.table }), { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.Scan' }),
          await send(`S3 PutObject ${tenant.bucket}/public/from-the-demo.txt (no demo role allows it)`, 's3', 'PUT', `/${tenant.bucket}/public/from-the-demo.txt`, 'hello'),
        ];
        reply.header('cache-control', 'no-store').send({ calls });
      } catch (err) {
        if (!(err instanceof ServiceError) || err.fault !== 'client') throw err;
        const r = renderJsonError(err);
        reply.code(err.status).headers(r.headers).send(r.body);
      }
    });
  };
}
