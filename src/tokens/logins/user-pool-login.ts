/**
 * A Logins entry for a Cognito user pool: the pool lists the provider in CognitoIdentityProviders
 * (ProviderName, ClientId, ServerSideTokenCheck; aws-surface.md §4.2) and the token is the user
 * pool's ID token. Checks and texts per §4.3: iss must be the key's pool ("Issuer doesn't match
 * providerName"), an aud must be present ("Missing a required claim: aud" — what an access token
 * gets), and the aud must be a client id configured for that provider in this identity pool
 * ("Token is not from a supported provider of this identity pool."). Signature, lifetime and the
 * server-side check are the user-pool verifier's (a later issue), plugged in as `userPools`.
 */
import { decodeUnverified } from '../jws.js';
import { MESSAGES, mapTokenRefusal, notAuthorized } from './messages.js';
import type { LoginVerifierDeps, PoolLoginConfig, VerifiedLogin } from './types.js';
import { parseUserPoolKey, type UserPoolKey } from './user-pool-keys.js';

type Provider = PoolLoginConfig['cognitoIdentityProviders'][number];

/** The pool's CognitoIdentityProviders entries naming the same user pool as `parsed`, whichever spelling. */
export function configuredUserPoolProviders(parsed: UserPoolKey, pool: PoolLoginConfig, publicUrl: string, region: string): Provider[] {
  return pool.cognitoIdentityProviders.filter((p) => parseUserPoolKey(p.providerName, publicUrl, region)?.canonical === parsed.canonical);
}

export async function verifyUserPoolLogin(
  key: string,
  parsed: UserPoolKey,
  providers: Provider[],
  token: string,
  deps: Pick<LoginVerifierDeps, 'userPools' | 'decoder'>,
  now: () => number,
): Promise<VerifiedLogin> {
  const where = `Logins[${JSON.stringify(key)}]`;
  if (!deps.userPools) {
    throw notAuthorized(MESSAGES.notSupported, { check: 'login.user-pool', expected: 'a user-pool token verifier', actual: parsed.canonical, detail: `${where}: user-pool login verification is not available in this version` });
  }
  let unverified: Record<string, unknown>;
  try {
    unverified = decodeUnverified(token, deps.decoder).claims;
  } catch (e) {
    throw mapTokenRefusal(e, key, now());
  }
  if (typeof unverified.iss !== 'string' || !parsed.issuers.includes(unverified.iss)) {
    throw notAuthorized(MESSAGES.issuerMismatch, { check: 'jwt.iss', expected: parsed.issuers, actual: unverified.iss ?? 'absent', detail: where });
  }
  if (unverified.aud === undefined) {
    throw notAuthorized(MESSAGES.missingAud, { check: 'jwt.aud', expected: 'the app client id', actual: 'absent', detail: where });
  }
  const aud = unverified.aud;
  // A provider entry without ClientId accepts every app client of the user pool.
  const provider = providers.find((p) => p.clientId === undefined || p.clientId === aud);
  if (typeof aud !== 'string' || !provider) {
    throw notAuthorized(MESSAGES.notSupported, { check: 'jwt.aud', expected: providers.map((p) => p.clientId ?? '*'), actual: aud, detail: where });
  }
  let claims: Record<string, unknown>;
  let subject: unknown;
  try {
    ({ claims, subject } = await deps.userPools.verifyIdToken(parsed.userPoolId, token, { serverSideTokenCheck: provider.serverSideTokenCheck === true }));
  } catch (e) {
    throw mapTokenRefusal(e, key, now(), MESSAGES.notSupported);
  }
  // The verified claims must still say what the checks above read unverified.
  if (claims.iss !== unverified.iss || claims.aud !== aud) {
    throw notAuthorized(MESSAGES.issuerMismatch, { check: 'jwt.iss', expected: unverified.iss, actual: claims.iss, detail: `${where}: verified claims differ` });
  }
  const sub = subject ?? claims.sub;
  if (typeof sub !== 'string' || sub.length === 0) {
    throw notAuthorized(MESSAGES.notAToken, { check: 'jwt.sub', expected: 'a sub claim', actual: sub ?? 'absent', detail: where });
  }
  const roleMappingKey = `${provider.providerName}:${aud}`;
  const aliases = parsed.spellings.map((s) => `${s}:${aud}`);
  return {
    providerKey: parsed.canonical,
    providerKind: 'user-pool',
    subject: sub,
    claims,
    roleMappingKey,
    roleMappingKeys: [...new Set([roleMappingKey, ...aliases])],
    publicProvider: true,
    ...(typeof claims.exp === 'number' ? { expiresAt: claims.exp } : {}),
  };
}
