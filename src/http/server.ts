/**
 * The HTTP listener: one fastify instance serving every AWS API on `POST /`, `/health`, and the
 * newcomer's page at `/`. Bodies are taken raw (Buffer) for every content type so SigV4 can hash
 * exactly the bytes received; the AWS endpoint decides what the bytes mean.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ServiceError } from '../errors/index.js';
import { renderJsonError, renderQueryError } from '../wire/index.js';
import type { RequestNote } from './aws-endpoint.js';

/** IAM's CreateSAMLProvider accepts metadata up to 10,000,000 characters (model); nothing else comes close. */
export const MAX_BODY_BYTES = 11 * 1024 * 1024;

export interface HttpDeps {
  awsEndpoint: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  health: () => Promise<{ ok: boolean; detail?: string }>;
  /** The page at `/`: HTML, or HTML with its own headers (the demo page's security headers). */
  indexPage: () => string | { html: string; headers: Record<string, string> };
  log: Logger;
  /** Called first, before any hook or route is added: per-instance instrumentation (the demo's run traces). */
  instrument?: (app: FastifyInstance) => void;
  /** Extra routes (discovery documents, JWKS …) registered by services. */
  routes?: Array<(app: FastifyInstance) => void>;
}

export function buildHttpServer(deps: HttpDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    // SigV4 signs the Host header the client sent; forwarded headers are not trusted by default.
    trustProxy: false,
    return503OnClosing: true,
    forceCloseConnections: false,
    // Request ids are UUIDs, as AWS's x-amzn-RequestId: answers produced before the AWS endpoint
    // runs (body too large, aborted body …) carry fastify's id, so it must look like one.
    genReqId: () => randomUUID(),
  });

  deps.instrument?.(app);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // One structured line per request: request id, operation, outcome, latency.
  app.addHook('onResponse', async (request, reply) => {
    const note = (request as unknown as { tessera?: RequestNote }).tessera;
    const line = {
      requestId: reply.getHeader('x-amzn-RequestId') ?? request.id,
      method: request.method,
      path: request.routeOptions.url ?? request.url,
      status: reply.statusCode,
      latencyMs: Math.round(reply.elapsedTime * 100) / 100,
      ...(note?.service ? { service: note.service, operation: note.operation } : {}),
      outcome: note?.outcome ?? (reply.statusCode < 400 ? 'ok' : String(reply.statusCode)),
      ...(note?.reason ? { reason: note.reason } : {}),
    };
    if (request.url === '/health') deps.log.debug(line, 'request');
    else deps.log.info(line, 'request');
  });

  app.get('/health', async (_request, reply) => {
    const h = await deps.health();
    reply.code(h.ok ? 200 : 503).send(h.ok ? { status: 'ok' } : { status: 'unavailable', detail: h.detail });
  });

  app.get('/', async (request, reply) => {
    // The query protocol also allows GET with Action in the query string.
    if (typeof (request.query as Record<string, unknown>)?.Action === 'string') return deps.awsEndpoint(request, reply);
    const page = deps.indexPage();
    if (typeof page === 'string') reply.type('text/html; charset=utf-8').send(page);
    else reply.headers(page.headers).type('text/html; charset=utf-8').send(page.html);
  });
  app.post('/', deps.awsEndpoint);

  for (const register of deps.routes ?? []) register(app);

  // Errors raised by fastify itself before our handler (body too large, aborted bodies …) are
  // still answered in the AWS shape of the protocol the client spoke.
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const isJson = request.headers['x-amz-target'] !== undefined;
    let se: ServiceError;
    if (status === 413) se = new ServiceError('RequestEntityTooLarge', `Request body exceeds ${MAX_BODY_BYTES} bytes`);
    else if (status < 500) se = new ServiceError(isJson ? 'SerializationException' : 'MalformedQueryString', error.message);
    else {
      deps.log.error({ err: error }, 'unhandled error');
      se = new ServiceError(isJson ? 'InternalFailureException' : 'InternalFailure', 'We encountered an internal error. Please try again.');
    }
    const requestId = String(request.id);
    // Every AWS answer carries x-amzn-RequestId (SDKs read it into $metadata.requestId), errors
    // fastify raises before the AWS endpoint included; the body's RequestId is the same id.
    reply.header('x-amzn-RequestId', requestId);
    if (isJson) {
      const r = renderJsonError(se);
      reply.code(status === 500 ? 500 : se.status).headers(r.headers).send(r.body);
    } else {
      reply.code(status === 500 ? 500 : se.status).type('text/xml').send(renderQueryError(se, 'https://sts.amazonaws.com/doc/2011-06-15/', requestId));
    }
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).type('application/json').send({ message: `No route for ${request.method} ${request.url.split('?')[0]}` });
  });

  return app;
}
