/**
 * `GET|POST /oauth2/userInfo` (CG:userinfo-endpoint; aws-surface.md §8.3; RFC 6750 §3): the
 * access token must come from this pool's token endpoint with the `openid` scope. A missing or
 * malformed Authorization header is 400 `invalid_request`; a bad, expired or revoked token is
 * 401 `invalid_token`, each with Cognito's WWW-Authenticate text.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Hosted } from '../context.js';
import { resolveDomain, sendJson } from '../http.js';
import { userInfoClaims } from '../userinfo-claims.js';

const BAD_REQUEST = 'error="invalid_request", error_description="Bad OAuth2 request at UserInfo Endpoint"';
const BAD_TOKEN = 'error="invalid_token", error_description="Access token is expired, disabled, or deleted, or the user has globally signed out."';

export function userInfoRoutes(hosted: Hosted) {
  return (app: FastifyInstance) => {
    const handler = (request: FastifyRequest, reply: FastifyReply) => userInfo(hosted, request, reply);
    app.get('/auth/:domain/oauth2/userInfo', handler);
    app.post('/auth/:domain/oauth2/userInfo', handler);
  };
}

function refuse(reply: FastifyReply, status: 400 | 401, challenge: string): FastifyReply {
  reply.header('www-authenticate', `Bearer ${challenge}`);
  return sendJson(reply, status, { error: status === 400 ? 'invalid_request' : 'invalid_token' });
}

async function userInfo(hosted: Hosted, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const domain = await resolveDomain(hosted, request);
  if (!domain) return refuse(reply, 400, BAD_REQUEST);
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(request.headers.authorization ?? '');
  if (!m) return refuse(reply, 400, BAD_REQUEST);
  let verified;
  try {
    verified = await hosted.userPools.verifyAccessToken(m[1]!);
  } catch (err) {
    hosted.log.info({ err, check: 'oauth2.userinfo-token' }, 'userInfo token refused');
    return refuse(reply, 401, BAD_TOKEN);
  }
  if (verified.userPoolId !== domain.userPoolId || !verified.scopes.includes('openid')) return refuse(reply, 401, BAD_TOKEN);
  const [user, client] = await Promise.all([
    hosted.userPools.getUser(verified.userPoolId, verified.username),
    hosted.userPools.getClient(verified.clientId),
  ]);
  if (!user || !user.enabled || !client) return refuse(reply, 401, BAD_TOKEN);
  return sendJson(reply, 200, userInfoClaims(user, verified.scopes, client.readAttributes));
}
