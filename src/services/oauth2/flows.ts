/**
 * The steps of a hosted sign-in shared by several routes: showing the managed login page,
 * sending the browser to an upstream IdP, and finishing with a hosted session plus the
 * authorization response.
 */
import type { FastifyReply } from 'fastify';
import type { AuthorizeRequest, Hosted } from './context.js';
import { nowSeconds } from './context.js';
import { COOKIE, setCookie } from './cookies.js';
import type { ClientRecord } from './deps.js';
import { randomHandle } from './ids.js';
import { authorizationResponse } from './complete.js';
import { loginPage } from './pages.js';
import { redirectErrorFor, RedirectError } from './authorize-request.js';
import { sendPage, sendRedirect } from './http.js';
import { withParams } from './redirect.js';
import { TTL_MS } from './ttl.js';
import type { UpstreamClient } from './upstream.js';
import { authnRequestUrl, samlMetadataOf, samlSpEntityId } from './saml.js';
import { mapAttributes, MappingError } from './attribute-mapping.js';
import type { IdentityProviderRecord } from '../cognito-idp/records.js';

/** Managed-login buttons link back to authorize with `identity_provider` set (CG:authorization-endpoint). */
function providerLinks(hosted: Hosted, request: AuthorizeRequest, client: ClientRecord): Array<{ name: string; href: string }> {
  const query = new URLSearchParams(request.query);
  query.delete('identity_provider');
  query.delete('idp_identifier');
  return client.supportedIdentityProviders
    .filter((name) => name !== 'COGNITO')
    .map((name) => {
      const q = new URLSearchParams(query);
      q.set('identity_provider', name);
      return { name, href: `${hosted.domainBase(request.domain)}/oauth2/authorize?${q.toString()}` };
    });
}

/** Starts (or restarts, with an error) a managed-login transaction and renders its form. */
export async function showLogin(
  hosted: Hosted,
  reply: FastifyReply,
  request: AuthorizeRequest,
  client: ClientRecord,
  options: { error?: string; username?: string; status?: number } = {},
): Promise<FastifyReply> {
  const csrf = randomHandle();
  const handle = await hosted.logins.put({ request, csrf }, TTL_MS.login);
  const html = loginPage({
    action: `${hosted.domainBase(request.domain)}/login`,
    csrf,
    showForm: client.supportedIdentityProviders.includes('COGNITO'),
    providers: providerLinks(hosted, request, client),
    ...(options.error ? { error: options.error } : {}),
    ...(options.username ? { username: options.username } : {}),
  });
  const cookie = setCookie(COOKIE.login, handle, hosted.cookieScope(request.domain), TTL_MS.login / 1000);
  return sendPage(reply, options.status ?? 200, html, [cookie]);
}

/** Sends the browser to the upstream IdP with fresh state, nonce and PKCE bound to an HttpOnly cookie. */
export async function startUpstream(
  hosted: Hosted,
  upstream: UpstreamClient,
  reply: FastifyReply,
  request: AuthorizeRequest,
  idp: IdentityProviderRecord,
): Promise<FastifyReply> {
  if (idp.providerType === 'SAML') return startSaml(hosted, reply, request, idp);
  if (idp.providerType !== 'OIDC') {
    throw redirectErrorFor(request, { error: 'invalid_request', description: `Identity provider type ${idp.providerType} is not supported by the hosted endpoints` });
  }
  const tx = { request, providerName: idp.providerName, state: randomHandle(), nonce: randomHandle(), codeVerifier: randomHandle() };
  let location: string;
  try {
    location = await upstream.authorizationUrl(idp, {
      redirectUri: `${hosted.domainBase(request.domain)}/oauth2/idpresponse`,
      state: tx.state,
      nonce: tx.nonce,
      codeVerifier: tx.codeVerifier,
    });
  } catch (err) {
    hosted.log.warn({ err, provider: idp.providerName }, 'upstream IdP unavailable');
    throw redirectErrorFor(request, { error: 'invalid_request', description: `${idp.providerName} Error - could not reach the identity provider` });
  }
  const handle = await hosted.upstreams.put(tx, TTL_MS.upstream);
  const cookie = setCookie(COOKIE.upstream, handle, hosted.cookieScope(request.domain), TTL_MS.upstream / 1000);
  return sendRedirect(reply, location, [cookie]);
}

/**
 * Sends the browser to a SAML IdP with an AuthnRequest (saml.ts); the request's ID is the
 * transaction's `state`, and RelayState is the transaction's single-use handle.
 */
async function startSaml(hosted: Hosted, reply: FastifyReply, request: AuthorizeRequest, idp: IdentityProviderRecord): Promise<FastifyReply> {
  const now = hosted.clock();
  const tx = { request, providerName: idp.providerName, state: `_${randomHandle()}`, nonce: '', codeVerifier: '' };
  let metadata;
  try {
    metadata = samlMetadataOf(idp, now);
  } catch (err) {
    hosted.log.warn({ err, provider: idp.providerName }, 'SAML IdP metadata unusable');
    throw redirectErrorFor(request, { error: 'invalid_request', description: err instanceof Error ? err.message : `${idp.providerName} Error` });
  }
  const handle = await hosted.upstreams.put(tx, TTL_MS.upstream);
  let location: string;
  try {
    location = authnRequestUrl(metadata, {
      id: tx.state,
      issuer: samlSpEntityId(request.userPoolId),
      acsUrl: `${hosted.domainBase(request.domain)}/saml2/idpresponse`,
      relayState: handle,
      now,
    });
  } catch (err) {
    await hosted.upstreams.delete(handle);
    throw redirectErrorFor(request, { error: 'invalid_request', description: err instanceof Error ? err.message : `${idp.providerName} Error` });
  }
  return sendRedirect(reply, location);
}

/**
 * After an upstream IdP (OIDC or SAML) proved who the user is: maps its claims through the
 * provider's attribute mapping (a mapping the claims cannot satisfy goes back to the client as
 * invalid_request), creates or updates the federated user (linking as configured), and finishes
 * the sign-in as for a native user.
 */
export async function finishFederatedSignIn(
  hosted: Hosted,
  reply: FastifyReply,
  request: AuthorizeRequest,
  idp: IdentityProviderRecord,
  proven: { subject: string; issuer: string; claims: Record<string, unknown> },
  extraCookies: string[] = [],
): Promise<FastifyReply> {
  let attributes: Record<string, string>;
  try {
    attributes = mapAttributes(idp.attributeMapping, proven.claims);
  } catch (err) {
    if (!(err instanceof MappingError)) throw err;
    throw redirectErrorFor(request, { error: 'invalid_request', description: err.message });
  }
  const user = await hosted.userPools.upsertFederatedUser({
    userPoolId: request.userPoolId,
    providerName: idp.providerName,
    providerType: idp.providerType,
    subject: proven.subject,
    issuer: proven.issuer,
    attributes,
  });
  return finishSignIn(hosted, reply, request, user.username, extraCookies);
}

/** Opens a hosted session for the user and redirects to the client with its code or tokens. */
export async function finishSignIn(
  hosted: Hosted,
  reply: FastifyReply,
  request: AuthorizeRequest,
  username: string,
  extraCookies: string[] = [],
): Promise<FastifyReply> {
  const authTime = nowSeconds(hosted.clock);
  const session = await hosted.sessions.put({ userPoolId: request.userPoolId, username, authTime }, TTL_MS.session);
  const location = await authorizationResponse(hosted, request, { username, authTime });
  const cookie = setCookie(COOKIE.session, session, hosted.cookieScope(request.domain), TTL_MS.session / 1000);
  return sendRedirect(reply, location, [...extraCookies, cookie]);
}

export function sendRedirectError(reply: FastifyReply, err: RedirectError, cookies: string[] = []): FastifyReply {
  return sendRedirect(
    reply,
    withParams(err.redirectUri, { error: err.error, error_description: err.description, state: err.state }, err.mode),
    cookies,
  );
}
