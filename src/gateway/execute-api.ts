/**
 * `execute-api` requests, as API Gateway with IAM authorization serves them: `/<ID>/<stage>/<path>`
 * is authorised as `execute-api:Invoke` on `arn:aws:execute-api:<region>:<account>:<ID>/<stage>/<METHOD>/<path>`
 * and forwarded to `<URL>/<path>` of the API configured for ID. The upstream learns who called from
 * `X-Tessera-Identity`: a JWT signed by Tessera's OpenID key ring (verifiable with
 * `<public-url>/.well-known/jwks.json`), `aud` = the API's ARN, valid five minutes. Tokens are
 * reused per caller and API for one minute, so an RSA signature is not paid per request.
 */
import type { Principal } from '../credentials/principal.js';
import { percentDecode, verifySigV4 } from '../sigv4/index.js';
import { authorizeAll, decisionFields, deniedMessage, globalContext } from './authorize.js';
import { GatewayError, noteFailure, renderApiError, toGatewayError } from './errors.js';
import { hasDotSegment, readBody, type GatewayDeps, type GatewayRequest } from './types.js';
import { createUpstream, relayResponse, type Upstream } from './upstream.js';

/** API Gateway's payload limit. */
export const MAX_API_BODY = 10 * 1024 * 1024;
export const IDENTITY_HEADER = 'x-tessera-identity';
export const IDENTITY_TOKEN_SECONDS = 300;
const TOKEN_REUSE_MS = 60_000;
const TOKEN_CACHE_MAX = 10_000;

const DROP = new Set(['host', 'authorization', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'upgrade', 'expect', 'content-length', IDENTITY_HEADER]);

export interface IdentitySigner {
  signJwt(payload: Record<string, unknown>, options?: { typ?: string }): Promise<string>;
}

/** The claims the upstream receives about the caller. */
export function identityClaims(principal: Principal, issuer: string, audience: string, now: Date): Record<string, unknown> {
  const iat = Math.floor(now.getTime() / 1000);
  const claims: Record<string, unknown> = { iss: issuer, aud: audience, iat, exp: iat + IDENTITY_TOKEN_SECONDS, principal_arn: principal.arn, account: principal.accountId };
  if (principal.kind === 'root') {
    claims.sub = principal.arn;
    return claims;
  }
  if (principal.kind === 'user') {
    // An IAM user's long-term key, or its GetSessionToken session: the user is the subject.
    claims.sub = principal.userId;
    claims.user_name = principal.userName;
    if (principal.session?.tags && Object.keys(principal.session.tags).length) claims.principal_tags = principal.session.tags;
    return claims;
  }
  const s = principal.session;
  const cognito = s.federated?.provider === 'cognito-identity.amazonaws.com' ? s.federated.claims : undefined;
  claims.sub = typeof cognito?.sub === 'string' ? cognito.sub : principal.userId;
  if (cognito) {
    claims.identity_id = cognito.sub;
    claims.identity_pool_id = cognito.aud;
    claims.amr = cognito.amr;
  }
  claims.role_arn = s.roleArn;
  claims.session_name = s.sessionName;
  if (s.tags && Object.keys(s.tags).length) claims.principal_tags = s.tags;
  return claims;
}

export function createExecuteApiHandler(deps: GatewayDeps & { apis: Readonly<Record<string, string>>; publicUrl: string; identity: IdentitySigner }) {
  const upstreams = new Map<string, Upstream>();
  for (const [id, url] of Object.entries(deps.apis)) upstreams.set(id, createUpstream({ url, region: deps.region, accessKeyId: undefined, secretAccessKey: undefined }));
  const tokens = new Map<string, { token: string; until: number }>();

  async function identityToken(principal: Principal, apiArn: string, now: Date): Promise<string> {
    const key = `${principal.accessKeyId}\u0000${apiArn}`;
    const hit = tokens.get(key);
    if (hit && hit.until > now.getTime()) return hit.token;
    const token = await deps.identity.signJwt(identityClaims(principal, deps.publicUrl, apiArn, now));
    tokens.delete(key);
    tokens.set(key, { token, until: now.getTime() + TOKEN_REUSE_MS });
    if (tokens.size > TOKEN_CACHE_MAX) tokens.delete(tokens.keys().next().value as string);
    return token;
  }

  const handler = async function handleExecuteApi(g: GatewayRequest): Promise<void> {
    const { req, res } = g;
    g.note.service = 'execute-api';
    try {
      const segments = g.path.split('/');
      // '' / ID / stage / rest…
      const id = segments[1] ?? '';
      const stage = segments[2] ?? '';
      const upstream = upstreams.get(id);
      if (!upstream || stage === '') throw new GatewayError(403, 'ForbiddenException', 'Forbidden');
      const body = await readBody(req, MAX_API_BODY, () => new GatewayError(413, 'RequestEntityTooLarge', 'Request Too Long'));
      const verified = await verifySigV4<Principal>(
        { method: req.method ?? 'GET', path: g.path, query: g.query, headers: req.headers, rawHeaders: req.rawHeaders, body },
        { now: g.now, lookup: deps.lookupCredentials, services: ['execute-api'] },
      );
      const principal = verified.principal;
      g.note.principal = principal.arn;
      const restRaw = segments.slice(3).join('/');
      const restDecoded = percentDecode(restRaw, false).toString('utf8');
      // The policy sees the path as written; an API that normalised `..` would serve another one.
      if (hasDotSegment(restDecoded) || hasDotSegment(percentDecode(stage, false).toString('utf8'))) {
        throw new GatewayError(403, 'ForbiddenException', 'Forbidden', { check: 'gateway.dot-segment', actual: restDecoded });
      }
      const method = req.method ?? 'GET';
      const apiArn = `arn:aws:execute-api:${deps.region}:${deps.accountId}:${id}`;
      const resource = `${apiArn}/${percentDecode(stage, false).toString('utf8')}/${method}/${restDecoded}`;
      g.note.operation = 'Invoke';
      const check = { action: 'execute-api:Invoke', resource };
      const decision = await authorizeAll(deps.authorizer, principal, [check], globalContext(req, g.now, deps.region));
      Object.assign(g.note, decisionFields(decision));
      if (!decision.allowed) {
        const { result } = decision.denied!;
        throw new GatewayError(403, 'AccessDeniedException', deniedMessage(principal, check, result), result.reason);
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined || DROP.has(name) || name.startsWith('x-amz-')) continue;
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      headers['content-length'] = String(body.length);
      headers[IDENTITY_HEADER] = await identityToken(principal, apiArn, g.now);
      const { request, response } = upstream.open({ method, path: `/${restRaw}`, query: g.query, headers, payloadHash: 'UNSIGNED-PAYLOAD' }, 'execute-api', deps.clock());
      request.end(body);
      const upstreamRes = await response;
      g.note.status = upstreamRes.statusCode;
      await relayResponse(res, upstreamRes);
    } catch (err) {
      const error = toGatewayError(err, 'execute-api');
      noteFailure(g, deps.log, err, error, 'BadGatewayException');
      renderApiError(res, error, g.requestId);
    }
  };
  return {
    handle: handler,
    has: (id: string) => upstreams.has(id),
    close() {
      for (const u of upstreams.values()) u.close();
    },
  };
}
