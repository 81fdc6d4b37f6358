/**
 * `GET /oauth2/authorize` (and `GET /login`, which Cognito's managed login answers with the
 * same parameters) — CG:authorization-endpoint, aws-surface.md §8.1.
 *
 * With `identity_provider` / `idp_identifier` naming an upstream IdP the browser goes straight
 * there; with a live hosted session (1 h) the login form is skipped; otherwise the managed
 * login page is shown. `prompt=login` forces the form, `prompt=none` without a session answers
 * `login_required` (OIDC Core §3.1.2.1, security.md O08).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Hosted } from '../context.js';
import { COOKIE, parseCookies } from '../cookies.js';
import { OAuthError } from '../errors.js';
import { queryParams } from '../form.js';
import { PageError, parseAuthorize, redirectErrorFor, RedirectError } from '../authorize-request.js';
import { sendRedirectError, showLogin, startUpstream } from '../flows.js';
import { rawQuery, resolveDomain, sendErrorPage, sendRedirect } from '../http.js';
import { authorizationResponse } from '../complete.js';
import type { UpstreamClient } from '../upstream.js';

export function authorizeRoutes(hosted: Hosted, upstream: UpstreamClient) {
  return (app: FastifyInstance) => {
    const handler = (request: FastifyRequest, reply: FastifyReply) => authorize(hosted, upstream, request, reply);
    app.get('/auth/:domain/oauth2/authorize', handler);
    app.get('/auth/:domain/login', handler);
  };
}

async function authorize(hosted: Hosted, upstream: UpstreamClient, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const domain = await resolveDomain(hosted, request);
  if (!domain) return sendErrorPage(reply, 404, 'This sign-in domain does not exist.');
  try {
    let params;
    try {
      params = queryParams(request.url);
    } catch (err) {
      if (err instanceof OAuthError) throw new PageError(err.description ?? err.error);
      throw err;
    }
    const parsed = await parseAuthorize(hosted.userPools, domain, params, rawQuery(request.url));
    const { request: authz, client } = parsed;

    // Straight to an upstream IdP (CG:authorization-endpoint `identity_provider`, `idp_identifier`).
    if ((parsed.identityProvider && parsed.identityProvider !== 'COGNITO') || parsed.idpIdentifier) {
      const idp = parsed.identityProvider
        ? await hosted.userPools.getIdentityProvider(authz.userPoolId, parsed.identityProvider)
        : await hosted.userPools.findIdentityProviderByIdentifier(authz.userPoolId, parsed.idpIdentifier!);
      if (!idp || !client.supportedIdentityProviders.includes(idp.providerName)) {
        throw redirectErrorFor(authz, { error: 'invalid_request', description: 'The identity provider is not enabled for this client' });
      }
      return await startUpstream(hosted, upstream, reply, authz, idp);
    }

    const sessionHandle = parseCookies(request.headers.cookie).get(COOKIE.session);
    if (sessionHandle && parsed.prompt !== 'login') {
      const session = await hosted.sessions.get(sessionHandle);
      if (session && session.userPoolId === authz.userPoolId) {
        try {
          return sendRedirect(reply, await authorizationResponse(hosted, authz, session));
        } catch (err) {
          // The user was deleted or disabled since: drop the session and sign in again.
          hosted.log.info({ err, username: session.username }, 'hosted session no longer usable');
          await hosted.sessions.delete(sessionHandle);
        }
      }
    }
    if (parsed.prompt === 'none') throw redirectErrorFor(authz, { error: 'login_required' });
    if (parsed.identityProvider === 'COGNITO' && !client.supportedIdentityProviders.includes('COGNITO')) {
      throw redirectErrorFor(authz, { error: 'invalid_request', description: 'COGNITO sign-in is not enabled for this client' });
    }
    return await showLogin(hosted, reply, authz, client);
  } catch (err) {
    if (err instanceof PageError) return sendErrorPage(reply, err.status, err.message);
    if (err instanceof RedirectError) return sendRedirectError(reply, err);
    throw err;
  }
}

