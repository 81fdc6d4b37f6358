/**
 * `POST /auth/<domain>/saml2/idpresponse` — the assertion consumer service where upstream SAML
 * IdPs post their Response (HTTP-POST binding; CG:cognito-user-pools-saml-idp, aws-surface.md §9).
 *
 * RelayState names the single-use upstream transaction started by the authorize endpoint
 * (saml.ts), consumed on first use, so a response replayed or unsolicited (IdP-initiated) finds
 * nothing (security.md S16). The Response is verified by src/tokens/saml (pre-checks, signature
 * with the metadata certificates, issuer, audience = the pool's SP entity id, recipient and
 * destination = this URL, InResponseTo = the request's ID, time bounds); the user
 * `<ProviderName>_<NameID>` is created or updated with the mapped attributes and the browser ends
 * at the client's redirect_uri like any other sign-in. Failures go to the client as
 * `error=invalid_request&error_description=…`, or to an error page when no client is known.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Hosted } from '../context.js';
import { redirectErrorFor, RedirectError } from '../authorize-request.js';
import { Refusal, isServiceError } from '../../../errors/index.js';
import { verifySamlResponse, type VerifiedSaml } from '../../../tokens/saml/index.js';
import { OAuthError } from '../errors.js';
import { finishFederatedSignIn, sendRedirectError } from '../flows.js';
import { formParams } from '../form.js';
import { resolveDomain, sendErrorPage } from '../http.js';
import { samlClaims, samlMetadataOf, samlSpEntityId } from '../saml.js';
import { UpstreamError } from '../upstream.js';

export function samlIdpResponseRoutes(hosted: Hosted) {
  return (app: FastifyInstance) => {
    app.post('/auth/:domain/saml2/idpresponse', (request, reply) => samlIdpResponse(hosted, request, reply));
  };
}

async function samlIdpResponse(hosted: Hosted, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const domain = await resolveDomain(hosted, request);
  if (!domain) return sendErrorPage(reply, 404, 'This sign-in domain does not exist.');
  let form;
  try {
    form = formParams(request.headers['content-type'], request.body);
  } catch (err) {
    if (err instanceof OAuthError) return sendErrorPage(reply, 400, err.description ?? err.error);
    throw err;
  }
  const relayState = form.get('RelayState');
  const samlResponse = form.get('SAMLResponse');
  const consumed = relayState ? await hosted.upstreams.consume(relayState) : { ok: false as const };
  if (!consumed.ok || consumed.value.request.userPoolId !== domain.userPoolId || !samlResponse) {
    hosted.log.warn({ check: 'saml.relay-state', replayed: !consumed.ok && 'replayed' in consumed && consumed.replayed !== undefined }, 'saml2/idpresponse without a live transaction');
    return sendErrorPage(reply, 400, 'This sign-in is not valid any more. Go back to the application and start again.');
  }
  const tx = consumed.value;
  const authz = tx.request;
  try {
    const idp = await hosted.userPools.getIdentityProvider(authz.userPoolId, tx.providerName);
    if (!idp || idp.providerType !== 'SAML') throw redirectErrorFor(authz, { error: 'invalid_request', description: `${tx.providerName} is not configured any more` });
    let saml: VerifiedSaml;
    try {
      const now = hosted.clock();
      const metadata = samlMetadataOf(idp, now);
      const acsUrl = `${hosted.domainBase(domain.domain)}/saml2/idpresponse`;
      saml = verifySamlResponse(
        samlResponse,
        { entityId: metadata.entityId, certificates: metadata.signingCertificates },
        { audiences: [samlSpEntityId(authz.userPoolId)], recipients: [acsUrl], now, allowLineBreaks: true, inResponseTo: tx.state },
      );
    } catch (err) {
      if (err instanceof UpstreamError) {
        hosted.log.warn({ check: 'saml.metadata', provider: idp.providerName, ...err.detail }, err.message);
        throw redirectErrorFor(authz, { error: 'invalid_request', description: err.message });
      }
      if (!(err instanceof Refusal)) throw err;
      hosted.log.warn({ check: err.reason.check, provider: idp.providerName, reason: err.reason }, err.message);
      throw redirectErrorFor(authz, { error: 'invalid_request', description: `${idp.providerName} Error - ${err.message}` });
    }
    return await finishFederatedSignIn(hosted, reply, authz, idp, { subject: saml.subject, issuer: saml.issuer, claims: samlClaims(saml.attributes) });
  } catch (err) {
    if (err instanceof RedirectError) return sendRedirectError(reply, err);
    if (isServiceError(err) && err.fault === 'client') {
      hosted.log.warn({ err }, 'federated user refused');
      return sendRedirectError(reply, redirectErrorFor(authz, { error: 'invalid_request', description: err.message }));
    }
    hosted.log.error({ err }, 'federated SAML sign-in failed');
    return sendRedirectError(reply, redirectErrorFor(authz, { error: 'server_error' }));
  }
}
