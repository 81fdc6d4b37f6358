/**
 * `GET /logout` (CG:logout-endpoint; aws-surface.md §8.3): clears the hosted session and then
 * either redirects to `logout_uri`, which must equal one of the client's LogoutURLs exactly, or
 * (with `redirect_uri` + `response_type`) starts a new sign-in at the login page. A URI that is
 * not registered gets an error page, never a redirect (security.md O06).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Hosted } from '../context.js';
import { COOKIE, clearCookie, parseCookies } from '../cookies.js';
import { OAuthError } from '../errors.js';
import { queryParams, type Params } from '../form.js';
import { rawQuery, resolveDomain, sendErrorPage, sendRedirect } from '../http.js';
import { isRegistered } from '../redirect.js';

export function logoutRoutes(hosted: Hosted) {
  return (app: FastifyInstance) => {
    app.get('/auth/:domain/logout', (request, reply) => logout(hosted, request, reply));
  };
}

async function logout(hosted: Hosted, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const domain = await resolveDomain(hosted, request);
  if (!domain) return sendErrorPage(reply, 404, 'This sign-in domain does not exist.');
  let params: Params;
  try {
    params = queryParams(request.url);
  } catch (err) {
    if (err instanceof OAuthError) return sendErrorPage(reply, 400, err.description ?? 'Bad request.');
    throw err;
  }
  const clientId = params.get('client_id');
  const client = clientId ? await hosted.userPools.getClient(clientId) : undefined;
  if (!client || client.userPoolId !== domain.userPoolId) return sendErrorPage(reply, 400, 'The client_id does not name an app client of this user pool.');

  const logoutUri = params.get('logout_uri');
  const redirectUri = params.get('redirect_uri');
  let location: string;
  if (logoutUri !== undefined) {
    if (!isRegistered(logoutUri, client.logoutURLs)) return sendErrorPage(reply, 400, 'The logout_uri is not registered for this app client.');
    location = logoutUri;
  } else if (redirectUri !== undefined && params.has('response_type')) {
    // The authorize endpoint re-validates redirect_uri against CallbackURLs before any redirect.
    if (!isRegistered(redirectUri, client.callbackURLs)) return sendErrorPage(reply, 400, 'The redirect_uri is not registered for this app client.');
    location = `${hosted.domainBase(domain.domain)}/login?${rawQuery(request.url)}`;
  } else {
    return sendErrorPage(reply, 400, 'The request needs logout_uri, or redirect_uri with response_type.');
  }

  const handle = parseCookies(request.headers.cookie).get(COOKIE.session);
  if (handle) await hosted.sessions.delete(handle);
  return sendRedirect(reply, location, [clearCookie(COOKIE.session, hosted.cookieScope(domain.domain))]);
}
