/**
 * `GET /oauth2/idpresponse` — where upstream OpenID Providers send the browser back with a code
 * (aws-surface.md §9.2 step 3–4; CG:cognito-user-pools-oidc-flow).
 *
 * The transaction (state, nonce, PKCE verifier, the client's original authorize request) is
 * found through the HttpOnly cookie set when the browser was sent upstream and consumed on
 * first use, so a callback replayed, forged or delivered to another browser finds nothing
 * (security.md O01, O09). The code is redeemed and the ID token verified by upstream.ts; the
 * user `<ProviderName>_<sub>` is created or updated (status EXTERNAL_PROVIDER) with the mapped
 * attributes; the browser ends at the client's redirect_uri like any other sign-in. IdP
 * failures go to the client as `error=invalid_request&error_description=…` (§8.1).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Hosted } from '../context.js';
import { COOKIE, clearCookie, parseCookies } from '../cookies.js';
import { redirectErrorFor, RedirectError } from '../authorize-request.js';
import { isServiceError } from '../../../errors/index.js';
import { finishFederatedSignIn, sendRedirectError } from '../flows.js';
import { rawQuery, resolveDomain, sendErrorPage } from '../http.js';
import { UpstreamError, type UpstreamClient } from '../upstream.js';

export function idpResponseRoutes(hosted: Hosted, upstream: UpstreamClient) {
  return (app: FastifyInstance) => {
    app.get('/auth/:domain/oauth2/idpresponse', (request, reply) => idpResponse(hosted, upstream, request, reply));
  };
}

async function idpResponse(hosted: Hosted, upstream: UpstreamClient, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const domain = await resolveDomain(hosted, request);
  if (!domain) return sendErrorPage(reply, 404, 'This sign-in domain does not exist.');
  const scope = hosted.cookieScope(domain.domain);
  const clear = clearCookie(COOKIE.upstream, scope);
  const handle = parseCookies(request.headers.cookie).get(COOKIE.upstream);
  const consumed = handle ? await hosted.upstreams.consume(handle) : { ok: false as const };
  if (!consumed.ok || consumed.value.request.userPoolId !== domain.userPoolId) {
    hosted.log.warn({ check: 'oauth2.upstream-transaction', replayed: !consumed.ok && 'replayed' in consumed && consumed.replayed !== undefined }, 'idpresponse without a live transaction');
    return sendErrorPage(reply, 400, 'This sign-in is not valid any more. Go back to the application and start again.', [clear]);
  }
  const tx = consumed.value;
  const authz = tx.request;
  try {
    const idp = await hosted.userPools.getIdentityProvider(authz.userPoolId, tx.providerName);
    if (!idp) throw redirectErrorFor(authz, { error: 'invalid_request', description: `${tx.providerName} is not configured any more` });
    let identity;
    try {
      identity = await upstream.complete(idp, {
        callbackUrl: new URL(`${hosted.domainBase(domain.domain)}/oauth2/idpresponse?${rawQuery(request.url)}`),
        state: tx.state,
        nonce: tx.nonce,
        codeVerifier: tx.codeVerifier,
      });
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      hosted.log.warn({ check: 'oauth2.upstream', provider: idp.providerName, ...err.detail }, err.message);
      throw redirectErrorFor(authz, { error: 'invalid_request', description: err.message });
    }
    return await finishFederatedSignIn(hosted, reply, authz, idp, identity, [clear]);
  } catch (err) {
    if (err instanceof RedirectError) return sendRedirectError(reply, err, [clear]);
    // e.g. a required pool attribute the IdP did not send: the user-pool service says why.
    if (isServiceError(err) && err.fault === 'client') {
      hosted.log.warn({ err }, 'federated user refused');
      return sendRedirectError(reply, redirectErrorFor(authz, { error: 'invalid_request', description: err.message }), [clear]);
    }
    hosted.log.error({ err }, 'federated sign-in failed');
    return sendRedirectError(reply, redirectErrorFor(authz, { error: 'server_error' }), [clear]);
  }
}
