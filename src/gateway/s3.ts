/**
 * `s3` requests: SigV4 with S3's rules (the path signed as sent; x-amz-content-sha256 a SHA-256,
 * UNSIGNED-PAYLOAD or an aws-chunked STREAMING form; presigned URLs with X-Amz-Expires),
 * authorised per s3-actions.ts, then re-signed for the upstream and streamed both ways. Bodies
 * are never collected, except a DeleteObjects key list (≤ 2 MiB), whose keys are authorised one
 * by one: the allowed ones go upstream, the refused ones come back as per-key AccessDenied errors.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { DOMParser } from '../tokens/saml/dom.js';
import type { Principal } from '../credentials/principal.js';
import {
  createChunkDecoder,
  createPayloadHashCheck,
  EMPTY_SHA256,
  STREAMING_SIGNED,
  STREAMING_SIGNED_TRAILER,
  STREAMING_UNSIGNED_TRAILER,
  UNSIGNED_PAYLOAD,
  verifySigV4,
  type VerifiedRequest,
} from '../sigv4/index.js';
import { authorizeAll, decisionFields, deniedMessage, globalContext, type Check } from './authorize.js';
import { GatewayError, noteFailure, renderS3Error, toGatewayError } from './errors.js';
import { classifyS3, objectArn, parseS3Path, queryMap } from './s3-actions.js';
import { hasDotSegment, singleHeader, type GatewayDeps, type GatewayRequest } from './types.js';
import { relayResponse, responseHeaders, streamBody, type Upstream } from './upstream.js';

/** A DeleteObjects request holds at most 1,000 keys of ≤ 1,024 bytes: 2 MiB is ample. */
const MAX_DELETE_BODY = 2 * 1024 * 1024;
const MAX_DELETE_RESULT = 8 * 1024 * 1024;
const HEX64 = /^[0-9a-f]{64}$/;

/** Headers that belong to the caller's signature or to the hop, never forwarded. */
const DROP = new Set([
  'host',
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'x-amz-decoded-content-length',
  'x-amz-trailer',
  'x-amz-sdk-checksum-algorithm',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'transfer-encoding',
  'te',
  'upgrade',
  'expect',
  'content-length',
]);
/** Query parameters of SigV4 itself (compared lower-case: SDKs hoist headers in either case). */
const PRESIGN_PARAMS = new Set(['x-amz-content-sha256', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires', 'x-amz-signedheaders', 'x-amz-signature', 'x-amz-security-token']);

type Mode = 'hex' | typeof UNSIGNED_PAYLOAD | typeof STREAMING_SIGNED | typeof STREAMING_SIGNED_TRAILER | typeof STREAMING_UNSIGNED_TRAILER;

function payloadMode(value: string): Mode | undefined {
  if (HEX64.test(value)) return 'hex';
  if (value === UNSIGNED_PAYLOAD || value === STREAMING_SIGNED || value === STREAMING_SIGNED_TRAILER || value === STREAMING_UNSIGNED_TRAILER) return value;
  return undefined;
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? '0') > 0;
}

function upstreamQuery(raw: string): string {
  if (raw === '') return raw;
  return raw
    .split('&')
    .filter((piece) => {
      const eq = piece.indexOf('=');
      return piece !== '' && !PRESIGN_PARAMS.has(decodeURIComponentSafe(eq < 0 ? piece : piece.slice(0, eq)).toLowerCase());
    })
    .join('&');
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Payload {
  mode: Mode;
  declared: string;
  transforms: Transform[];
  /** Content-Length of what the upstream receives, when known. */
  length: string | undefined;
}

/** The transforms that check (and, for aws-chunked, decode) the payload as it streams. */
function payloadPipeline(req: IncomingMessage, mode: Mode, declared: string, verified: VerifiedRequest<Principal>): Payload {
  const body = hasBody(req);
  if (mode === 'hex') {
    if (!body) {
      if (declared !== EMPTY_SHA256) throw new GatewayError(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
      return { mode, declared, transforms: [], length: undefined };
    }
    return { mode, declared, transforms: [createPayloadHashCheck(declared)], length: singleHeader(req, 'content-length') };
  }
  if (mode === UNSIGNED_PAYLOAD) return { mode, declared, transforms: [], length: body ? singleHeader(req, 'content-length') : undefined };
  const decodedText = singleHeader(req, 'x-amz-decoded-content-length');
  if (decodedText === undefined || !/^\d{1,15}$/.test(decodedText)) {
    throw new GatewayError(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header (x-amz-decoded-content-length for aws-chunked payloads).');
  }
  const decoder = createChunkDecoder({
    mode,
    decodedLength: Number(decodedText),
    signingKey: verified.signingKey,
    amzDate: verified.amzDate,
    scope: verified.scope,
    seedSignature: verified.signature,
  });
  return { mode, declared, transforms: [decoder], length: decodedText };
}

function forwardHeaders(req: IncomingMessage, payload: Payload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || DROP.has(name)) continue;
    if (payload.mode !== 'hex' && payload.mode !== UNSIGNED_PAYLOAD && name.startsWith('x-amz-checksum-')) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const encoding = out['content-encoding'];
  if (encoding !== undefined) {
    const kept = encoding
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && s.toLowerCase() !== 'aws-chunked');
    if (kept.length) out['content-encoding'] = kept.join(', ');
    else delete out['content-encoding'];
  }
  if (payload.length !== undefined) out['content-length'] = payload.length;
  return out;
}

/** Reads the (checked, decoded) body into memory: DeleteObjects only. */
function collect(source: Readable, transforms: readonly Transform[], limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let stream: Readable = source;
    for (const t of transforms) {
      t.once('error', reject);
      stream = stream.pipe(t);
    }
    const parts: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        source.unpipe();
        source.resume();
        reject(new GatewayError(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.'));
        return;
      }
      parts.push(chunk);
    });
    stream.once('end', () => resolve(Buffer.concat(parts)));
    source.once('error', reject);
  });
}

function readAll(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) parts.push(chunk);
    });
    stream.once('end', () => (size > limit ? reject(new Error('upstream DeleteObjects result too large')) : resolve(Buffer.concat(parts))));
    stream.once('error', reject);
  });
}

/**
 * A DeleteObjects body (`<Delete><Object><Key>…</Key><VersionId>…</VersionId></Object>…<Quiet>`),
 * read with the one XML DOM the product uses (@xmldom/xmldom through tokens/saml/dom.ts, as for SAML): DOCTYPE and
 * entity declarations are refused before parsing (security.md S10, S11), keys keep their white
 * space, and anything but one `Delete` root (in any namespace, as S3 accepts) throws.
 */
function parseDeleteBody(text: string): { objects: Array<{ Key?: string; VersionId?: string }>; quiet: boolean } {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) throw new Error('DOCTYPE and entity declarations are not allowed');
  const complain = (message: string) => {
    throw new Error(message);
  };
  const doc = new DOMParser({ errorHandler: { warning: complain, error: complain, fatalError: complain } }).parseFromString(text, 'text/xml');
  const root = doc.documentElement;
  if (!root || root.localName !== 'Delete') throw new Error('no Delete element');
  const objects: Array<{ Key?: string; VersionId?: string }> = [];
  let quiet = false;
  for (let n = root.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const el = n as unknown as { localName: string; firstChild: typeof n | null; textContent: string | null };
    if (el.localName === 'Quiet') quiet = (el.textContent ?? '').trim() === 'true';
    if (el.localName !== 'Object') continue;
    const object: { Key?: string; VersionId?: string } = {};
    for (let c = el.firstChild; c; c = c.nextSibling) {
      if (c.nodeType !== 1) continue;
      const field = c as unknown as { localName: string; textContent: string | null };
      if (field.localName === 'Key') object.Key = field.textContent ?? '';
      if (field.localName === 'VersionId') object.VersionId = field.textContent ?? '';
    }
    objects.push(object);
  }
  return { objects, quiet };
}

export function createS3Handler(deps: GatewayDeps, upstream: Upstream) {
  return async function handleS3(g: GatewayRequest): Promise<void> {
    const { req, res } = g;
    const presigned = req.headers.authorization === undefined;
    g.note.service = 's3';
    try {
      let declared = UNSIGNED_PAYLOAD;
      if (presigned) {
        // A presigned URL may name its payload hash (X-Amz-Content-Sha256); S3 otherwise signs UNSIGNED-PAYLOAD.
        for (const [name, value] of queryMap(g.query)) if (name.toLowerCase() === 'x-amz-content-sha256') declared = value;
      } else {
        const sent = singleHeader(req, 'x-amz-content-sha256');
        if (sent === undefined) throw new GatewayError(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
        declared = sent;
      }
      const mode = payloadMode(declared);
      if (!mode) throw new GatewayError(400, 'InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER], STREAMING-UNSIGNED-PAYLOAD-TRAILER, or a valid sha256 value.');
      const verified = await verifySigV4<Principal>(
        { method: req.method ?? 'GET', path: g.path, query: g.query, headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.alloc(0) },
        { now: g.now, lookup: deps.lookupCredentials, services: ['s3'], payloadHash: declared, s3Path: true },
      );
      const principal = verified.principal;
      g.note.principal = principal.arn;
      const method = req.method ?? 'GET';
      const target = parseS3Path(g.path);
      // A key with `.` or `..` segments is authorised as written, but a store (or a proxy before
      // it) that normalises paths would serve another key: refused (security.md V06).
      if (target.key !== undefined && hasDotSegment(target.key)) {
        throw new GatewayError(400, 'InvalidArgument', 'The gateway does not accept object keys with "." or ".." path segments.', { check: 'gateway.dot-segment', actual: target.key });
      }
      // Headers a presigned URL carries in its query (x-amz-acl, …) are not sub-resources.
      const subresources = new Map([...queryMap(upstreamQuery(g.query))].filter(([name]) => !name.toLowerCase().startsWith('x-amz-')));
      const op = classifyS3(method, target, subresources, req.headers);
      if (!op) throw new GatewayError(400, 'InvalidRequest', `The gateway does not support this S3 request (${method} with these sub-resources); it is refused rather than forwarded unchecked.`);
      g.note.operation = op.name;
      const base = {
        ...globalContext(req, g.now, deps.region),
        's3:authType': presigned ? 'REST-QUERY-STRING' : 'REST-HEADER',
        's3:signatureversion': 'AWS4-HMAC-SHA256',
        's3:signatureAge': String(Math.max(0, g.now.getTime() - verified.date.getTime())),
        's3:x-amz-content-sha256': declared,
      };
      const payload = payloadPipeline(req, mode, declared, verified);

      if (op.deleteObjects) {
        await deleteObjects(deps, upstream, g, principal, target.bucket!, base, payload);
        return;
      }

      const decision = await authorizeAll(deps.authorizer, principal, op.checks, base);
      Object.assign(g.note, decisionFields(decision));
      if (!decision.allowed) {
        const { check, result } = decision.denied!;
        throw new GatewayError(403, 'AccessDenied', deniedMessage(principal, check, result, true), result.reason);
      }

      const withBody = hasBody(req);
      if (!withBody && payload.transforms.length) throw new GatewayError(400, 'IncompleteBody', 'The request body terminated unexpectedly');
      const { request, response } = upstream.open(
        { method, path: g.path, query: upstreamQuery(g.query), headers: forwardHeaders(req, payload), payloadHash: mode === 'hex' ? declared : UNSIGNED_PAYLOAD },
        's3',
        deps.clock(),
      );
      let bodyDone: Promise<void>;
      if (withBody) {
        bodyDone = streamBody(req, payload.transforms, request);
      } else {
        request.end();
        bodyDone = Promise.resolve();
      }
      bodyDone.catch(() => undefined);
      const upstreamRes = await Promise.race([response, bodyDone.then(() => response)]);

      if (upstreamRes.statusCode === 404 && op.missingKeyNeedsListBucket) {
        const list: Check = { action: 's3:ListBucket', resource: `arn:aws:s3:::${target.bucket}` };
        const listing = await authorizeAll(deps.authorizer, principal, [list], base);
        if (!listing.allowed) {
          upstreamRes.resume();
          g.note.missingKey = 'hidden (no s3:ListBucket)';
          throw new GatewayError(403, 'AccessDenied', deniedMessage(principal, list, listing.denied!.result, true), listing.denied!.result.reason);
        }
      }
      g.note.status = upstreamRes.statusCode;
      await relayResponse(res, upstreamRes);
    } catch (err) {
      const error = toGatewayError(err, 's3', presigned);
      noteFailure(g, deps.log, err, error, 'ServiceUnavailable');
      renderS3Error(res, error, g.requestId, req.method ?? 'GET', {});
    }
  };
}

async function deleteObjects(deps: GatewayDeps, upstream: Upstream, g: GatewayRequest, principal: Principal, bucket: string, base: Record<string, string>, payload: Payload): Promise<void> {
  const { req, res } = g;
  const body = await collect(req, payload.transforms, MAX_DELETE_BODY);
  let objects: Array<{ Key?: unknown; VersionId?: unknown }>;
  let quiet = false;
  try {
    ({ objects, quiet } = parseDeleteBody(body.toString('utf8')));
  } catch {
    throw new GatewayError(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
  }
  if (objects.length === 0 || objects.length > 1000 || objects.some((o) => typeof o.Key !== 'string')) {
    throw new GatewayError(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
  }
  const allowed: Array<{ key: string; versionId?: string }> = [];
  const refused: Array<{ key: string; versionId?: string; message: string }> = [];
  let firstDenied: Record<string, unknown> | undefined;
  let lastAllowed: Record<string, unknown> | undefined;
  for (const o of objects) {
    const key = o.Key as string;
    const versionId = typeof o.VersionId === 'string' ? o.VersionId : undefined;
    const check: Check = { action: versionId !== undefined ? 's3:DeleteObjectVersion' : 's3:DeleteObject', resource: objectArn(bucket, key) };
    const decision = await authorizeAll(deps.authorizer, principal, [check], base);
    if (decision.allowed) {
      allowed.push({ key, ...(versionId === undefined ? {} : { versionId }) });
      lastAllowed ??= decisionFields(decision);
    } else {
      refused.push({ key, ...(versionId === undefined ? {} : { versionId }), message: deniedMessage(principal, check, decision.denied!.result, true) });
      firstDenied ??= decisionFields(decision);
    }
  }
  Object.assign(g.note, firstDenied ?? lastAllowed ?? {}, { keys: objects.length, refusedKeys: refused.length });

  const errors = refused
    .map((r) => `<Error><Key>${xmlEscape(r.key)}</Key>${r.versionId !== undefined ? `<VersionId>${xmlEscape(r.versionId)}</VersionId>` : ''}<Code>AccessDenied</Code><Message>${xmlEscape(r.message)}</Message></Error>`)
    .join('');
  if (allowed.length === 0) {
    const out = `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${errors}</DeleteResult>`;
    res.writeHead(200, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(out)), 'x-amz-request-id': g.requestId });
    res.end(out);
    return;
  }
  const objectsXml = allowed.map((a) => `<Object><Key>${xmlEscape(a.key)}</Key>${a.versionId !== undefined ? `<VersionId>${xmlEscape(a.versionId)}</VersionId>` : ''}</Object>`).join('');
  const forward = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${quiet ? '<Quiet>true</Quiet>' : ''}${objectsXml}</Delete>`, 'utf8');
  const headers: Record<string, string> = {
    'content-type': 'application/xml',
    'content-length': String(forward.length),
    'content-md5': createHash('md5').update(forward).digest('base64'),
  };
  const { request, response } = upstream.open({ method: 'POST', path: g.path, query: upstreamQuery(g.query), headers, payloadHash: createHash('sha256').update(forward).digest('hex') }, 's3', deps.clock());
  request.end(forward);
  const upstreamRes = await response;
  const result = await readAll(upstreamRes, MAX_DELETE_RESULT);
  let out = result;
  if (upstreamRes.statusCode === 200 && errors) {
    const text = result.toString('utf8');
    const close = text.lastIndexOf('</DeleteResult>');
    if (close >= 0) out = Buffer.from(text.slice(0, close) + errors + text.slice(close), 'utf8');
    else {
      const selfClosing = text.search(/<DeleteResult([^>]*)\/>/);
      if (selfClosing >= 0) out = Buffer.from(text.replace(/<DeleteResult([^>]*)\/>/, `<DeleteResult$1>${errors}</DeleteResult>`), 'utf8');
    }
  }
  const headersOut = responseHeaders(upstreamRes.headers);
  delete headersOut['content-length'];
  delete headersOut['content-md5'];
  g.note.status = upstreamRes.statusCode;
  res.writeHead(upstreamRes.statusCode ?? 502, { ...headersOut, 'content-length': String(out.length) });
  res.end(out);
}
