/**
 * The development OAuth 2.0 / OpenID providers: what each issues at its token endpoint and what
 * its server-to-server endpoints (on the HTTPS listener) answer, in the real providers' shapes:
 *  - OpenID Provider: discovery at `<origin>/oidc/.well-known/openid-configuration` (issuer and
 *    jwks_uri on the HTTPS listener, authorization and token endpoints on the main listener), RS256
 *    ID tokens with nonce, aud = the development client id;
 *  - Google, Apple: ID tokens with their real issuers (https://accounts.google.com,
 *    https://appleid.apple.com), JWKS at `/google/oauth2/v3/certs` and `/apple/auth/keys`;
 *  - Facebook: opaque user access tokens answered by Graph `/facebook/me` and `/facebook/app`;
 *  - Login with Amazon: opaque `Atza|…` access tokens answered by `/amazon/auth/o2/tokeninfo`
 *    (seconds remaining as exp) and `/amazon/user/profile`.
 * ID tokens live an hour; opaque access tokens an hour, in memory (bounded).
 */
import { createHash, createPublicKey, randomBytes, sign } from 'node:crypto';
import type { DevCertificate } from './certificates.js';
import type { DevHandler } from './listener.js';
import { createMemo } from './memo.js';
import type { CodeGrant, DevUser, OAuthProviderDef } from './oauth.js';

export const DEV_CLIENTS = Object.freeze({
  oidc: 'tessera-dev-oidc-client',
  /** The demo user pool's client at the development OP (confidential: client_secret_post). */
  oidcUserPool: 'tessera-dev-oidc-userpool',
  google: '000000000000-tesseradev.apps.googleusercontent.com',
  apple: 'dev.tessera.signin',
  facebookApp: '100000000000001',
  amazonClient: 'amzn1.application-oa2-client.tesseradev0000000000000000000',
  amazonApp: 'amzn1.application.tesseradev000000000000000000000',
});

const TOKEN_SECONDS = 3600;

/** A stable id of `user` at `provider` (the same email → the same subject, across restarts). */
export function subjectOf(provider: string, user: DevUser, digits = false): string {
  const hex = createHash('sha256').update(`${provider}\n${user.email.toLowerCase()}`).digest('hex');
  return digits ? BigInt(`0x${hex.slice(0, 15)}`).toString().padStart(18, '1') : hex.slice(0, 32);
}

export interface JwtSigner {
  readonly kid: string;
  readonly jwks: { keys: Array<Record<string, unknown>> };
  sign(claims: Record<string, unknown>): string;
}

export function jwtSigner(cert: DevCertificate): JwtSigner {
  const kid = cert.thumbprint.slice(0, 16);
  const jwk = { ...(createPublicKey(cert.privateKey).export({ format: 'jwk' }) as Record<string, unknown>), kid, alg: 'RS256', use: 'sig' };
  return {
    kid,
    jwks: { keys: [jwk] },
    sign(claims) {
      const input = `${Buffer.from(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      return `${input}.${sign('sha256', Buffer.from(input), cert.privateKey).toString('base64url')}`;
    },
  };
}

export interface DevOAuthProviders {
  readonly defs: readonly OAuthProviderDef[];
  readonly handlers: readonly DevHandler[];
  readonly oidcIssuer: string;
}

export function devOAuthProviders(deps: {
  origin: string;
  publicUrl: string;
  clock: () => Date;
  keys: { oidc: DevCertificate; google: DevCertificate; apple: DevCertificate };
  /** The secret of the development OP's confidential client (DEV_CLIENTS.oidcUserPool). */
  userPoolClientSecret: string;
}): DevOAuthProviders {
  const nowS = () => Math.floor(deps.clock().getTime() / 1000);
  const oidcIssuer = `${deps.origin}/oidc`;
  const signers = { oidc: jwtSigner(deps.keys.oidc), google: jwtSigner(deps.keys.google), apple: jwtSigner(deps.keys.apple) };
  const opaque = createMemo<{ provider: 'facebook' | 'amazon' | 'oidc'; user: DevUser; userId: string; expiresAt: number }>(deps.clock);

  const idTokenResponse = (idToken: string, scope: string) => ({ access_token: randomBytes(24).toString('base64url'), token_type: 'Bearer', expires_in: TOKEN_SECONDS, id_token: idToken, scope });
  const times = () => ({ iat: nowS(), exp: nowS() + TOKEN_SECONDS });
  const nonceOf = (g: CodeGrant) => (g.nonce !== undefined ? { nonce: g.nonce } : {});

  const defs: OAuthProviderDef[] = [
    {
      id: 'oidc',
      title: 'Tessera development OpenID Provider (development only)',
      clientId: DEV_CLIENTS.oidc,
      otherClients: { [DEV_CLIENTS.oidcUserPool]: { secret: deps.userPoolClientSecret } },
      idToken: true,
      issue: (g) => {
        const sub = subjectOf('oidc', g.user);
        const answer = idTokenResponse(
          signers.oidc.sign({ iss: oidcIssuer, sub, aud: g.clientId, ...times(), auth_time: nowS(), ...nonceOf(g), name: g.user.name, email: g.user.email, email_verified: true }),
          g.scope,
        );
        // The access token is good at the userinfo endpoint for its hour.
        opaque.set(answer.access_token, { provider: 'oidc', user: g.user, userId: sub, expiresAt: nowS() + TOKEN_SECONDS }, TOKEN_SECONDS);
        return answer;
      },
    },
    {
      id: 'google',
      title: 'Google (development stand-in)',
      standsInFor: 'Google',
      clientId: DEV_CLIENTS.google,
      idToken: true,
      issue: (g) =>
        idTokenResponse(
          signers.google.sign({ iss: 'https://accounts.google.com', azp: g.clientId, aud: g.clientId, sub: subjectOf('google', g.user, true), email: g.user.email, email_verified: true, name: g.user.name, ...nonceOf(g), ...times() }),
          g.scope,
        ),
    },
    {
      id: 'apple',
      title: 'Sign in with Apple (development stand-in)',
      standsInFor: 'Sign in with Apple',
      clientId: DEV_CLIENTS.apple,
      idToken: true,
      issue: (g) => {
        const hex = subjectOf('apple', g.user);
        return idTokenResponse(
          signers.apple.sign({ iss: 'https://appleid.apple.com', aud: g.clientId, sub: `000${hex.slice(0, 3)}.${hex}.${hex.slice(3, 7)}`, email: g.user.email, email_verified: 'true', is_private_email: 'false', auth_time: nowS(), nonce_supported: true, ...nonceOf(g), ...times() }),
          g.scope,
        );
      },
    },
    {
      id: 'facebook',
      title: 'Facebook Login (development stand-in)',
      standsInFor: 'Facebook Login',
      clientId: DEV_CLIENTS.facebookApp,
      idToken: false,
      issue: (g) => {
        const token = `EAAT${randomBytes(32).toString('base64url').replace(/[-_]/g, 'x')}`;
        opaque.set(token, { provider: 'facebook', user: g.user, userId: subjectOf('facebook', g.user, true), expiresAt: nowS() + TOKEN_SECONDS }, TOKEN_SECONDS);
        return { access_token: token, token_type: 'bearer', expires_in: TOKEN_SECONDS };
      },
    },
    {
      id: 'amazon',
      title: 'Login with Amazon (development stand-in)',
      standsInFor: 'Login with Amazon',
      clientId: DEV_CLIENTS.amazonClient,
      idToken: false,
      issue: (g) => {
        const token = `Atza|${randomBytes(48).toString('base64url')}`;
        opaque.set(token, { provider: 'amazon', user: g.user, userId: `amzn1.account.${subjectOf('amazon', g.user).toUpperCase().slice(0, 28)}`, expiresAt: nowS() + TOKEN_SECONDS }, TOKEN_SECONDS);
        return { access_token: token, token_type: 'bearer', expires_in: TOKEN_SECONDS, scope: g.scope || 'profile' };
      },
    },
  ];

  const fbError = { status: 400, body: { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: 'tessera-dev' } } };
  const known = (provider: 'facebook' | 'amazon' | 'oidc', token: string | null) => {
    const found = token ? opaque.get(token) : undefined;
    return found && found.provider === provider && found.expiresAt > nowS() ? found : undefined;
  };

  const handlers: DevHandler[] = [
    (url, req) => {
      if (req.method !== 'GET') return undefined;
      const p = url.pathname;
      switch (p) {
        case '/oidc/.well-known/openid-configuration':
          return {
            status: 200,
            body: {
              issuer: oidcIssuer,
              authorization_endpoint: `${deps.publicUrl}/_dev/oidc/authorize`,
              token_endpoint: `${deps.publicUrl}/_dev/oidc/token`,
              jwks_uri: `${deps.origin}/oidc/jwks`,
              userinfo_endpoint: `${deps.origin}/oidc/userinfo`,
              response_types_supported: ['code'],
              grant_types_supported: ['authorization_code'],
              subject_types_supported: ['public'],
              id_token_signing_alg_values_supported: ['RS256'],
              scopes_supported: ['openid', 'email', 'profile'],
              token_endpoint_auth_methods_supported: ['none'],
              code_challenge_methods_supported: ['S256'],
              claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'name', 'email', 'email_verified'],
            },
          };
        case '/oidc/jwks':
          return { status: 200, body: signers.oidc.jwks };
        case '/oidc/userinfo': {
          const auth = req.headers.authorization ?? '';
          const t = known('oidc', auth.startsWith('Bearer ') ? auth.slice(7) : null);
          if (!t) return { status: 401, body: { error: 'invalid_token', error_description: 'the access token is unknown or expired' } };
          return { status: 200, body: { sub: t.userId, name: t.user.name, email: t.user.email, email_verified: true } };
        }
        case '/google/oauth2/v3/certs':
          return { status: 200, body: signers.google.jwks };
        case '/apple/auth/keys':
          return { status: 200, body: signers.apple.jwks };
        case '/facebook/me': {
          const t = known('facebook', url.searchParams.get('access_token'));
          if (!t) return fbError;
          const fields = (url.searchParams.get('fields') ?? 'id,name').split(',');
          return { status: 200, body: { id: t.userId, ...(fields.includes('name') ? { name: t.user.name } : {}), ...(fields.includes('email') ? { email: t.user.email } : {}) } };
        }
        case '/facebook/app': {
          if (!known('facebook', url.searchParams.get('access_token'))) return fbError;
          return { status: 200, body: { id: DEV_CLIENTS.facebookApp, name: 'Tessera development app', link: `https://www.facebook.com/games/?app_id=${DEV_CLIENTS.facebookApp}` } };
        }
        case '/amazon/auth/o2/tokeninfo': {
          const t = known('amazon', url.searchParams.get('access_token'));
          if (!t) return { status: 400, body: { error_description: 'The request has an invalid parameter : access_token', error: 'invalid_token' } };
          return { status: 200, body: { iss: 'https://www.amazon.com', user_id: t.userId, aud: DEV_CLIENTS.amazonClient, app_id: DEV_CLIENTS.amazonApp, exp: t.expiresAt - nowS(), iat: t.expiresAt - TOKEN_SECONDS } };
        }
        case '/amazon/user/profile': {
          const auth = req.headers.authorization ?? '';
          const t = known('amazon', auth.startsWith('Bearer ') ? auth.slice(7) : url.searchParams.get('access_token'));
          if (!t) return { status: 401, body: { error_description: 'The access token you provided is invalid', error: 'invalid_token' } };
          return { status: 200, body: { user_id: t.userId, name: t.user.name, email: t.user.email } };
        }
        default:
          return undefined;
      }
    },
  ];
  return { defs, handlers, oidcIssuer };
}
