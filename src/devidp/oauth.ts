/**
 * The browser-facing half of the development OAuth 2.0 / OpenID providers, on Tessera's main
 * listener under `/_dev/<provider>/`:
 *  - `GET  /_dev/<p>/authorize`: checks the request (response_type=code, the provider's client id,
 *    a registered redirect URI, state, PKCE S256 and, for ID-token providers, a nonce) and shows the
 *    development sign-in page; a bad request is a 400 page, never a redirect;
 *  - `POST /_dev/<p>/authorize`: the sign-in form (CSRF token in the form and in a SameSite=Strict
 *    cookie; the pending request is single-use) → 303 to the redirect URI with `code` and `state`
 *    only (or `error=access_denied` when cancelled);
 *  - `POST /_dev/<p>/token`: authorization_code grant, public client: the client id, the exact
 *    redirect URI and the PKCE verifier must match; codes are single-use and live 60 seconds. The
 *    tokens are in the JSON body (no-store).
 * Registered redirect URIs: `<publicUrl>/demo/callback`, and any http loopback URI (RFC 8252 §7.3).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createMemo } from './memo.js';
import { DEV_STYLE, renderErrorPage, renderSignInPage, userFromForm } from './page.js';

export interface DevUser {
  name: string;
  email: string;
}

export interface CodeGrant {
  user: DevUser;
  clientId: string;
  nonce: string | undefined;
  scope: string;
}

export interface OAuthProviderDef {
  /** Path segment: /_dev/<id>/… */
  id: string;
  title: string;
  /** The real provider this stands in for (absent: the development OpenID Provider). */
  standsInFor?: string;
  clientId: string;
  /**
   * Further clients of this provider, by id: confidential ones (client_secret_post at the token
   * endpoint) have a secret. The development OP's second client is the demo user pool's.
   */
  otherClients?: Readonly<Record<string, { secret: string }>>;
  /** Whether an ID token is issued (nonce required). */
  idToken: boolean;
  issue(grant: CodeGrant): Record<string, unknown>;
}

interface Pending {
  provider: string;
  clientId: string;
  redirectUri: string;
  state: string;
  nonce: string | undefined;
  challenge: string;
  scope: string;
  csrf: string;
}

interface Code {
  provider: string;
  clientId: string;
  redirectUri: string;
  challenge: string;
  grant: CodeGrant;
}

const STATE = /^[\x21-\x7e]{1,512}$/;
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const random = (n = 32) => randomBytes(n).toString('base64url');

/** Headers of the development pages: no script at all, styles from here, forms back here (and to the redirect URI's origin). */
export function devPageHeaders(formTargets: readonly string[] = []): Record<string, string> {
  return {
    'content-security-policy': `default-src 'none'; style-src 'self'; form-action 'self'${formTargets.map((o) => ` ${o}`).join('')}; frame-ancestors 'none'; base-uri 'none'`,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  };
}

export function isAllowedRedirect(uri: string, publicUrl: string): boolean {
  if (uri.length > 2000) return false;
  if (uri === `${publicUrl}/demo/callback`) return true;
  // A user pool's federation callback (the demo user pool federates to the development OP).
  if (uri.startsWith(`${publicUrl}/auth/`) && /^\/auth\/[a-z0-9-]{1,63}\/oauth2\/idpresponse$/.test(uri.slice(publicUrl.length))) return true;
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) && !u.hash && !u.username && !u.password;
  } catch {
    return false;
  }
}

export function formOf(body: unknown, contentType: string | undefined): URLSearchParams | undefined {
  if (!Buffer.isBuffer(body) || (contentType ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/x-www-form-urlencoded') return undefined;
  return new URLSearchParams(body.toString('utf8'));
}

export function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sameSecret(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function htmlError(reply: FastifyReply, status: number, title: string, message: string): FastifyReply {
  return reply.code(status).headers(devPageHeaders()).type('text/html; charset=utf-8').send(renderErrorPage(title, message));
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).send({ error, error_description: description });
}

/** A pending sign-in's CSRF cookie: scoped to /_dev, HttpOnly, SameSite=Strict, gone with the browser session. */
export function csrfCookie(id: string, value: string): string {
  return `tessera-dev-csrf-${id.slice(0, 12)}=${value}; Path=/_dev; HttpOnly; SameSite=Strict`;
}
export const csrfCookieName = (id: string) => `tessera-dev-csrf-${id.slice(0, 12)}`;

export function devStyleRoute(app: FastifyInstance): void {
  app.get('/_dev/style.css', async (_req, reply) => reply.header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache').type('text/css; charset=utf-8').send(DEV_STYLE));
}

export function oauthRoutes(deps: { providers: readonly OAuthProviderDef[]; publicUrl: string; clock: () => Date }): (app: FastifyInstance) => void {
  const byId = new Map(deps.providers.map((p) => [p.id, p]));
  const pending = createMemo<Pending>(deps.clock);
  const codes = createMemo<Code>(deps.clock);

  return (app) => {
    for (const provider of deps.providers) {
      const base = `/_dev/${provider.id}`;
      app.get<{ Querystring: Record<string, string | string[] | undefined> }>(`${base}/authorize`, async (request, reply) => {
        const q = request.query;
        const one = (name: string) => (typeof q[name] === 'string' ? (q[name] as string) : undefined);
        const clientId = one('client_id');
        const redirectUri = one('redirect_uri');
        if (!clientId || (clientId !== provider.clientId && !Object.hasOwn(provider.otherClients ?? {}, clientId))) {
          return htmlError(reply, 400, 'Sign-in request refused', `client_id must be ${provider.clientId} (the development client of ${provider.title}).`);
        }
        if (!redirectUri || !isAllowedRedirect(redirectUri, deps.publicUrl)) return htmlError(reply, 400, 'Sign-in request refused', `redirect_uri is not registered: use ${deps.publicUrl}/demo/callback or an http loopback URI.`);
        const problems: string[] = [];
        if (one('response_type') !== 'code') problems.push('response_type must be code');
        const state = one('state');
        if (!state || !STATE.test(state)) problems.push('state is required (1 to 512 visible ASCII characters)');
        const nonce = one('nonce');
        if (provider.idToken && (!nonce || !STATE.test(nonce))) problems.push('nonce is required (1 to 512 visible ASCII characters)');
        const challenge = one('code_challenge');
        if (!challenge || !CHALLENGE.test(challenge) || one('code_challenge_method') !== 'S256') problems.push('PKCE is required: code_challenge (43 base64url characters) with code_challenge_method=S256');
        const scope = one('scope') ?? '';
        if (scope.length > 512) problems.push('scope is too long');
        if (provider.idToken && !scope.split(' ').includes('openid')) problems.push('scope must include openid');
        if (problems.length) return htmlError(reply, 400, 'Sign-in request refused', problems.join('; ') + '.');
        const id = random();
        const csrf = random();
        pending.set(id, { provider: provider.id, clientId, redirectUri, state: state!, nonce, challenge: challenge!, scope, csrf }, 600);
        return reply
          .headers(devPageHeaders([new URL(redirectUri).origin]))
          .header('set-cookie', csrfCookie(id, csrf))
          .type('text/html; charset=utf-8')
          .send(renderSignInPage({ providerTitle: provider.title, ...(provider.standsInFor ? { standsInFor: provider.standsInFor } : {}), clientLabel: `${clientId} → ${new URL(redirectUri).origin}`, action: `${base}/authorize`, hidden: { request: id, csrf } }));
      });

      app.post(`${base}/authorize`, async (request, reply) => {
        const form = formOf(request.body, request.headers['content-type']);
        if (!form) return htmlError(reply, 400, 'Sign-in refused', 'The form must be sent as application/x-www-form-urlencoded.');
        const id = form.get('request') ?? '';
        const csrf = form.get('csrf') ?? '';
        const found = id.length <= 64 ? pending.get(id) : undefined;
        if (!found || found.provider !== provider.id) return htmlError(reply, 400, 'Sign-in refused', 'This sign-in request is unknown or has expired: start the sign-in again.');
        if (!sameSecret(csrf, found.csrf) || !sameSecret(cookieOf(request.headers.cookie, csrfCookieName(id)), found.csrf)) {
          return htmlError(reply, 403, 'Sign-in refused', 'The form did not come from this sign-in page (CSRF check failed).');
        }
        const target = new URL(found.redirectUri);
        const clear = `${csrfCookieName(id)}=; Path=/_dev; HttpOnly; SameSite=Strict; Max-Age=0`;
        if (form.get('action') === 'cancel') {
          pending.take(id);
          target.searchParams.set('error', 'access_denied');
          target.searchParams.set('state', found.state);
          return reply.header('set-cookie', clear).header('cache-control', 'no-store').redirect(target.href, 303);
        }
        const user = userFromForm(form);
        if (typeof user === 'string') return htmlError(reply, 400, 'Sign-in refused', `${user}. Go back and correct it.`);
        pending.take(id);
        const code = random();
        codes.set(code, { provider: provider.id, clientId: found.clientId, redirectUri: found.redirectUri, challenge: found.challenge, grant: { user, clientId: found.clientId, nonce: found.nonce, scope: found.scope } }, 60);
        target.searchParams.set('code', code);
        target.searchParams.set('state', found.state);
        return reply.header('set-cookie', clear).header('cache-control', 'no-store').redirect(target.href, 303);
      });

      app.post(`${base}/token`, async (request, reply) => {
        const form = formOf(request.body, request.headers['content-type']);
        if (!form) return oauthError(reply, 400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
        if (form.get('grant_type') !== 'authorization_code') return oauthError(reply, 400, 'unsupported_grant_type', 'grant_type must be authorization_code');
        const clientId = form.get('client_id') ?? '';
        const confidential = Object.hasOwn(provider.otherClients ?? {}, clientId) ? provider.otherClients![clientId]! : undefined;
        if (clientId !== provider.clientId && !confidential) return oauthError(reply, 401, 'invalid_client', 'unknown client_id');
        if (confidential && !sameSecret(form.get('client_secret') ?? '', confidential.secret)) return oauthError(reply, 401, 'invalid_client', 'client authentication failed (client_secret_post)');
        const codeText = form.get('code') ?? '';
        // Single use: a code is gone after its first exchange, good or bad.
        const code = codeText.length > 0 && codeText.length <= 64 ? codes.take(codeText) : undefined;
        if (!code || code.provider !== provider.id || code.clientId !== clientId) return oauthError(reply, 400, 'invalid_grant', 'the code is unknown, used, expired or issued to another client');
        if (form.get('redirect_uri') !== code.redirectUri) return oauthError(reply, 400, 'invalid_grant', 'redirect_uri does not match the authorization request');
        const verifier = form.get('code_verifier') ?? '';
        if (!VERIFIER.test(verifier)) return oauthError(reply, 400, 'invalid_grant', 'code_verifier is missing or malformed');
        if (!sameSecret(createHash('sha256').update(verifier).digest('base64url'), code.challenge)) return oauthError(reply, 400, 'invalid_grant', 'code_verifier does not match the code_challenge');
        const p = byId.get(code.provider)!;
        return reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).send(p.issue(code.grant));
      });
    }
  };
}
