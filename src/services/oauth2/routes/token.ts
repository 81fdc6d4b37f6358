/**
 * `POST /oauth2/token` (CG:token-endpoint; aws-surface.md §8.2; RFC 6749 §4.1.3, §6, §4.4).
 *
 * authorization_code: the code is consumed with compare-and-swap (two concurrent redemptions
 * cannot both succeed, security.md O04), must be unexpired (5 min), issued to this client and
 * redirect_uri (O05), and its PKCE challenge must match the verifier in constant time (O03).
 * refresh_token: a new refresh token only when the client rotates them (RefreshTokenRotation).
 * client_credentials: an access token for the
 * client itself, custom scopes only (see clientCredentials below).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isServiceError } from '../../../errors/index.js';
import type { Hosted } from '../context.js';
import type { ClientRecord, IssuedTokens } from '../deps.js';
import { OAuthError } from '../errors.js';
import { formParams, type Params } from '../form.js';
import { authenticateClient } from '../client-auth.js';
import { resolveDomain, sendJson, sendOAuthError } from '../http.js';
import { verifyPkce } from '../pkce.js';

export function tokenRoutes(hosted: Hosted) {
  return (app: FastifyInstance) => {
    app.post('/auth/:domain/oauth2/token', (request, reply) => token(hosted, request, reply));
  };
}

async function token(hosted: Hosted, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  try {
    const domain = await resolveDomain(hosted, request);
    if (!domain) throw new OAuthError('invalid_request', 'Unknown domain');
    const params = formParams(request.headers['content-type'], request.body);
    const grantType = params.get('grant_type');
    if (!grantType) throw new OAuthError('invalid_request', 'grant_type is required');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token' && grantType !== 'client_credentials') {
      throw new OAuthError('unsupported_grant_type');
    }
    const client = await authenticateClient(hosted.userPools, domain.userPoolId, request.headers.authorization, params);
    const body =
      grantType === 'authorization_code'
        ? await authorizationCode(hosted, client, params)
        : grantType === 'refresh_token'
          ? await refreshToken(hosted, client, params)
          : await clientCredentials(hosted, client, params);
    return sendJson(reply, 200, body);
  } catch (err) {
    if (err instanceof OAuthError) {
      hosted.log.info({ check: err.reason?.check ?? 'oauth2.token', error: err.error, reason: err.reason }, 'token request refused');
      return sendOAuthError(reply, err);
    }
    throw err;
  }
}

function render(tokens: IssuedTokens, includeRefresh: boolean): Record<string, unknown> {
  return {
    ...(tokens.idToken ? { id_token: tokens.idToken } : {}),
    access_token: tokens.accessToken,
    ...(includeRefresh && tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
    expires_in: tokens.expiresIn,
    token_type: 'Bearer',
  };
}

function requireFlow(client: ClientRecord, flow: string): void {
  if (!client.allowedOAuthFlowsUserPoolClient || !client.allowedOAuthFlows.includes(flow)) {
    throw new OAuthError('unauthorized_client', `The ${flow} flow is not allowed for this client`);
  }
}

async function authorizationCode(hosted: Hosted, client: ClientRecord, params: Params): Promise<Record<string, unknown>> {
  const code = params.get('code');
  const redirectUri = params.get('redirect_uri');
  if (!code || !redirectUri) throw new OAuthError('invalid_request', 'code and redirect_uri are required');
  const used = await hosted.codes.consume(code);
  if (!used.ok) {
    throw new OAuthError('invalid_grant', undefined, { check: 'oauth2.code', detail: 'replayed' in used && used.replayed ? 'already redeemed' : 'unknown or expired' });
  }
  const grant = used.value;
  if (grant.clientId !== client.clientId) throw new OAuthError('invalid_grant', undefined, { check: 'oauth2.code-client', expected: grant.clientId, actual: client.clientId });
  if (grant.redirectUri !== redirectUri) throw new OAuthError('invalid_grant', undefined, { check: 'oauth2.code-redirect-uri', expected: grant.redirectUri, actual: redirectUri });
  if (!verifyPkce(grant.codeChallenge, params.get('code_verifier'))) throw new OAuthError('invalid_grant', undefined, { check: 'oauth2.pkce' });
  const tokens = await issue(hosted, {
    userPoolId: grant.userPoolId,
    clientId: grant.clientId,
    username: grant.username,
    scopes: grant.scopes,
    authTime: grant.authTime,
    refresh: true,
    via: 'hosted',
    ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
  });
  return render(tokens, true);
}

async function issue(hosted: Hosted, input: Parameters<Hosted['userPools']['issueTokens']>[0]): Promise<IssuedTokens> {
  try {
    return await hosted.userPools.issueTokens(input);
  } catch (err) {
    // A user deleted or disabled since the code was issued (or lacking read access to an
    // attribute the scopes imply, §8.2) makes the grant unusable.
    if (isServiceError(err) && err.fault === 'client') throw new OAuthError('invalid_grant', undefined, { check: 'oauth2.issue', detail: err.message });
    throw err;
  }
}

async function refreshToken(hosted: Hosted, client: ClientRecord, params: Params): Promise<Record<string, unknown>> {
  const refresh = params.get('refresh_token');
  if (!refresh) throw new OAuthError('invalid_request', 'refresh_token is required');
  try {
    // A new refresh token only when the client rotates them (RefreshTokenRotation ENABLED).
    return render(await hosted.userPools.refreshTokens(client.clientId, refresh), true);
  } catch (err) {
    if (isServiceError(err) && err.fault === 'client') throw new OAuthError('invalid_grant', undefined, { check: 'oauth2.refresh', detail: err.message });
    throw err;
  }
}

/**
 * client_credentials (CG:token-endpoint; RFC 6749 §4.4; aws-surface.md §8.2): confidential
 * clients only — a public client is `invalid_client` (RFC 6749 §4.4.2: the client MUST
 * authenticate); the client must allow the flow (`unauthorized_client`); `scope` is optional
 * (absent = every custom scope the client is allowed) and each requested scope must be one of
 * them (`invalid_scope`). The answer has no id_token and no refresh_token (RFC 6749 §4.4.3).
 */
async function clientCredentials(hosted: Hosted, client: ClientRecord, params: Params): Promise<Record<string, unknown>> {
  if (client.clientSecret === undefined) {
    throw new OAuthError('invalid_client', 'Client authentication failed', { check: 'oauth2.client-credentials.public', actual: client.clientId });
  }
  requireFlow(client, 'client_credentials');
  const scope = params.get('scope');
  const requested = scope === undefined ? undefined : scope.split(' ').filter((s) => s.length > 0);
  if (requested !== undefined && requested.length === 0) throw new OAuthError('invalid_scope', undefined, { check: 'oauth2.client-credentials.scope', detail: 'empty scope' });
  try {
    const issued = await hosted.userPools.issueClientCredentialsToken(client.clientId, requested);
    return { access_token: issued.accessToken, expires_in: issued.expiresIn, token_type: 'Bearer' };
  } catch (err) {
    if (isServiceError(err) && err.code === 'ScopeDoesNotExistException') throw new OAuthError('invalid_scope', undefined, { check: 'oauth2.client-credentials.scope', detail: err.message });
    if (isServiceError(err) && err.code === 'InvalidOAuthFlowException') throw new OAuthError('unauthorized_client', undefined, { check: 'oauth2.client-credentials.flow' });
    throw err;
  }
}
