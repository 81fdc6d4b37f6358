/**
 * Raw-HTTP helpers for the pipeline tests: send exact bytes to a real Tessera with fetch, sign
 * them with @smithy/signature-v4 (header or presigned), and check the AWS error envelopes —
 * awsQuery `ErrorResponse/Error/{Type,Code,Message}` + `RequestId` (aws-surface.md §2.2) and
 * awsJson `{"__type","message"}` + `x-amzn-ErrorType` (§2.1) — and the invariants every answer
 * keeps: an `x-amzn-RequestId` header and never a 5xx (security.md invariant 7).
 */
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { XMLParser } from 'fast-xml-parser';
import type { TestServer } from '../../helpers/server.js';

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

export const FORM = 'application/x-www-form-urlencoded; charset=utf-8';
export const AMZ_JSON = 'application/x-amz-json-1.1';

export async function send(server: TestServer, init: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse> {
  const res = await fetch(server.url + (init.path ?? '/'), {
    method: init.method ?? 'POST',
    headers: init.headers ?? {},
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export const postForm = (server: TestServer, body: string, headers: Record<string, string> = {}) =>
  send(server, { body, headers: { 'content-type': FORM, ...headers } });

export const postJson = (server: TestServer, target: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  send(server, { body, headers: { 'content-type': AMZ_JSON, 'x-amz-target': target, ...headers } });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every answer: an x-amzn-RequestId that looks like AWS's (a UUID), and a client-fault status. */
export function assertCommon(res: RawResponse, status: number): string {
  assert.equal(res.status, status, `status (body: ${res.text.slice(0, 300)})`);
  assert.ok(res.status < 500, 'never a 5xx');
  const id = res.headers.get('x-amzn-requestid');
  assert.ok(id, 'x-amzn-RequestId header present');
  assert.match(id, UUID, 'request id is a UUID');
  return id;
}

const xml = new XMLParser({ ignoreAttributes: false, parseTagValue: false });

/** Asserts an awsQuery error envelope with this status and code; returns its message. */
export function assertQueryError(res: RawResponse, status: number, code: string, message?: string | RegExp): string {
  const id = assertCommon(res, status);
  assert.match(res.headers.get('content-type') ?? '', /^text\/xml/);
  const doc = xml.parse(res.text) as { ErrorResponse?: { Error?: { Type?: string; Code?: string; Message?: string }; RequestId?: string } };
  const envelope = doc.ErrorResponse;
  assert.ok(envelope?.Error, `ErrorResponse/Error in ${res.text.slice(0, 300)}`);
  assert.equal(envelope.Error.Type, 'Sender');
  assert.equal(envelope.Error.Code, code);
  assert.equal(typeof envelope.Error.Message, 'string');
  assert.equal(envelope.RequestId, id, 'body RequestId equals the x-amzn-RequestId header');
  if (typeof message === 'string') assert.equal(envelope.Error.Message, message);
  else if (message) assert.match(envelope.Error.Message!, message);
  return envelope.Error.Message!;
}

/** Asserts an awsJson error with this status and code; returns its message. */
export function assertJsonError(res: RawResponse, status: number, code: string, message?: string | RegExp): string {
  assertCommon(res, status);
  // Fastify appends '; charset=utf-8' to string bodies; SDKs read only the media type.
  assert.match(res.headers.get('content-type') ?? '', /^application\/x-amz-json-1\.1(;|$)/);
  const body = JSON.parse(res.text) as { __type?: string; message?: string };
  assert.equal(body.__type, code);
  assert.equal(typeof body.message, 'string');
  assert.equal(res.headers.get('x-amzn-errortype')?.replace(/:.*$/, ''), code);
  if (typeof message === 'string') assert.equal(body.message, message);
  else if (message) assert.match(body.message!, message);
  return body.message!;
}

/** A SigV4 signer for the server's root credentials (or any others). */
export function signer(server: TestServer, service: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = server.rootCredentials) {
  return new SignatureV4({ service, region: server.region, credentials, sha256: Sha256 });
}

function requestFor(server: TestServer, body: string, headers: Record<string, string>) {
  const url = new URL(server.url);
  return { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {}, headers: { host: url.host, ...headers }, body };
}

/** Signs a form POST with header auth and sends it byte for byte. */
export async function signedForm(
  server: TestServer,
  body: string,
  options: { service?: string; signingDate?: Date; credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } } = {},
): Promise<RawResponse> {
  const s = signer(server, options.service ?? 'sts', options.credentials);
  const signed = await s.sign(requestFor(server, body, { 'content-type': FORM }), options.signingDate ? { signingDate: options.signingDate } : {});
  const headers = { ...(signed.headers as Record<string, string>) };
  delete headers.host;
  return send(server, { body, headers });
}

/** RFC 3986 encoding, as SigV4 canonicalises query components. */
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A presigned GET URL for a query-protocol action (what `aws sts get-caller-identity` presigning produces). */
export async function presignedUrl(server: TestServer, query: Record<string, string>, options: { service?: string; expiresIn?: number; signingDate?: Date } = {}): Promise<string> {
  const url = new URL(server.url);
  const s = signer(server, options.service ?? 'sts');
  const presigned = await s.presign(
    { method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query, headers: { host: url.host } },
    { expiresIn: options.expiresIn ?? 300, ...(options.signingDate ? { signingDate: options.signingDate } : {}) },
  );
  const qs = Object.entries(presigned.query ?? {})
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(String(v))}`)
    .join('&');
  return `${server.url}/?${qs}`;
}
