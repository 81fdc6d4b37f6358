/**
 * The development stand-in for Twitter / X sign-in, OAuth 1.0a (RFC 5849) as Twitter speaks it:
 *  - HTTPS listener (server to server, every request HMAC-SHA1 signed and checked here with code
 *    of its own, independent of Tessera's signer in tokens/social/oauth1.ts):
 *    `POST /twitter/oauth/request_token` (oauth_callback) → oauth_token, oauth_token_secret,
 *    oauth_callback_confirmed; `POST /twitter/oauth/access_token` (oauth_token, oauth_verifier) →
 *    oauth_token, oauth_token_secret, user_id, screen_name; `GET /twitter/1.1/account/verify_credentials.json`;
 *  - main listener (the browser): `GET|POST /_dev/twitter/oauth/authenticate` — the development
 *    sign-in page, then 303 to the callback with oauth_token and oauth_verifier;
 *  - demo mode only, the demo's backend (it holds the consumer secret, as an app's server does):
 *    `POST /_tessera/demo/twitter/request-token` → `{ authorizeUrl }`, and
 *    `POST /_tessera/demo/twitter/access-token` `{ oauth_token, oauth_verifier }` →
 *    `{ login: "token;secret", userId, screenName }` (the `Logins` value, in the body).
 * Timestamps must be within five minutes; request tokens live ten minutes, verifiers are single-use.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { hmacSha1Signature, percentEncode, signatureBaseString } from '../tokens/social/oauth1.js';
import type { DevCertificate } from './certificates.js';
import type { DevHandler } from './listener.js';
import { createMemo } from './memo.js';
import { cookieOf, csrfCookie, csrfCookieName, devPageHeaders, formOf, htmlError, isAllowedRedirect, sameSecret, type DevUser } from './oauth.js';
import { renderSignInPage, userFromForm } from './page.js';
import { subjectOf } from './providers.js';

export const TWITTER_CONSUMER_KEY = 'tesseradevconsumerkey0000';

interface RequestToken {
  secret: string;
  callback: string;
  csrf: string;
  verifier?: string;
  user?: DevUser;
}
interface AccessToken {
  secret: string;
  userId: string;
  screenName: string;
}

/** RFC 3986 percent-encoding (RFC 5849 §3.6), written here rather than imported, to check Tessera's signer independently. */
const pct = (s: string) => encodeURIComponent(s).replace(/[!*'()]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

function oauthParams(req: IncomingMessage): Record<string, string> | undefined {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('OAuth ')) return undefined;
  const out: Record<string, string> = {};
  try {
    for (const m of header.slice(6).matchAll(/([A-Za-z0-9_%.~-]+)="([^"]*)"/g)) out[decodeURIComponent(m[1]!)] = decodeURIComponent(m[2]!);
  } catch {
    return undefined;
  }
  return out;
}

const unauthorized = { status: 401, body: { errors: [{ code: 89, message: 'Invalid or expired token.' }] } };
const formAnswer = (fields: Record<string, string>) => ({ status: 200, type: 'application/x-www-form-urlencoded', body: new URLSearchParams(fields).toString() });

export interface DevTwitter {
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly handlers: readonly DevHandler[];
  /** The browser's sign-in page (main listener). */
  routes(app: FastifyInstance): void;
  /** The demo backend (demo mode only). */
  demoBackendRoutes(app: FastifyInstance): void;
}

export function devTwitter(deps: { origin: string; publicUrl: string; clock: () => Date; consumerSecret: string; tls: DevCertificate }): DevTwitter {
  const nowS = () => Math.floor(deps.clock().getTime() / 1000);
  const requestTokens = createMemo<RequestToken>(deps.clock);
  const accessTokens = createMemo<AccessToken>(deps.clock);
  const consumerSecret = deps.consumerSecret;

  /** Checks an incoming request's OAuth 1.0a signature; returns its oauth parameters when good. */
  function verified(url: URL, req: IncomingMessage, tokenSecret: (token: string | undefined) => string | undefined): Record<string, string> | undefined {
    const oauth = oauthParams(req);
    if (!oauth || oauth.oauth_consumer_key !== TWITTER_CONSUMER_KEY || oauth.oauth_signature_method !== 'HMAC-SHA1' || (oauth.oauth_version ?? '1.0') !== '1.0') return undefined;
    const ts = Number(oauth.oauth_timestamp);
    if (!Number.isSafeInteger(ts) || Math.abs(ts - nowS()) > 300 || !oauth.oauth_nonce) return undefined;
    const secret = tokenSecret(oauth.oauth_token);
    if (secret === undefined) return undefined;
    const params = [...url.searchParams.entries(), ...Object.entries(oauth).filter(([k]) => k !== 'oauth_signature' && k !== 'realm')]
      .map(([k, v]) => `${pct(k)}=${pct(v)}`)
      .sort();
    const base = [req.method ?? 'GET', pct(`https://${req.headers.host}${url.pathname}`), pct(params.join('&'))].join('&');
    const expected = createHmac('sha1', `${pct(consumerSecret)}&${pct(secret)}`).update(base).digest('base64');
    return sameSecret(expected, oauth.oauth_signature) ? oauth : undefined;
  }

  const handler: DevHandler = (url, req) => {
    if (url.pathname === '/twitter/oauth/request_token' && req.method === 'POST') {
      const oauth = verified(url, req, (token) => (token === undefined ? '' : undefined));
      if (!oauth) return unauthorized;
      const callback = oauth.oauth_callback ?? '';
      if (!isAllowedRedirect(callback, deps.publicUrl)) return { status: 403, body: { errors: [{ code: 415, message: 'Callback URL not approved for this client application.' }] } };
      const token = randomBytes(16).toString('base64url');
      requestTokens.set(token, { secret: randomBytes(24).toString('base64url'), callback, csrf: randomBytes(24).toString('base64url') }, 600);
      return formAnswer({ oauth_token: token, oauth_token_secret: requestTokens.get(token)!.secret, oauth_callback_confirmed: 'true' });
    }
    if (url.pathname === '/twitter/oauth/access_token' && req.method === 'POST') {
      const oauth = verified(url, req, (token) => (token ? requestTokens.get(token)?.secret : undefined));
      if (!oauth) return unauthorized;
      const pendingToken = requestTokens.take(oauth.oauth_token!);
      if (!pendingToken?.user || !pendingToken.verifier || !sameSecret(pendingToken.verifier, oauth.oauth_verifier)) return unauthorized;
      const token = `${subjectOf('twitter', pendingToken.user, true)}-${randomBytes(18).toString('base64url')}`;
      const userId = subjectOf('twitter', pendingToken.user, true);
      const screenName = (pendingToken.user.email.split('@')[0] ?? 'user').replace(/[^A-Za-z0-9_]/g, '_').slice(0, 15) || 'user';
      const secret = randomBytes(24).toString('base64url');
      accessTokens.set(token, { secret, userId, screenName }, 24 * 3600);
      return formAnswer({ oauth_token: token, oauth_token_secret: secret, user_id: userId, screen_name: screenName });
    }
    if (url.pathname === '/twitter/1.1/account/verify_credentials.json' && req.method === 'GET') {
      let user: AccessToken | undefined;
      const oauth = verified(url, req, (token) => (token ? (user = accessTokens.get(token))?.secret : undefined));
      if (!oauth || !user) return unauthorized;
      return { status: 200, body: { id: Number(user.userId), id_str: user.userId, name: user.screenName, screen_name: user.screenName } };
    }
    return undefined;
  };

  /** An OAuth 1.0a-signed POST to the stand-in over HTTPS, trusting exactly its certificate (per request: nothing process-wide). */
  function signedPost(path: string, extra: Record<string, string>, token?: { token: string; secret: string }): Promise<URLSearchParams> {
    const url = `${deps.origin}${path}`;
    const oauth: Record<string, string> = {
      oauth_consumer_key: TWITTER_CONSUMER_KEY,
      oauth_nonce: randomBytes(16).toString('hex'),
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: String(nowS()),
      oauth_version: '1.0',
      ...(token ? { oauth_token: token.token } : {}),
      ...extra,
    };
    const signature = hmacSha1Signature(signatureBaseString('POST', url, oauth), consumerSecret, token?.secret ?? '');
    const authorization = `OAuth ${Object.entries({ ...oauth, oauth_signature: signature }).map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`).join(', ')}`;
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, { method: 'POST', ca: deps.tls.certPem, headers: { authorization, 'content-length': 0 }, timeout: 5000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) : reject(Object.assign(new Error(`the Twitter stand-in answered HTTP ${res.statusCode}`), { status: res.statusCode }))));
      });
      req.on('timeout', () => req.destroy(new Error('Twitter stand-in did not answer in time')));
      req.on('error', reject);
      req.end();
    });
  }

  /** The demo backend's request tokens: oauth_token → its secret (kept server-side, as an app's session would). */
  const backendSecrets = createMemo<string>(deps.clock);

  return {
    consumerKey: TWITTER_CONSUMER_KEY,
    consumerSecret,
    handlers: [handler],
    routes(app) {
      app.get<{ Querystring: Record<string, unknown> }>('/_dev/twitter/oauth/authenticate', async (request, reply) => {
        const token = typeof request.query.oauth_token === 'string' ? request.query.oauth_token : '';
        const pendingToken = token.length <= 64 ? requestTokens.get(token) : undefined;
        if (!pendingToken || pendingToken.user) return htmlError(reply, 400, 'Sign-in request refused', 'oauth_token is unknown, used or expired: start the sign-in again.');
        return reply
          .headers(devPageHeaders([new URL(pendingToken.callback).origin]))
          .header('set-cookie', csrfCookie(token, pendingToken.csrf))
          .type('text/html; charset=utf-8')
          .send(renderSignInPage({ providerTitle: 'Twitter / X (development stand-in)', standsInFor: 'Twitter / X', clientLabel: `${TWITTER_CONSUMER_KEY} → ${new URL(pendingToken.callback).origin}`, action: '/_dev/twitter/oauth/authenticate', hidden: { oauth_token: token, csrf: pendingToken.csrf } }));
      });
      app.post('/_dev/twitter/oauth/authenticate', async (request, reply) => {
        const form = formOf(request.body, request.headers['content-type']);
        if (!form) return htmlError(reply, 400, 'Sign-in refused', 'The form must be sent as application/x-www-form-urlencoded.');
        const token = form.get('oauth_token') ?? '';
        const pendingToken = token.length <= 64 ? requestTokens.get(token) : undefined;
        if (!pendingToken || pendingToken.user) return htmlError(reply, 400, 'Sign-in refused', 'This sign-in request is unknown or has expired: start the sign-in again.');
        if (!sameSecret(form.get('csrf') ?? '', pendingToken.csrf) || !sameSecret(cookieOf(request.headers.cookie, csrfCookieName(token)), pendingToken.csrf)) {
          return htmlError(reply, 403, 'Sign-in refused', 'The form did not come from this sign-in page (CSRF check failed).');
        }
        const target = new URL(pendingToken.callback);
        const clear = `${csrfCookieName(token)}=; Path=/_dev; HttpOnly; SameSite=Strict; Max-Age=0`;
        if (form.get('action') === 'cancel') {
          requestTokens.take(token);
          target.searchParams.set('denied', token);
          return reply.header('set-cookie', clear).redirect(target.href, 303);
        }
        const user = userFromForm(form);
        if (typeof user === 'string') return htmlError(reply, 400, 'Sign-in refused', `${user}. Go back and correct it.`);
        pendingToken.user = user;
        pendingToken.verifier = randomBytes(16).toString('base64url');
        target.searchParams.set('oauth_token', token);
        target.searchParams.set('oauth_verifier', pendingToken.verifier);
        return reply.header('set-cookie', clear).header('cache-control', 'no-store').redirect(target.href, 303);
      });
    },
    demoBackendRoutes(app) {
      const fail = (reply: import('fastify').FastifyReply, status: number, message: string) =>
        reply.code(status).header('cache-control', 'no-store').send({ __type: status === 400 ? 'ValidationException' : status === 401 ? 'NotAuthorizedException' : 'ExternalServiceException', message });
      /** The stand-in refusing (4xx) is the caller's problem (401), anything else a 502. */
      const upstreamFailure = (reply: import('fastify').FastifyReply, err: unknown) => {
        const status = (err as { status?: number }).status;
        return fail(reply, status !== undefined && status >= 400 && status < 500 ? 401 : 502, (err as Error).message);
      };
      const jsonBody = (raw: unknown): Record<string, unknown> | undefined => {
        try {
          const parsed: unknown = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : '');
          return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
        } catch {
          return undefined;
        }
      };
      app.post('/_tessera/demo/twitter/request-token', async (request, reply) => {
        // The page names its own callback (its origin may be another loopback name than the public URL's).
        const input = jsonBody(request.body);
        if (!input) return fail(reply, 400, 'The body must be a JSON object');
        const callback = input.callback === undefined ? `${deps.publicUrl}/demo/callback` : input.callback;
        if (typeof callback !== 'string' || !isAllowedRedirect(callback, deps.publicUrl)) return fail(reply, 400, `callback must be ${deps.publicUrl}/demo/callback or an http loopback URI`);
        let answer: URLSearchParams;
        try {
          answer = await signedPost('/twitter/oauth/request_token', { oauth_callback: callback });
        } catch (err) {
          return upstreamFailure(reply, err);
        }
        const token = answer.get('oauth_token') ?? '';
        backendSecrets.set(token, answer.get('oauth_token_secret') ?? '', 600);
        const authorizeUrl = new URL('/_dev/twitter/oauth/authenticate', new URL(callback).origin);
        authorizeUrl.searchParams.set('oauth_token', token);
        return reply.header('cache-control', 'no-store').send({ authorizeUrl: authorizeUrl.href, oauthToken: token });
      });
      app.post('/_tessera/demo/twitter/access-token', async (request, reply) => {
        const input = jsonBody(request.body);
        if (!input) return fail(reply, 400, 'The body must be a JSON object');
        const token = typeof input?.oauth_token === 'string' && input.oauth_token.length <= 64 ? input.oauth_token : '';
        const verifier = typeof input?.oauth_verifier === 'string' && input.oauth_verifier.length <= 64 ? input.oauth_verifier : '';
        const secret = token ? backendSecrets.take(token) : undefined;
        if (!secret || !verifier) return fail(reply, 400, 'oauth_token is unknown or used, or oauth_verifier is missing');
        let answer: URLSearchParams;
        try {
          answer = await signedPost('/twitter/oauth/access_token', { oauth_verifier: verifier }, { token, secret });
        } catch (err) {
          return upstreamFailure(reply, err);
        }
        return reply.header('cache-control', 'no-store').send({ login: `${answer.get('oauth_token')};${answer.get('oauth_token_secret')}`, userId: answer.get('user_id'), screenName: answer.get('screen_name') });
      });
    },
  };
}
