/**
 * The upstream side of the gateway: re-signing a request with the upstream's own credentials
 * (SigV4, built from src/sigv4's canonical request and key derivation) and sending it with its
 * body streamed, never collected. The caller's signature, session token and payload encoding
 * never reach the upstream: it sees the gateway as its one client.
 */
import { request as httpRequest, Agent as HttpAgent, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import type { Readable, Transform } from 'node:stream';
import { createHmac } from 'node:crypto';
import type { GatewayUpstream } from '../config/index.js';
import { buildCanonicalRequest, buildStringToSign, formatAmzDate, parseQuery, SigningKeyCache } from '../sigv4/index.js';

export interface UpstreamRequest {
  method: string;
  /** Path as it goes on the wire (already percent-encoded), starting with `/`. */
  path: string;
  /** Raw query string without `?`. */
  query: string;
  /** Lower-case names. `host` and the signature headers are added here. */
  headers: Record<string, string>;
  /** `x-amz-content-sha256` for the upstream: a hex SHA-256 or UNSIGNED-PAYLOAD. */
  payloadHash: string;
}

/** Thrown when the upstream cannot be reached or breaks off; rendered as 502/503 in the service's shape. */
export class UpstreamUnavailable extends Error {
  constructor(readonly upstream: string, cause: unknown) {
    super(`upstream ${upstream} is unavailable: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'UpstreamUnavailable';
  }
}

export interface Upstream {
  readonly base: URL;
  readonly config: GatewayUpstream | { url: string; region: string; accessKeyId: undefined; secretAccessKey: undefined };
  /** Opens the request (headers sent once the body starts); resolves with the response. */
  open(req: UpstreamRequest, service: string, now: Date): { request: ClientRequest; response: Promise<IncomingMessage> };
  close(): void;
}

export function createUpstream(config: Upstream['config']): Upstream {
  const base = new URL(config.url);
  const basePath = base.pathname.replace(/\/+$/, '');
  const https = base.protocol === 'https:';
  const agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 256 }) : new HttpAgent({ keepAlive: true, maxSockets: 256 });
  const keys = new SigningKeyCache(16);
  // URL getters cost per call; the request options are read once.
  const host = base.host;
  const protocol = base.protocol;
  const hostname = base.hostname.replace(/^\[|\]$/g, '');
  const port = base.port || (https ? 443 : 80);

  return {
    base,
    config,
    open(req, service, now) {
      const path = basePath + req.path;
      const headers: Record<string, string> = { ...req.headers, host };
      if (config.accessKeyId !== undefined && config.secretAccessKey !== undefined) {
        const amzDate = formatAmzDate(now);
        headers['x-amz-date'] = amzDate;
        headers['x-amz-content-sha256'] = req.payloadHash;
        const signedHeaders = Object.keys(headers)
          .filter((n) => n === 'host' || n.startsWith('x-amz-') || n === 'content-md5' || n === 'content-type')
          .sort();
        const map = new Map(signedHeaders.map((n) => [n, [headers[n]!]]));
        const canonical = buildCanonicalRequest({
          method: req.method,
          path,
          query: parseQuery(req.query),
          headers: map,
          signedHeaders,
          payloadHash: req.payloadHash,
          rawPath: service === 's3',
        });
        const scope = `${amzDate.slice(0, 8)}/${config.region}/${service}/aws4_request`;
        const key = keys.get(config.secretAccessKey, amzDate.slice(0, 8), config.region, service);
        const signature = createHmac('sha256', key).update(buildStringToSign(amzDate, scope, canonical), 'utf8').digest('hex');
        headers.authorization = `AWS4-HMAC-SHA256 Credential=${config.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
      }
      const options = {
        protocol,
        hostname,
        port,
        method: req.method,
        path: req.query ? `${path}?${req.query}` : path,
        headers,
        agent,
      };
      const request = https ? httpsRequest(options) : httpRequest(options);
      const response = new Promise<IncomingMessage>((resolve, reject) => {
        request.once('response', resolve);
        request.once('error', (err) => reject(new UpstreamUnavailable(base.origin, err)));
      });
      // The caller may stop waiting (a refused body); an unobserved rejection must not crash.
      response.catch(() => undefined);
      return { request, response };
    },
    close() {
      agent.destroy();
    },
  };
}

/**
 * Streams `source` through `transforms` into `dest` with back-pressure. Errors do not end `dest`:
 * a transform that refuses (a bad chunk signature, a wrong payload hash) destroys the upstream
 * request before its last byte, so the upstream never completes it. The client's request is left
 * open (unpiped and drained) so that the refusal can still be answered on it.
 */
export function streamBody(source: Readable, transforms: readonly Transform[], dest: ClientRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let ended = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      source.unpipe();
      source.resume();
      dest.destroy();
      reject(err);
    };
    let stream: Readable = source;
    for (const t of transforms) {
      t.on('error', fail);
      stream = stream.pipe(t);
    }
    stream.once('end', () => {
      ended = true;
    });
    source.once('error', fail);
    source.once('close', () => {
      if (!(source as { complete?: boolean }).complete) fail(new Error('the client closed the request before its body ended'));
    });
    dest.once('finish', () => {
      settled = true;
      resolve();
    });
    dest.once('error', (err) => {
      if (!ended) fail(err);
    });
    stream.pipe(dest);
  });
}

/** Response headers passed back to the client: all but hop-by-hop ones. */
export function responseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (name === 'connection' || name === 'keep-alive' || name === 'transfer-encoding' || name === 'proxy-connection' || name === 'upgrade') continue;
    out[name] = value;
  }
  return out;
}

/**
 * Streams the upstream's answer to the client (status, end-to-end headers, body) and resolves
 * once the client's response is closed; a client that goes away ends the upstream read.
 */
export async function relayResponse(res: ServerResponse, upstreamRes: IncomingMessage): Promise<void> {
  res.writeHead(upstreamRes.statusCode ?? 502, responseHeaders(upstreamRes.headers));
  res.once('close', () => {
    if (!res.writableFinished) upstreamRes.destroy();
  });
  upstreamRes.pipe(res);
  await new Promise<void>((resolve) => {
    res.once('close', resolve);
  });
}
