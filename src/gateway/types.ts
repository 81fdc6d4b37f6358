/** Shapes shared by the gateway's service handlers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Authorizer } from '../authz/index.js';
import type { Principal } from '../credentials/principal.js';
import type { CredentialLookupResult } from '../sigv4/index.js';

export interface GatewayDeps {
  authorizer: Authorizer;
  /** Resolves SigV4 access keys exactly as the AWS endpoint does (root key or sealed session token). */
  lookupCredentials(accessKeyId: string, sessionToken: string | undefined): Promise<CredentialLookupResult<Principal> | undefined>;
  clock: () => Date;
  /** Tessera's region and account: every ARN the gateway authorises carries them. */
  region: string;
  accountId: string;
  log: Logger;
}

/** One request in flight. `note` collects what the request's log line reports. */
export interface GatewayRequest {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  /** Raw path (not decoded) and raw query (no `?`). */
  path: string;
  query: string;
  now: Date;
  note: Record<string, unknown>;
}

/** Reads a request body into memory, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      req.resume();
      reject(tooLarge());
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
        return;
      }
      parts.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(parts)));
    req.once('error', reject);
  });
}

export function singleHeader(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Whether a (decoded) path has a `.` or `..` segment: authorised as written, it could be served as another path. */
export function hasDotSegment(path: string): boolean {
  return path.split('/').some((segment) => segment === '.' || segment === '..');
}
