/**
 * gateway/ is the SigV4 gateway: a second listener in the same process that puts Tessera's
 * credentials — and only what their policies allow — in front of data services people run
 * themselves. Each request is routed by the service of its SigV4 credential scope:
 *
 *   s3           → the S3-compatible upstream (path-style)           s3.ts, s3-actions.ts
 *   dynamodb     → the DynamoDB-compatible upstream                   dynamodb.ts, dynamodb-actions.ts
 *   execute-api  → the HTTP API configured for the path's first segment   execute-api.ts
 *
 * Every request is authenticated by src/sigv4 (header and presigned; S3 payload forms streamed),
 * authorised by src/authz with the action, resource and condition keys AWS derives, refused in
 * the service's own error shape, or re-signed with the upstream's credentials (upstream.ts) and
 * streamed both ways. One info log line per request names the decision and the deciding policy
 * and statement. The gateway keeps no state but bounded caches (key schemas, identity tokens).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { GatewayConfig } from '../config/index.js';
import { percentDecode } from '../sigv4/index.js';
import { createDynamoDbHandler } from './dynamodb.js';
import { GatewayError, renderError, type GatewayService } from './errors.js';
import { createExecuteApiHandler, type IdentitySigner } from './execute-api.js';
import { createS3Handler } from './s3.js';
import type { GatewayDeps, GatewayRequest } from './types.js';
import { createUpstream } from './upstream.js';

export type { GatewayDeps } from './types.js';
export { IDENTITY_HEADER, IDENTITY_TOKEN_SECONDS, identityClaims } from './execute-api.js';

export interface Gateway {
  readonly server: Server;
  /** Resolves to the bound address (port 0 → the chosen port). */
  listen(host: string): Promise<{ port: number; url: string }>;
  /** Stops accepting, ends idle upstream connections. Idempotent. */
  close(): Promise<void>;
}

export interface CreateGatewayOptions extends GatewayDeps {
  config: GatewayConfig;
  publicUrl: string;
  identity: IdentitySigner;
  /** Told of every request once its answer is done (the demo's run traces); what it throws is logged and ignored. */
  observe?: (event: { req: IncomingMessage; requestId: string; method: string; path: string; status: number; ms: number; note: Record<string, unknown> }) => void;
}

/** The service named by the credential scope (Authorization header or X-Amz-Credential), if any. */
export function scopeService(req: IncomingMessage, rawQuery: string): string | undefined {
  const auth = req.headers.authorization;
  let credential: string | undefined;
  if (typeof auth === 'string') {
    credential = /Credential=([^,\s]+)/.exec(auth)?.[1];
  } else if (rawQuery.includes('X-Amz-Credential=')) {
    const raw = /(?:^|&)X-Amz-Credential=([^&]*)/.exec(rawQuery)?.[1];
    credential = raw === undefined ? undefined : percentDecode(raw, true).toString('utf8');
  }
  const parts = credential?.split('/');
  return parts && parts.length === 5 ? parts[3] : undefined;
}

export function createGateway(options: CreateGatewayOptions): Gateway {
  const { config } = options;
  const s3Upstream = config.s3 ? createUpstream(config.s3) : undefined;
  const ddbUpstream = config.dynamodb ? createUpstream(config.dynamodb) : undefined;
  const s3 = s3Upstream ? createS3Handler(options, s3Upstream) : undefined;
  const dynamodb = ddbUpstream ? createDynamoDbHandler(options, ddbUpstream) : undefined;
  const apis = createExecuteApiHandler({ ...options, apis: config.apis });
  const log = options.log;

  /** The shape to answer in when the request names no service we serve. */
  function guessShape(req: IncomingMessage, path: string): GatewayService {
    if (apis.has(path.split('/')[1] ?? '')) return 'execute-api';
    if (req.headers['x-amz-target'] !== undefined) return 'dynamodb';
    if (s3) return 's3';
    return 'execute-api';
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const g: GatewayRequest = {
      req,
      res,
      requestId: randomUUID(),
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? '' : url.slice(q + 1),
      now: options.clock(),
      note: {},
    };
    res.once('close', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info({ requestId: g.requestId, gateway: true, method: req.method, path: g.path, ms, ...g.note }, 'gateway request');
      try {
        options.observe?.({ req, requestId: g.requestId, method: req.method ?? 'GET', path: g.path, status: res.statusCode, ms, note: g.note });
      } catch (err) {
        log.warn({ err, requestId: g.requestId }, 'gateway observer failed');
      }
    });
    const service = scopeService(req, g.query);
    if (service === 's3' && s3) return s3(g);
    if (service === 'dynamodb' && dynamodb) return dynamodb(g);
    if (service === 'execute-api') return apis.handle(g);
    const shape = service === 's3' || service === 'dynamodb' ? service : guessShape(req, g.path);
    g.note.service = shape;
    let error: GatewayError;
    if (service === undefined) {
      // Unsigned: S3 treats it as anonymous (and the gateway allows anonymous nothing); the
      // JSON services answer as API Gateway does for a request without a signature.
      error =
        shape === 's3'
          ? new GatewayError(403, 'AccessDenied', 'Access Denied', { check: 'gateway.anonymous' })
          : new GatewayError(shape === 'dynamodb' ? 400 : 403, 'MissingAuthenticationTokenException', shape === 'dynamodb' ? 'Request is missing Authentication Token' : 'Missing Authentication Token', { check: 'sigv4.auth.missing' });
    } else {
      const served = [...(s3 ? ['s3'] : []), ...(dynamodb ? ['dynamodb'] : []), 'execute-api'];
      const message = `Credential should be scoped to correct service: '${served.join("' or '")}'. `;
      const reason = { check: 'gateway.service', expected: served, actual: service };
      error =
        shape === 's3'
          ? new GatewayError(400, 'AuthorizationHeaderMalformed', `${message}No S3-compatible upstream is configured on this gateway.`, reason)
          : new GatewayError(shape === 'dynamodb' ? 400 : 403, shape === 'dynamodb' ? 'InvalidSignatureException' : 'InvalidSignatureException', message, reason);
    }
    g.note.outcome = error.code;
    g.note.reason = error.reason;
    req.resume();
    renderError(res, shape, error, g.requestId, req.method ?? 'GET');
  }

  const server = createServer({ requestTimeout: 0 }, (req, res) => {
    handle(req, res).catch((err) => {
      log.error({ err }, 'gateway request failed');
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"message":"Internal server error"}');
      } else res.destroy();
    });
  });
  // A client that stops reading must not pin the upstream stream forever.
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 5_000;

  let closing: Promise<void> | undefined;
  return {
    server,
    listen(host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, host, () => {
          server.off('error', reject);
          const addr = server.address();
          const port = typeof addr === 'object' && addr ? addr.port : config.port;
          const h = host.includes(':') ? `[${host}]` : host;
          resolve({ port, url: `http://${h}:${port}` });
        });
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        s3Upstream?.close();
        ddbUpstream?.close();
        apis.close();
      });
      return closing;
    },
  };
}
