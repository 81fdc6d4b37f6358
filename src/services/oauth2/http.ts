/**
 * Response helpers shared by the hosted routes. Pages and OAuth answers are never cached
 * (RFC 6749 §5.1 `Cache-Control: no-store`), pages cannot be framed (clickjacking of the login
 * form) and load nothing from elsewhere.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Hosted } from './context.js';
import { errorPage } from './pages.js';
import type { OAuthError } from './errors.js';

export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

export function sendPage(reply: FastifyReply, status: number, html: string, cookies: string[] = []): FastifyReply {
  if (cookies.length) reply.header('set-cookie', cookies);
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('content-security-policy', PAGE_CSP)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .type('text/html; charset=utf-8')
    .send(html);
}

export function sendErrorPage(reply: FastifyReply, status: number, message: string, cookies: string[] = []): FastifyReply {
  return sendPage(reply, status, errorPage(message), cookies);
}

export function sendRedirect(reply: FastifyReply, location: string, cookies: string[] = []): FastifyReply {
  if (cookies.length) reply.header('set-cookie', cookies);
  return reply.code(302).header('cache-control', 'no-store').header('location', location).send();
}

/** Cognito's token/revoke error shape: `application/json;charset=UTF-8` `{"error": …}` (§8.2). */
export function sendOAuthError(reply: FastifyReply, err: OAuthError): FastifyReply {
  if (err.status === 401) reply.header('www-authenticate', 'Basic realm="oauth2", error="invalid_client"');
  return sendJson(reply, err.status, err.body());
}

export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .type('application/json;charset=UTF-8')
    .send(JSON.stringify(body));
}

export function domainParam(request: FastifyRequest): string {
  return (request.params as { domain: string }).domain;
}

/** The user-pool domain a hosted request is addressed to, or undefined (unknown domain). */
export async function resolveDomain(hosted: Hosted, request: FastifyRequest): Promise<{ domain: string; userPoolId: string } | undefined> {
  const domain = domainParam(request);
  if (!/^[a-z0-9.-]{1,253}$/.test(domain)) return undefined;
  return hosted.userPools.getDomain(domain);
}

export function rawQuery(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
}
