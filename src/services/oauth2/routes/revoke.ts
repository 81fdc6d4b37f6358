/**
 * `POST /oauth2/revoke` (CG:revocation-endpoint; aws-surface.md §8.3; RFC 7009): revokes a
 * refresh token and every access token minted from it. Success is an empty 200 — also for a
 * token that is unknown or already revoked (RFC 7009 §2.2). An access or ID token is
 * `unsupported_token_type`; revocation disabled on the client is `invalid_request`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isServiceError } from '../../../errors/index.js';
import type { Hosted } from '../context.js';
import { OAuthError } from '../errors.js';
import { formParams } from '../form.js';
import { authenticateClient } from '../client-auth.js';
import { resolveDomain, sendOAuthError } from '../http.js';

export function revokeRoutes(hosted: Hosted) {
  return (app: FastifyInstance) => {
    app.post('/auth/:domain/oauth2/revoke', (request, reply) => revoke(hosted, request, reply));
  };
}

/** A JWS (three dot-separated parts) is an access or ID token, never one of our refresh tokens. */
function looksLikeJws(token: string): boolean {
  return token.split('.').length === 3;
}

async function revoke(hosted: Hosted, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  try {
    const domain = await resolveDomain(hosted, request);
    if (!domain) throw new OAuthError('invalid_request', 'Unknown domain');
    const params = formParams(request.headers['content-type'], request.body);
    const token = params.get('token');
    if (!token) throw new OAuthError('invalid_request', 'token is required');
    const client = await authenticateClient(hosted.userPools, domain.userPoolId, request.headers.authorization, params);
    if (!client.enableTokenRevocation) throw new OAuthError('invalid_request', 'Token revocation is disabled for this client');
    if (looksLikeJws(token)) throw new OAuthError('unsupported_token_type');
    try {
      await hosted.userPools.revokeRefreshToken(client.clientId, token);
    } catch (err) {
      if (!isServiceError(err) || err.fault !== 'client') throw err;
      const code = err.code as string;
      if (code === 'UnsupportedTokenTypeException') throw new OAuthError('unsupported_token_type');
      if (code === 'UnsupportedOperationException') throw new OAuthError('invalid_request', err.message);
      // Unknown, expired or foreign refresh tokens: nothing to revoke (RFC 7009 §2.2).
      hosted.log.info({ check: 'oauth2.revoke', code }, 'revocation of an unusable token');
    }
    return reply.code(200).header('cache-control', 'no-store').send();
  } catch (err) {
    if (err instanceof OAuthError) return sendOAuthError(reply, err);
    throw err;
  }
}
