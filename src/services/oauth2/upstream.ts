/**
 * The user pool as relying party to an upstream OpenID Provider (aws-surface.md §9;
 * CG:cognito-user-pools-oidc-flow), built on openid-client (a certified RP library).
 *
 * - Configuration: discovery at `oidc_issuer` (openid-client checks that the document's
 *   `issuer` equals it, security.md N01); when the IdP record names `authorize_url`,
 *   `token_url` and `jwks_uri` explicitly they are used instead (M-IDP ProviderDetails).
 * - Client authentication at the IdP's token endpoint: client_secret_post only (Cognito does
 *   not do client_secret_basic, §9.1).
 * - ID token: signature checked against the IdP's JWKS by kid (enableNonRepudiationChecks;
 *   without it OIDC Core §3.1.3.7 step 6 lets an RP trust TLS instead, but we want a forged
 *   token refused even when it arrives over a trusted channel), `iss` = oidc_issuer,
 *   `aud` = client_id, `exp`, and `nonce` = the one we generated for this browser.
 * - The authorization response: `state` must equal the value bound to the browser; when the
 *   IdP advertises RFC 9207, `iss` must match too (security.md O01, O02); PKCE S256 is sent
 *   as well, binding the code to this transaction (O09).
 * - userInfo with the configured `attributes_request_method`; its `sub` must equal the ID
 *   token's (OIDC Core §5.3.2, security.md N07).
 * Outbound HTTPS is trusted through the system CAs plus NODE_EXTRA_CA_CERTS (Node's fetch).
 */
import * as oidc from 'openid-client';
import type { IdentityProviderRecord } from '../cognito-idp/records.js';

/** Deadline for every call to the IdP, seconds (jose's 5 s, security.md N03/N06). */
export const UPSTREAM_TIMEOUT_SECONDS = 5;

export class UpstreamError extends Error {
  constructor(message: string, readonly detail: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UpstreamError';
  }
}

export interface UpstreamIdentity {
  subject: string;
  issuer: string;
  /** ID-token claims overlaid with userInfo claims (userInfo wins, it is the attributes source). */
  claims: Record<string, unknown>;
}

export interface UpstreamClient {
  /** The IdP authorization URL for one browser transaction. */
  authorizationUrl(idp: IdentityProviderRecord, input: { redirectUri: string; state: string; nonce: string; codeVerifier: string }): Promise<string>;
  /** Redeems the code that came back to `callbackUrl` and returns the verified identity. */
  complete(
    idp: IdentityProviderRecord,
    input: { callbackUrl: URL; state: string; nonce: string; codeVerifier: string },
  ): Promise<UpstreamIdentity>;
}

export interface UpstreamOptions {
  /** Extra hooks run on every Configuration (tests: `allowInsecureRequests` for an http IdP). */
  configure?: Array<(config: oidc.Configuration) => void>;
  /** Epoch ms (default Date.now); ages the cached configurations. */
  now?: () => number;
}

/** Upstream configurations kept (one per IdP version), least recently used evicted beyond this. */
export const MAX_UPSTREAM_CONFIGS = 256;
/** A discovered configuration is re-discovered after this long (an IdP's endpoints or keys may move). */
export const UPSTREAM_CONFIG_MAX_AGE_MS = 60 * 60_000;

function detailsOf(idp: IdentityProviderRecord): { issuer: string; clientId: string; clientSecret?: string; scopes: string; method: 'GET' | 'POST' } {
  const d = idp.providerDetails;
  const issuer = d.oidc_issuer;
  const clientId = d.client_id;
  if (!issuer || !clientId) throw new UpstreamError(`${idp.providerName} is missing oidc_issuer or client_id`);
  return {
    issuer,
    clientId,
    ...(d.client_secret ? { clientSecret: d.client_secret } : {}),
    scopes: d.authorize_scopes ?? 'openid',
    method: d.attributes_request_method === 'POST' ? 'POST' : 'GET',
  };
}

export function createUpstreamClient(options: UpstreamOptions = {}): UpstreamClient {
  // One Configuration per IdP version; failures are not cached so an IdP that was down is
  // retried on the next sign-in.
  // Bounded: at most MAX_UPSTREAM_CONFIGS entries, each at most UPSTREAM_CONFIG_MAX_AGE_MS old.
  const configs = new Map<string, { config: Promise<oidc.Configuration>; at: number }>();
  const now = options.now ?? Date.now;

  function configure(config: oidc.Configuration): void {
    oidc.enableNonRepudiationChecks(config);
    config.timeout = UPSTREAM_TIMEOUT_SECONDS;
    for (const hook of options.configure ?? []) hook(config);
  }

  function configurationFor(idp: IdentityProviderRecord): Promise<oidc.Configuration> {
    const key = `${idp.userPoolId}\u0000${idp.providerName}\u0000${idp.lastModifiedAt}\u0000${JSON.stringify(idp.providerDetails)}`;
    const cached = configs.get(key);
    if (cached && now() - cached.at < UPSTREAM_CONFIG_MAX_AGE_MS) {
      configs.delete(key);
      configs.set(key, cached);
      return cached.config;
    }
    const found = (async () => {
      const d = detailsOf(idp);
      const auth = oidc.ClientSecretPost(d.clientSecret);
      const metadata = d.clientSecret ? { client_secret: d.clientSecret } : {};
      const p = idp.providerDetails;
      if (p.authorize_url && p.token_url && p.jwks_uri) {
        const config = new oidc.Configuration(
          {
            issuer: d.issuer,
            authorization_endpoint: p.authorize_url,
            token_endpoint: p.token_url,
            jwks_uri: p.jwks_uri,
            ...(p.attributes_url ? { userinfo_endpoint: p.attributes_url } : {}),
          },
          d.clientId,
          metadata,
          auth,
        );
        configure(config);
        return config;
      }
      try {
        return await oidc.discovery(new URL(d.issuer), d.clientId, metadata, auth, {
          execute: [configure],
          timeout: UPSTREAM_TIMEOUT_SECONDS,
        });
      } catch (err) {
        throw new UpstreamError(`Discovery at ${d.issuer} failed`, { issuer: d.issuer, error: describe(err) }, { cause: err });
      }
    })();
    const entry = { config: found, at: now() };
    found.catch(() => {
      if (configs.get(key) === entry) configs.delete(key);
    });
    configs.delete(key);
    configs.set(key, entry);
    while (configs.size > MAX_UPSTREAM_CONFIGS) configs.delete(configs.keys().next().value as string);
    return found;
  }

  return {
    async authorizationUrl(idp, input) {
      const config = await configurationFor(idp);
      const d = detailsOf(idp);
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: input.redirectUri,
        response_type: 'code',
        scope: d.scopes,
        state: input.state,
        nonce: input.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(input.codeVerifier),
        code_challenge_method: 'S256',
      });
      return url.href;
    },

    async complete(idp, input) {
      const config = await configurationFor(idp);
      const d = detailsOf(idp);
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(config, input.callbackUrl, {
          expectedState: input.state,
          expectedNonce: input.nonce,
          pkceCodeVerifier: input.codeVerifier,
          idTokenExpected: true,
        });
      } catch (err) {
        throw new UpstreamError(`${idp.providerName} Error - error getting token`, { error: describe(err) }, { cause: err });
      }
      const idClaims = tokens.claims();
      if (!idClaims) throw new UpstreamError(`${idp.providerName} returned no ID token`);
      const subject = idClaims.sub;
      let claims: Record<string, unknown> = { ...idClaims };
      const userinfoEndpoint = config.serverMetadata().userinfo_endpoint;
      if (userinfoEndpoint) {
        try {
          let info: Record<string, unknown>;
          if (d.method === 'GET') {
            info = await oidc.fetchUserInfo(config, tokens.access_token, subject);
          } else {
            const response = await oidc.fetchProtectedResource(config, tokens.access_token, new URL(userinfoEndpoint), 'POST');
            if (!response.ok) throw new UpstreamError(`userInfo answered ${response.status}`);
            const parsed: unknown = await response.json();
            if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UpstreamError('userInfo is not a JSON object');
            info = parsed as Record<string, unknown>;
            if (info.sub !== subject) throw new UpstreamError('userInfo sub does not match the ID token', { expected: subject, actual: info.sub });
          }
          claims = { ...claims, ...info };
        } catch (err) {
          throw new UpstreamError(`${idp.providerName} Error - error getting user attributes`, { error: describe(err) }, { cause: err });
        }
      }
      return { subject, issuer: idClaims.iss, claims };
    },
  };
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${typeof code === 'string' ? `${code} ` : ''}${err.message}${cause}`;
  }
  return String(err);
}
