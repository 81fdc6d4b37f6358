/**
 * Test harness: @smithy/signature-v4 (the signer inside every AWS SDK for JavaScript v3) is the
 * signing oracle. Requests are signed the way an SDK would sign them and then handed to the
 * verifier in the shape the HTTP layer produces (raw path, raw query, lower-cased headers,
 * rawHeaders).
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { Refusal } from '../../../src/errors/index.js';
import type { CredentialLookupResult, SignedRequest, VerifyOptions } from '../../../src/sigv4/index.js';
import { SigningKeyCache } from '../../../src/sigv4/index.js';

export const HOST = '127.0.0.1:4566';

/** The SDK's URI escaping (encodeURIComponent plus !'()*), used to put a query on the wire. */
export function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export type Query = Record<string, string | string[]>;

/** Wire form of a query, keys in insertion order (the verifier must not depend on order). */
export function toWireQuery(query: Query): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    for (const value of Array.isArray(v) ? v : [v]) parts.push(`${escapeUri(k)}=${escapeUri(value)}`);
  }
  return parts.join('&');
}

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const LONG_TERM: Creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
export const SESSION: Creds = {
  accessKeyId: 'ASIAY34FZKBOKMUTVV7A',
  secretAccessKey: 'sEcReT/+with+slashes/aNd+PlUsEs0123456789',
  sessionToken: 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+session/token==',
};

export interface OracleRequest {
  method: string;
  /** Wire path (what the SDK puts on the request line). */
  path: string;
  query?: Query;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface SignOptions {
  creds: Creds;
  region?: string;
  service?: string;
  date: Date;
  /** false: no x-amz-content-sha256 header (the verifier must hash the body itself). */
  applyChecksum?: boolean;
  /** Headers the SDK is told to leave out of SignedHeaders. */
  unsignableHeaders?: string[];
}

function signer(o: SignOptions): SignatureV4 {
  return new SignatureV4({
    credentials: o.creds,
    region: o.region ?? 'us-east-1',
    service: o.service ?? 'sts',
    sha256: Sha256,
    applyChecksum: o.applyChecksum ?? true,
  });
}

function toSmithy(req: OracleRequest) {
  return {
    method: req.method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4566,
    path: req.path,
    query: { ...(req.query ?? {}) },
    headers: { host: HOST, ...(req.headers ?? {}) },
    body: req.body,
  };
}

interface SmithySigned {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
}

function toSignedRequest(signed: SmithySigned, body: string | Buffer | undefined): SignedRequest {
  const headers: Record<string, string> = {};
  const rawHeaders: string[] = [];
  for (const [name, value] of Object.entries(signed.headers)) {
    headers[name.toLowerCase()] = value;
    rawHeaders.push(name, value);
  }
  const query: Query = {};
  for (const [k, v] of Object.entries(signed.query ?? {})) if (v !== null) query[k] = v;
  return {
    method: signed.method,
    path: signed.path,
    query: toWireQuery(query),
    headers,
    rawHeaders,
    body: body === undefined ? Buffer.alloc(0) : Buffer.from(body),
  };
}

export async function sign(req: OracleRequest, o: SignOptions): Promise<SignedRequest> {
  const signed = (await signer(o).sign(toSmithy(req) as never, {
    signingDate: o.date,
    ...(o.unsignableHeaders ? { unsignableHeaders: new Set(o.unsignableHeaders) } : {}),
  })) as unknown as SmithySigned;
  return toSignedRequest(signed, req.body);
}

export async function presign(req: OracleRequest, o: SignOptions & { expiresIn?: number }): Promise<SignedRequest> {
  const signed = (await signer(o).presign(toSmithy(req) as never, {
    signingDate: o.date,
    ...(o.expiresIn === undefined ? {} : { expiresIn: o.expiresIn }),
  })) as unknown as SmithySigned;
  return toSignedRequest(signed, req.body);
}

export interface Principal {
  arn: string;
}

/** A credential store holding LONG_TERM and SESSION; a session key needs its own token. */
export function lookupFor(store: Array<Creds & { expiresAt?: Date }> = [LONG_TERM, SESSION]) {
  const calls: Array<[string, string | undefined]> = [];
  const lookup = async (accessKeyId: string, sessionToken: string | undefined): Promise<CredentialLookupResult<Principal> | undefined> => {
    calls.push([accessKeyId, sessionToken]);
    const found = store.find((c) => c.accessKeyId === accessKeyId);
    if (!found) return undefined;
    if (found.sessionToken !== sessionToken) {
      throw new Refusal('InvalidClientTokenId', 'The security token included in the request is invalid.', { check: 'test.session-token' });
    }
    return {
      secretAccessKey: found.secretAccessKey,
      principal: { arn: `arn:aws:iam::123456789012:user/${accessKeyId}` },
      ...(found.expiresAt ? { expiresAt: found.expiresAt } : {}),
    };
  };
  return { lookup, calls };
}

export function options(now: Date, extra: Partial<VerifyOptions<Principal>> = {}): VerifyOptions<Principal> {
  return { now, lookup: lookupFor().lookup, signingKeyCache: new SigningKeyCache(16), ...extra };
}

/** Assert a promise rejects with a Refusal of `kind` (and optionally a reason check); returns it. */
export async function refusal(p: Promise<unknown>, kind: string, check?: string): Promise<Refusal> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof Refusal)) throw new Error(`expected Refusal ${kind}, got ${String(e)}`, { cause: e });
    if (e.kind !== kind) throw new Error(`expected Refusal kind ${kind}, got ${e.kind} (${e.reason.check}: ${e.message})`, { cause: e });
    if (check !== undefined && e.reason.check !== check) throw new Error(`expected reason.check ${check}, got ${e.reason.check} (${e.message})`, { cause: e });
    return e;
  }
  throw new Error(`expected Refusal ${kind}, but the request verified`);
}

/** Deep-ish copy so a mutation never leaks into the next case. */
export function clone(req: SignedRequest): SignedRequest {
  return {
    method: req.method,
    path: req.path,
    query: req.query,
    headers: { ...req.headers },
    ...(req.rawHeaders ? { rawHeaders: [...req.rawHeaders] } : {}),
    body: Buffer.from(req.body),
  };
}

/** Replace (or add) a header in both `headers` and `rawHeaders`. */
export function setHeader(req: SignedRequest, name: string, value: string | undefined): SignedRequest {
  const out = clone(req);
  const lower = name.toLowerCase();
  if (value === undefined) delete out.headers[lower];
  else out.headers[lower] = value;
  if (out.rawHeaders) {
    const raw: string[] = [];
    let replaced = false;
    for (let i = 0; i < out.rawHeaders.length; i += 2) {
      if (out.rawHeaders[i].toLowerCase() === lower) {
        if (value !== undefined && !replaced) raw.push(out.rawHeaders[i], value);
        replaced = true;
      } else raw.push(out.rawHeaders[i], out.rawHeaders[i + 1]);
    }
    if (!replaced && value !== undefined) raw.push(name, value);
    out.rawHeaders = raw;
  }
  return out;
}

export function header(req: SignedRequest, name: string): string {
  const v = req.headers[name];
  if (typeof v !== 'string') throw new Error(`no header ${name}`);
  return v;
}
