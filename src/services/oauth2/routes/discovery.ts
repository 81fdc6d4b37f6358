/**
 * The issuer of a user pool is `<publicUrl>/<userPoolId>`; its OpenID discovery document and
 * JWKS live under it (OpenID Connect Discovery 1.0 §4; Cognito's
 * `…/<userPoolId>/.well-known/openid-configuration` and `…/jwks.json`, aws-surface.md §7.4).
 * The hosted endpoints are listed once the pool has a domain (they exist only then,
 * CG:token-endpoint); the field set mirrors a real Cognito document.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Hosted } from '../context.js';
import { sendJson } from '../http.js';

const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

export function discoveryRoutes(hosted: Hosted) {
  return (app: FastifyInstance) => {
    app.get('/:userPoolId/.well-known/openid-configuration', (request, reply) => discovery(hosted, request, reply));
    app.get('/:userPoolId/.well-known/jwks.json', (request, reply) => jwks(hosted, request, reply));
  };
}

function notFound(reply: FastifyReply, userPoolId: string): FastifyReply {
  return sendJson(reply, 404, { message: `User pool ${userPoolId} does not exist.` });
}

async function discovery(hosted: Hosted, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { userPoolId } = request.params as { userPoolId: string };
  const pool = POOL_ID.test(userPoolId) ? await hosted.userPools.getPool(userPoolId) : undefined;
  if (!pool) return notFound(reply, userPoolId);
  const issuer = hosted.userPools.issuer(userPoolId);
  const base = pool.domain ? hosted.domainBase(pool.domain) : undefined;
  const doc = {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    ...(base
      ? {
          authorization_endpoint: `${base}/oauth2/authorize`,
          token_endpoint: `${base}/oauth2/token`,
          userinfo_endpoint: `${base}/oauth2/userInfo`,
          revocation_endpoint: `${base}/oauth2/revoke`,
          end_session_endpoint: `${base}/logout`,
        }
      : {}),
    response_types_supported: ['code', 'token'],
    grant_types_supported: ['authorization_code', 'implicit', 'refresh_token'],
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'email', 'email_verified', 'phone_number', 'phone_number_verified', 'cognito:username', 'cognito:groups'],
  };
  reply.header('cache-control', 'public, max-age=300');
  return reply.code(200).type('application/json;charset=UTF-8').send(JSON.stringify(doc));
}

async function jwks(hosted: Hosted, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { userPoolId } = request.params as { userPoolId: string };
  const pool = POOL_ID.test(userPoolId) ? await hosted.userPools.getPool(userPoolId) : undefined;
  if (!pool) return notFound(reply, userPoolId);
  const set = await hosted.userPools.jwks(userPoolId);
  reply.header('cache-control', 'public, max-age=300');
  return reply.code(200).type('application/json;charset=UTF-8').send(JSON.stringify({ keys: set.keys }));
}
