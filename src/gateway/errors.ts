/**
 * Refusals in each service's own wire shape, as the unmodified SDKs parse them:
 *  - S3: `<Error><Code>…</Code><Message>…</Message><RequestId>…</RequestId></Error>` (REST-XML);
 *  - DynamoDB: awsJson1_0 `{"__type": "…#Code", "message": "…"}`, status 400 for client errors;
 *  - execute-api: API Gateway's `{"message": "…"}` with `x-amzn-ErrorType`, 403 for every
 *    authentication and authorisation refusal.
 * SigV4 refusals (src/sigv4 kinds) are mapped to each service's codes and wording.
 */
import type { ServerResponse } from 'node:http';
import { Refusal, type Reason } from '../errors/index.js';
import type { Logger } from 'pino';
import type { GatewayRequest } from './types.js';
import { UpstreamUnavailable } from './upstream.js';

export type GatewayService = 's3' | 'dynamodb' | 'execute-api';

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly reason?: Reason,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

function s3FromRefusal(r: Refusal, presigned: boolean): GatewayError {
  const check = r.reason?.check ?? '';
  switch (r.kind) {
    case 'IncompleteSignature':
      return new GatewayError(400, presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed', r.message, r.reason);
    case 'SignatureDoesNotMatch':
      if (check === 'sigv4.payload-hash') return new GatewayError(400, 'XAmzContentSHA256Mismatch', r.message, r.reason);
      if (check.startsWith('sigv4.scope')) return new GatewayError(400, 'AuthorizationHeaderMalformed', r.message, r.reason);
      return new GatewayError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', r.reason);
    case 'RequestExpired':
      return new GatewayError(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', r.reason);
    case 'InvalidClientTokenId':
      if (check.startsWith('session-token')) return new GatewayError(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.', r.reason);
      return new GatewayError(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', r.reason);
    case 'ExpiredToken':
      return new GatewayError(400, 'ExpiredToken', 'The provided token has expired.', r.reason);
    case 'AccessDenied':
      return new GatewayError(403, 'AccessDenied', r.message, r.reason);
    default:
      return new GatewayError(403, 'AccessDenied', 'Access Denied', r.reason);
  }
}

const JSON_SIGV4: Record<string, string> = {
  IncompleteSignature: 'IncompleteSignatureException',
  SignatureDoesNotMatch: 'InvalidSignatureException',
  RequestExpired: 'InvalidSignatureException',
  InvalidClientTokenId: 'UnrecognizedClientException',
  ExpiredToken: 'ExpiredTokenException',
  AccessDenied: 'AccessDeniedException',
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
};

/** Any error thrown while handling a request, as the service's GatewayError. */
export function toGatewayError(err: unknown, service: GatewayService, presigned = false): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof Refusal) {
    if (service === 's3') return s3FromRefusal(err, presigned);
    const code = JSON_SIGV4[err.kind] ?? 'AccessDeniedException';
    const message = err.kind === 'MissingAuthenticationToken' && service === 'execute-api' ? 'Missing Authentication Token' : err.message;
    return new GatewayError(service === 'execute-api' ? 403 : 400, code, message, err.reason);
  }
  if (err instanceof UpstreamUnavailable) {
    const reason = { check: 'gateway.upstream', detail: err.message };
    if (service === 's3') return new GatewayError(503, 'ServiceUnavailable', 'The upstream S3-compatible store is unavailable. Please try again.', reason);
    if (service === 'dynamodb') return new GatewayError(503, 'ServiceUnavailable', 'The upstream DynamoDB-compatible store is unavailable. Please try again.', reason);
    return new GatewayError(502, 'BadGatewayException', 'Bad Gateway', reason);
  }
  if (service === 's3') return new GatewayError(500, 'InternalError', 'We encountered an internal error. Please try again.');
  if (service === 'dynamodb') return new GatewayError(500, 'InternalServerError', 'Internal server error');
  return new GatewayError(500, 'InternalServerErrorException', 'Internal server error');
}

function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderS3Error(res: ServerResponse, error: GatewayError, requestId: string, method: string, extra: Record<string, string> = {}): void {
  const fields = Object.entries(extra)
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('');
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message>${fields}<RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`;
  send(res, error.status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId }, method === 'HEAD' ? '' : body);
}

export function renderDynamoDbError(res: ServerResponse, error: GatewayError, requestId: string): void {
  const namespace = error.code.endsWith('Exception') && error.code !== 'ValidationException' && error.code !== 'ResourceNotFoundException' ? 'com.amazon.coral.service' : 'com.amazonaws.dynamodb.v20120810';
  const body = JSON.stringify({ __type: `${namespace}#${error.code}`, message: error.message });
  send(res, error.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId }, body);
}

export function renderApiError(res: ServerResponse, error: GatewayError, requestId: string): void {
  send(res, error.status, { 'content-type': 'application/json', 'x-amzn-errortype': error.code, 'x-amzn-requestid': requestId }, JSON.stringify({ message: error.message }));
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

export function renderError(res: ServerResponse, service: GatewayService, error: GatewayError, requestId: string, method: string): void {
  if (service === 's3') renderS3Error(res, error, requestId, method);
  else if (service === 'dynamodb') renderDynamoDbError(res, error, requestId);
  else renderApiError(res, error, requestId);
}

/**
 * Puts a refused or failed request's code and reason on its log line, and logs as an internal
 * error what is Tessera's fault: a 5xx other than the service's "upstream unavailable" code.
 */
export function noteFailure(g: GatewayRequest, log: Logger, err: unknown, error: GatewayError, upstreamDown: string): void {
  g.note.outcome = error.code;
  if (error.reason && g.note.reason === undefined) g.note.reason = error.reason;
  if (error.status >= 500 && error.code !== upstreamDown) log.error({ err, requestId: g.requestId }, 'gateway internal error');
}
