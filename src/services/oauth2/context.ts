/**
 * Shared state of the hosted endpoints: the short-lived stores, and the URLs of a domain.
 *
 * Endpoints of a user-pool domain are served path-based on the one listener:
 * `<publicUrl>/auth/<domain>/oauth2/authorize` etc. (Cognito serves them on
 * `https://<domain>.auth.<region>.amazoncognito.com/…`; aws-surface.md §8). The discovery
 * document names these URLs, so relying parties never build them by hand.
 */
import type { Logger } from 'pino';
import { createExpiringStore, type ExpiringStore } from './expiring-store.js';
import type { CookieScope } from './cookies.js';
import type { OAuth2Deps, UserPools } from './deps.js';

/** A validated /oauth2/authorize request, carried through login and upstream round trips. */
export interface AuthorizeRequest {
  domain: string;
  userPoolId: string;
  clientId: string;
  redirectUri: string;
  responseType: 'code' | 'token';
  scopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  /** The original query, to rebuild authorize links (IdP buttons, retry after an error). */
  query: string;
}

export interface CodeGrant {
  userPoolId: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  nonce?: string;
  codeChallenge?: string;
  username: string;
  authTime: number;
}

export interface LoginTransaction {
  request: AuthorizeRequest;
  csrf: string;
  /** Set after a correct temporary password: the user who must choose a new one. */
  pendingUsername?: string;
  /** Set after a correct password of a user with TOTP MFA: the user whose code is asked. */
  mfaUsername?: string;
}

export interface UpstreamTransaction {
  request: AuthorizeRequest;
  providerName: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface HostedSession {
  userPoolId: string;
  username: string;
  /** Epoch seconds of the sign-in (the tokens' auth_time). */
  authTime: number;
}

export interface Hosted {
  userPools: UserPools;
  clock: () => Date;
  log: Logger;
  publicUrl: string;
  codes: ExpiringStore<CodeGrant>;
  logins: ExpiringStore<LoginTransaction>;
  upstreams: ExpiringStore<UpstreamTransaction>;
  sessions: ExpiringStore<HostedSession>;
  /** `<publicUrl>/auth/<domain>` */
  domainBase(domain: string): string;
  cookieScope(domain: string): CookieScope;
}

export function createHosted(deps: OAuth2Deps): Hosted {
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const parsed = new URL(publicUrl);
  const basePath = parsed.pathname.replace(/\/+$/, '');
  const store = <T>(collection: string) => createExpiringStore<T>({
      storage: deps.storage,
      collection,
      clock: deps.clock,
      onSweepError: (err) => deps.log.warn({ err, collection }, 'oauth2 sweep of expired records failed'),
    });
  return {
    userPools: deps.userPools,
    clock: deps.clock,
    log: deps.log,
    publicUrl,
    codes: store<CodeGrant>('oauth2.codes'),
    logins: store<LoginTransaction>('oauth2.login-transactions'),
    upstreams: store<UpstreamTransaction>('oauth2.upstream-transactions'),
    sessions: store<HostedSession>('oauth2.sessions'),
    domainBase: (domain) => `${publicUrl}/auth/${encodeURIComponent(domain)}`,
    cookieScope: (domain) => ({ path: `${basePath}/auth/${encodeURIComponent(domain)}/`, secure: parsed.protocol === 'https:' }),
  };
}

export function nowSeconds(clock: () => Date): number {
  return Math.floor(clock().getTime() / 1000);
}
