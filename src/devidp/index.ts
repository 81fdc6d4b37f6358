/**
 * devidp/ — the built-in development identity providers (`--demo`, or `--dev-idps` alone):
 * an OpenID Provider with a sign-in page, and stand-ins for Google, Apple, Facebook, Login with
 * Amazon and Twitter that speak the real protocols Tessera verifies. Development only: nothing of
 * this exists without the flag (src/config refuses it off loopback).
 *
 * startDevIdps() is called by createTessera before the verifiers are built. It loads (or makes)
 * the keys in `<dataDir>/dev-idps/`, starts the HTTPS listener (listener.ts) for the
 * server-to-server endpoints, and returns what the composition root wires: the provider-endpoint
 * overrides and the TLS thumbprint the social verifiers trust for them (per instance), the main
 * listener's `/_dev/…` routes (oauth.ts, twitter.ts), the demo backend's Twitter routes, what the
 * demo page needs (describe()), and close(). Everything hangs off the returned instance.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import type { FastifyInstance } from 'fastify';
import * as openid from 'openid-client';
import type { SocialKey } from '../tokens/social/types.js';
import { loadOrCreateDevCertificate } from './certificates.js';
import { startDevListener } from './listener.js';
import { devStyleRoute, oauthRoutes } from './oauth.js';
import { DEV_CLIENTS, devOAuthProviders } from './providers.js';
import { devTwitter, TWITTER_CONSUMER_KEY } from './twitter.js';

export { DEV_CLIENTS } from './providers.js';

export interface DevIdpButton {
  /** The button's words on the demo page. */
  label: string;
  /** `oauth` (authorization code + PKCE at `authorizeUrl`/`tokenUrl`) or `oauth1` (Twitter, via the demo backend). */
  protocol: 'oauth' | 'oauth1';
  authorizeUrl: string;
  tokenUrl?: string;
  clientId: string;
  scope?: string;
  /** Twitter: the demo backend's routes that hold the consumer secret. */
  requestTokenUrl?: string;
  accessTokenUrl?: string;
  /** The identity-pool `Logins` key. */
  loginsKey: string;
  /** What goes in `Logins`: the ID token, the access token, or Twitter's `token;secret`. */
  token: 'id_token' | 'access_token' | 'token;secret';
}

export interface DevIdps {
  readonly origin: string;
  readonly port: number;
  /** SHA-1 of the HTTPS listener's certificate (the IAM OIDC provider's and the social verifiers' trust). */
  readonly thumbprint: string;
  readonly oidc: { readonly issuer: string; readonly clientId: string; readonly loginsKey: string };
  /** Provider-endpoint overrides pointing at the HTTPS listener. */
  readonly endpoints: Readonly<Record<SocialKey, string>>;
  /** Identity-pool SupportedLoginProviders values of the stand-ins (Twitter: consumerKey;consumerSecret). */
  readonly supportedLoginProviders: Readonly<Record<SocialKey, string>>;
  /** The browser-facing routes on the main listener (`/_dev/…`). */
  routes(app: FastifyInstance): void;
  /** Demo mode: the demo backend's Twitter routes. */
  demoBackendRoutes(app: FastifyInstance): void;
  /** The demo user pool's federation to the development OP: the IdP's ProviderDetails (with the confidential client's secret). */
  readonly userPoolIdp: { readonly providerName: string; readonly details: Readonly<Record<string, string>> };
  /**
   * An openid-client Configuration hook for the user pools' upstream federation (oauth2Routes
   * `upstream.configure`): for the development OP only, trust its certificate (per request) and
   * allow its http token endpoint on the loopback main listener. Other IdPs are untouched.
   */
  trustUpstream(config: openid.Configuration): void;
  /** What the demo page needs, by provider (the `devIdps` field of GET /_tessera/demo). */
  describe(): Record<string, DevIdpButton>;
  close(): Promise<void>;
}

interface SavedState {
  port?: number;
  twitterConsumerSecret?: string;
  oidcUserPoolClientSecret?: string;
}

function readState(file: string): SavedState {
  if (!existsSync(file)) return {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as SavedState;
    return {
      ...(Number.isInteger(parsed.port) && parsed.port! > 0 && parsed.port! < 65536 ? { port: parsed.port } : {}),
      ...(typeof parsed.twitterConsumerSecret === 'string' && /^[A-Za-z0-9_-]{32,128}$/.test(parsed.twitterConsumerSecret) ? { twitterConsumerSecret: parsed.twitterConsumerSecret } : {}),
      ...(typeof parsed.oidcUserPoolClientSecret === 'string' && /^[A-Za-z0-9_-]{32,128}$/.test(parsed.oidcUserPoolClientSecret) ? { oidcUserPoolClientSecret: parsed.oidcUserPoolClientSecret } : {}),
    };
  } catch {
    return {};
  }
}

export async function startDevIdps(deps: { dataDir: string; publicUrl: string; clock: () => Date; onError: (err: unknown) => void }): Promise<DevIdps> {
  const now = deps.clock();
  const tls = await loadOrCreateDevCertificate(deps.dataDir, 'tls', {
    commonName: 'localhost',
    altNames: [
      { type: 'dns', value: 'localhost' },
      { type: 'ip', value: '127.0.0.1' },
    ],
    now,
  });
  const keys = {
    oidc: await loadOrCreateDevCertificate(deps.dataDir, 'oidc-signing', { commonName: 'Tessera development OpenID Provider', now }),
    google: await loadOrCreateDevCertificate(deps.dataDir, 'google-signing', { commonName: 'Tessera development Google stand-in', now }),
    apple: await loadOrCreateDevCertificate(deps.dataDir, 'apple-signing', { commonName: 'Tessera development Apple stand-in', now }),
  };
  const dir = join(deps.dataDir, 'dev-idps');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stateFile = join(dir, 'state.json');
  const saved = readState(stateFile);
  const consumerSecret = saved.twitterConsumerSecret ?? randomBytes(32).toString('base64url');
  const userPoolClientSecret = saved.oidcUserPoolClientSecret ?? randomBytes(32).toString('base64url');

  // Handlers are bound after the port is known (the issuer names it); the listener asks through this indirection.
  let handlers: import('./listener.js').DevHandler[] = [];
  const listener = await startDevListener({ tls, preferredPort: saved.port, handlers: [(url, req, body) => dispatch(url, req, body)], onError: deps.onError });
  async function dispatch(...args: Parameters<import('./listener.js').DevHandler>) {
    for (const h of handlers) {
      const answer = await h(...args);
      if (answer) return answer;
    }
    return undefined;
  }
  try {
    writeFileSync(stateFile, JSON.stringify({ port: listener.port, twitterConsumerSecret: consumerSecret, oidcUserPoolClientSecret: userPoolClientSecret }, null, 2) + '\n', { mode: 0o600 });
  } catch (err) {
    await listener.close();
    throw err;
  }
  const origin = listener.origin;
  const oauth = devOAuthProviders({ origin, publicUrl: deps.publicUrl, clock: deps.clock, keys, userPoolClientSecret });
  /** openid-client's fetch for the development OP: its HTTPS endpoints trust exactly its certificate; the rest is the global fetch. */
  const pinnedFetch = (url: string, options: { method: string; headers: Record<string, string>; body: unknown; redirect: string; signal?: AbortSignal }): Promise<Response> => {
    if (new URL(url).origin !== origin) return fetch(url, options as RequestInit);
    return new Promise<Response>((resolve, reject) => {
      const req = httpsRequest(url, { method: options.method, headers: options.headers, ca: tls.certPem, timeout: 5000, ...(options.signal ? { signal: options.signal } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 502, headers }));
        });
      });
      req.on('timeout', () => req.destroy(new Error('the development OP did not answer in time')));
      req.on('error', reject);
      req.end(typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : options.body instanceof URLSearchParams ? options.body.toString() : undefined);
    });
  };
  const twitter = devTwitter({ origin, publicUrl: deps.publicUrl, clock: deps.clock, consumerSecret, tls });
  handlers = [...oauth.handlers, ...twitter.handlers];
  const routes = oauthRoutes({ providers: oauth.defs, publicUrl: deps.publicUrl, clock: deps.clock });
  const loginsKey = oauth.oidcIssuer.replace(/^https:\/\//, '');

  const button = (id: string, label: string, loginsKey: string, clientId: string, token: DevIdpButton['token'], scope?: string): DevIdpButton => ({
    label,
    protocol: 'oauth',
    authorizeUrl: `${deps.publicUrl}/_dev/${id}/authorize`,
    tokenUrl: `${deps.publicUrl}/_dev/${id}/token`,
    clientId,
    ...(scope ? { scope } : {}),
    loginsKey,
    token,
  });

  return Object.freeze({
    origin,
    port: listener.port,
    thumbprint: tls.thumbprint,
    oidc: Object.freeze({ issuer: oauth.oidcIssuer, clientId: DEV_CLIENTS.oidc, loginsKey }),
    endpoints: Object.freeze({
      'accounts.google.com': `${origin}/google/oauth2/v3/certs`,
      'appleid.apple.com': `${origin}/apple/auth/keys`,
      'graph.facebook.com': `${origin}/facebook`,
      'www.amazon.com': `${origin}/amazon`,
      'api.twitter.com': `${origin}/twitter`,
    }),
    supportedLoginProviders: Object.freeze({
      'accounts.google.com': DEV_CLIENTS.google,
      'appleid.apple.com': DEV_CLIENTS.apple,
      'graph.facebook.com': DEV_CLIENTS.facebookApp,
      'www.amazon.com': DEV_CLIENTS.amazonApp,
      'api.twitter.com': `${TWITTER_CONSUMER_KEY};${consumerSecret}`,
    }),
    routes(app: FastifyInstance) {
      devStyleRoute(app);
      routes(app);
      twitter.routes(app);
    },
    demoBackendRoutes: (app: FastifyInstance) => twitter.demoBackendRoutes(app),
    userPoolIdp: Object.freeze({
      providerName: 'TesseraDevOIDC',
      details: Object.freeze({
        client_id: DEV_CLIENTS.oidcUserPool,
        client_secret: userPoolClientSecret,
        authorize_scopes: 'openid email profile',
        oidc_issuer: oauth.oidcIssuer,
        authorize_url: `${deps.publicUrl}/_dev/oidc/authorize`,
        token_url: `${deps.publicUrl}/_dev/oidc/token`,
        attributes_url: `${origin}/oidc/userinfo`,
        jwks_uri: `${origin}/oidc/jwks`,
        attributes_request_method: 'GET',
      }),
    }),
    trustUpstream(config: openid.Configuration) {
      if (config.serverMetadata().issuer !== oauth.oidcIssuer) return;
      openid.allowInsecureRequests(config);
      config[openid.customFetch] = pinnedFetch as never;
    },
    describe: (): Record<string, DevIdpButton> => ({
      google: button('google', 'Sign in with Google', 'accounts.google.com', DEV_CLIENTS.google, 'id_token', 'openid email profile'),
      apple: button('apple', 'Sign in with Apple', 'appleid.apple.com', DEV_CLIENTS.apple, 'id_token', 'openid email name'),
      facebook: button('facebook', 'Sign in with Facebook', 'graph.facebook.com', DEV_CLIENTS.facebookApp, 'access_token', 'public_profile email'),
      amazon: button('amazon', 'Login with Amazon', 'www.amazon.com', DEV_CLIENTS.amazonClient, 'access_token', 'profile'),
      twitter: { requestTokenUrl: `${deps.publicUrl}/_tessera/demo/twitter/request-token`, accessTokenUrl: `${deps.publicUrl}/_tessera/demo/twitter/access-token`, label: 'Sign in with Twitter', protocol: 'oauth1', authorizeUrl: `${deps.publicUrl}/_dev/twitter/oauth/authenticate`, clientId: TWITTER_CONSUMER_KEY, loginsKey: 'api.twitter.com', token: 'token;secret' },
      oidc: button('oidc', 'OpenID Connect (OIDC)', loginsKey, DEV_CLIENTS.oidc, 'id_token', 'openid email profile'),
    }),
    close: () => listener.close(),
  });
}
