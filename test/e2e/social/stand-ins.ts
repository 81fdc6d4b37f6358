/**
 * Local HTTPS stand-ins for the social identity providers, each speaking the provider's real
 * protocol (one node:https server per provider on 127.0.0.1, port 0, with a certificate from the
 * test CA that the suite's process trusts through NODE_EXTRA_CA_CERTS):
 *  - Google and Apple: a JWKS at the provider's path (`/oauth2/v3/certs`, `/auth/keys`) and ID
 *    tokens signed RS256 with its key (iss https://accounts.google.com / https://appleid.apple.com);
 *  - Facebook Graph: `GET /me?fields=id&access_token=…` and `GET /app?access_token=…`, a bad token
 *    answered 400 with Graph's OAuthException body (code 190);
 *  - Login with Amazon: `GET /auth/o2/tokeninfo?access_token=…` → iss, user_id, aud, app_id,
 *    exp (seconds remaining), iat; a bad or expired token answered 400 invalid_token;
 *  - Twitter: `GET /1.1/account/verify_credentials.json` with an OAuth 1.0a HMAC-SHA1
 *    Authorization header, checked here independently of Tessera's signer (RFC 5849 §3.4); a
 *    bad signature or unknown token answered 401 with Twitter's code 89 body.
 * Every server counts its requests by path.
 */
import { generateFreshKeyPairSync } from '../../../src/keys/generate.js';
import { createHmac, sign as nodeSign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Tls {
  certPem: string;
  keyPem: string;
}

interface Running {
  origin: string;
  requests: Map<string, number>;
  server: Server;
}

type Handler = (url: URL, req: IncomingMessage, res: ServerResponse) => void;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function serve(tls: Tls, handler: Handler): Promise<Running> {
  const requests = new Map<string, number>();
  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://stand-in');
    requests.set(url.pathname, (requests.get(url.pathname) ?? 0) + 1);
    handler(url, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

const b64u = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

export interface JwksProvider {
  /** The JWKS URL (what --provider-endpoint names for Google and Apple). */
  readonly jwksUrl: string;
  readonly issuer: string;
  /** An RS256 ID token with iss, iat and exp (1 h) filled in; `key` signs with another key under the same kid (a forgery). */
  sign(claims: Record<string, unknown>, options?: { forged?: boolean }): string;
  requests(path?: string): number;
}

async function jwksProvider(tls: Tls, path: string, issuer: string, kid: string): Promise<JwksProvider & { server: Server }> {
  const key = generateFreshKeyPairSync({ type: 'rsa', modulusLength: 2048 });
  const forger = generateFreshKeyPairSync({ type: 'rsa', modulusLength: 2048 });
  const jwk = { ...(key.publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg: 'RS256', use: 'sig' };
  const running = await serve(tls, (url, _req, res) => (url.pathname === path ? json(res, 200, { keys: [jwk] }) : json(res, 404, {})));
  const signWith = (privateKey: KeyObject, claims: Record<string, unknown>) => {
    const now = Math.floor(Date.now() / 1000);
    const input = `${b64u({ alg: 'RS256', kid, typ: 'JWT' })}.${b64u({ iss: issuer, iat: now, exp: now + 3600, ...claims })}`;
    return `${input}.${nodeSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
  };
  return {
    jwksUrl: `${running.origin}${path}`,
    issuer,
    sign: (claims, options = {}) => signWith(options.forged ? forger.privateKey : key.privateKey, claims),
    requests: (p = path) => running.requests.get(p) ?? 0,
    server: running.server,
  };
}

export interface GraphStandIn {
  /** The Graph base (what --provider-endpoint names for graph.facebook.com); with a /v19.0 prefix. */
  readonly base: string;
  /** A user access token of `userId` issued to app `appId`. */
  issue(token: string, userId: string, appId: string): void;
  requests(path: string): number;
}

async function graph(tls: Tls): Promise<GraphStandIn & { server: Server }> {
  const tokens = new Map<string, { userId: string; appId: string }>();
  const prefix = '/v19.0';
  const oauthError = { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: 'stand-in' } };
  const running = await serve(tls, (url, _req, res) => {
    const known = tokens.get(url.searchParams.get('access_token') ?? '');
    if (url.pathname === `${prefix}/me`) {
      if (!known) return json(res, 400, oauthError);
      return json(res, 200, { id: known.userId });
    }
    if (url.pathname === `${prefix}/app`) {
      if (!known) return json(res, 400, oauthError);
      return json(res, 200, { id: known.appId, name: 'Stand-in App', link: 'https://www.facebook.com/games/?app_id=' + known.appId });
    }
    json(res, 404, { error: { message: 'Unknown path', type: 'OAuthException', code: 2500 } });
  });
  return {
    base: `${running.origin}${prefix}`,
    issue: (token, userId, appId) => void tokens.set(token, { userId, appId }),
    requests: (path) => running.requests.get(`${prefix}${path}`) ?? 0,
    server: running.server,
  };
}

export interface AmazonStandIn {
  readonly base: string;
  /** An access token of `userId` for application `appId`, good for `expiresIn` more seconds (≤ 0: expired). */
  issue(token: string, userId: string, appId: string, expiresIn?: number): void;
  requests(): number;
}

async function amazon(tls: Tls): Promise<AmazonStandIn & { server: Server }> {
  const tokens = new Map<string, { userId: string; appId: string; expiresAt: number }>();
  const running = await serve(tls, (url, _req, res) => {
    if (url.pathname !== '/auth/o2/tokeninfo') return json(res, 404, {});
    const known = tokens.get(url.searchParams.get('access_token') ?? '');
    const now = Math.floor(Date.now() / 1000);
    if (!known || known.expiresAt <= now) return json(res, 400, { error_description: 'The request has an invalid parameter : access_token', error: 'invalid_token' });
    json(res, 200, { iss: 'https://www.amazon.com', user_id: known.userId, aud: 'amzn1.application-oa2-client.standin', app_id: known.appId, exp: known.expiresAt - now, iat: now - 10 });
  });
  return {
    base: running.origin,
    issue: (token, userId, appId, expiresIn = 3600) => void tokens.set(token, { userId, appId, expiresAt: Math.floor(Date.now() / 1000) + expiresIn }),
    requests: () => running.requests.get('/auth/o2/tokeninfo') ?? 0,
    server: running.server,
  };
}

export interface TwitterStandIn {
  readonly base: string;
  addConsumer(key: string, secret: string): void;
  /** A user access token (and its secret) of user `id`. */
  issue(token: string, secret: string, id: string, screenName: string): void;
  requests(): number;
  /** Requests whose signature did not verify. */
  readonly badSignatures: number;
}

/** RFC 3986 percent-encoding as RFC 5849 §3.6 wants it (written here, not imported from Tessera). */
const pct = (s: string) => encodeURIComponent(s).replace(/[!*'()]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

async function twitter(tls: Tls): Promise<TwitterStandIn & { server: Server }> {
  const consumers = new Map<string, string>();
  const tokens = new Map<string, { secret: string; id: string; screenName: string }>();
  let badSignatures = 0;
  const unauthorized = (res: ServerResponse) => json(res, 401, { errors: [{ code: 89, message: 'Invalid or expired token.' }] });
  const running = await serve(tls, (url, req, res) => {
    if (url.pathname !== '/1.1/account/verify_credentials.json') return json(res, 404, { errors: [{ code: 34, message: 'Sorry, that page does not exist.' }] });
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('OAuth ')) return json(res, 400, { errors: [{ code: 215, message: 'Bad Authentication data.' }] });
    const oauth: Record<string, string> = {};
    for (const m of header.slice(6).matchAll(/([A-Za-z0-9_%.~-]+)="([^"]*)"/g)) oauth[decodeURIComponent(m[1]!)] = decodeURIComponent(m[2]!);
    const consumerSecret = consumers.get(oauth.oauth_consumer_key ?? '');
    const token = tokens.get(oauth.oauth_token ?? '');
    if (consumerSecret === undefined || !token || oauth.oauth_signature_method !== 'HMAC-SHA1' || oauth.oauth_version !== '1.0') return unauthorized(res);
    const params = [...url.searchParams.entries(), ...Object.entries(oauth).filter(([k]) => k !== 'oauth_signature')]
      .map(([k, v]) => `${pct(k)}=${pct(v)}`)
      .sort();
    const base = ['GET', pct(`https://${req.headers.host}${url.pathname}`), pct(params.join('&'))].join('&');
    const expected = createHmac('sha1', `${pct(consumerSecret)}&${pct(token.secret)}`).update(base).digest('base64');
    if (expected !== oauth.oauth_signature) {
      badSignatures++;
      return unauthorized(res);
    }
    json(res, 200, { id: Number(token.id), id_str: token.id, screen_name: token.screenName, name: token.screenName });
  });
  return {
    base: running.origin,
    addConsumer: (key, secret) => void consumers.set(key, secret),
    issue: (token, secret, id, screenName) => void tokens.set(token, { secret, id, screenName }),
    requests: () => running.requests.get('/1.1/account/verify_credentials.json') ?? 0,
    get badSignatures() {
      return badSignatures;
    },
    server: running.server,
  };
}

export interface SocialStandIns {
  google: JwksProvider;
  apple: JwksProvider;
  facebook: GraphStandIn;
  amazon: AmazonStandIn;
  twitter: TwitterStandIn;
  /** `KEY=URL` entries for Tessera's providerEndpoints. */
  endpoints: string[];
  close(): Promise<void>;
}

export async function startSocialStandIns(tls: Tls): Promise<SocialStandIns> {
  const google = await jwksProvider(tls, '/oauth2/v3/certs', 'https://accounts.google.com', 'google-key-1');
  const apple = await jwksProvider(tls, '/auth/keys', 'https://appleid.apple.com', 'apple-key-1');
  const fb = await graph(tls);
  const amzn = await amazon(tls);
  const tw = await twitter(tls);
  const servers = [google.server, apple.server, fb.server, amzn.server, tw.server];
  return {
    google,
    apple,
    facebook: fb,
    amazon: amzn,
    twitter: tw,
    endpoints: [
      `accounts.google.com=${google.jwksUrl}`,
      `appleid.apple.com=${apple.jwksUrl}`,
      `graph.facebook.com=${fb.base}`,
      `www.amazon.com=${amzn.base}`,
      `api.twitter.com=${tw.base}`,
    ],
    async close() {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}
