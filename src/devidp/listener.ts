/**
 * The development identity providers' HTTPS listener (server-to-server endpoints: OIDC discovery
 * and JWKS, Google/Apple JWKS, Facebook Graph, Login with Amazon tokeninfo/profile, Twitter
 * OAuth 1.0a). It listens on 127.0.0.1 only, with the self-signed certificate of
 * `<dataDir>/dev-idps/tls.pem` (SANs localhost and 127.0.0.1), which Tessera's verifiers trust by
 * its thumbprint, per instance. Its port is kept in `<dataDir>/dev-idps/state.json`: the port of
 * the last start is reused when free (so the OIDC issuer, and the identities bound to it, stay the
 * same across restarts), otherwise the OS picks one and it is recorded.
 * Query strings (Facebook and Amazon put access tokens there) are never logged.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DevCertificate } from './certificates.js';

export type DevHandler = (url: URL, req: IncomingMessage, body: Buffer) => Promise<DevAnswer | undefined> | DevAnswer | undefined;
export interface DevAnswer {
  status: number;
  body: unknown;
  /** Default application/json; a string body with another type is sent as is. */
  type?: string;
}

const MAX_BODY = 64 * 1024;

function send(res: ServerResponse, answer: DevAnswer): void {
  const type = answer.type ?? 'application/json';
  const text = typeof answer.body === 'string' && type !== 'application/json' ? answer.body : JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': type, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

export interface DevListener {
  readonly port: number;
  /** `https://localhost:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

function listenOn(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

export async function startDevListener(options: { tls: DevCertificate; preferredPort: number | undefined; handlers: readonly DevHandler[]; onError: (err: unknown) => void }): Promise<DevListener> {
  const server = createServer({ key: options.tls.keyPem, cert: options.tls.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        send(res, { status: 413, body: { error: 'request_too_large' } });
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      void (async () => {
        let url: URL;
        try {
          url = new URL(req.url ?? '/', 'https://localhost');
        } catch {
          return send(res, { status: 400, body: { error: 'bad_request' } });
        }
        for (const handler of options.handlers) {
          const answer = await handler(url, req, Buffer.concat(chunks));
          if (answer) return send(res, answer);
        }
        send(res, { status: 404, body: { error: 'not_found', path: url.pathname } });
      })().catch((err) => {
        options.onError(err);
        if (!res.headersSent) send(res, { status: 500, body: { error: 'server_error' } });
      });
    });
  });
  let port: number;
  try {
    port = options.preferredPort ? await listenOn(server, options.preferredPort) : await listenOn(server, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' && (err as NodeJS.ErrnoException).code !== 'EACCES') throw err;
    port = await listenOn(server, 0);
  }
  return {
    port,
    origin: `https://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
