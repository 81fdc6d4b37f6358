/**
 * Identity-pool login verification (aws-surface.md §4.2/§4.3) against a real HTTPS OpenID issuer
 * on 127.0.0.1 (test/helpers/issuer.ts) registered in an IAM-like directory, against tokens from
 * a real Tessera signing ring, and with a user-pool verifier plugged in.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Refusal } from '../../../src/errors/index.js';
import { createSigningKeyRing, type SigningKeyRing } from '../../../src/keys/signing-keys.js';
import { createOidcVerifier } from '../../../src/tokens/oidc.js';
import { createLoginVerifier, LOGIN_MESSAGES, type LoginVerifierDeps, type PoolLoginConfig, type UserPoolTokenVerifier } from '../../../src/tokens/logins/index.js';
import { createMemoryStorage } from '../credentials/memory-storage.js';
import { createIntrospectionCache, type SocialKey, type SocialVerifier, type SocialVerifiers } from '../../../src/tokens/social/index.js';
import { startIssuer, type TestIssuer } from '../../helpers/issuer.js';

const NOW = new Date();
const now = Math.floor(NOW.getTime() / 1000);
const clock = () => NOW;
const PUBLIC_URL = 'http://127.0.0.1:4590';
const REGION = 'us-east-1';
const POOL_ID = 'us-east-1:11111111-2222-3333-4444-555555555555';
const USER_POOL = 'us-east-1_AbCdEf123';
const USER_POOL_KEY = `cognito-idp.${REGION}.amazonaws.com/${USER_POOL}`;
const USER_POOL_TESSERA_KEY = `127.0.0.1:4590/${USER_POOL}`;

let idp: TestIssuer;
let other: TestIssuer;
let key: string;
let arn: string;
let openIdKeys: SigningKeyRing;
let userPoolKeys: SigningKeyRing;
const iamCalls: string[] = [];

before(async () => {
  idp = await startIssuer({ path: '/tenant' });
  other = await startIssuer({ path: '/other' });
  key = idp.url.slice('https://'.length);
  arn = `arn:aws:iam::123456789012:oidc-provider/${key}`;
  const storage = createMemoryStorage();
  openIdKeys = createSigningKeyRing({ storage, clock, name: 'openid', maxTokenLifetimeSeconds: 86_400 });
  userPoolKeys = createSigningKeyRing({ storage, clock, name: 'userpool', maxTokenLifetimeSeconds: 86_400 });
});
after(async () => {
  await idp.close();
  await other.close();
});

const iam: LoginVerifierDeps['iam'] = {
  async getOidcProviderByUrl(url) {
    iamCalls.push(url);
    const providers = [
      { arn, url: key, clientIds: ['client-a', 'client-b'], thumbprints: [idp.thumbprint] },
      { arn: `arn:aws:iam::123456789012:oidc-provider/${other.url.slice(8)}`, url: other.url.slice(8), clientIds: ['client-a'], thumbprints: [other.thumbprint] },
    ];
    return providers.find((p) => p.url === url);
  },
};

/** A user-pool verifier of the shape a later issue will provide: tokens signed by a Tessera ring with iss = publicUrl/poolId. */
function userPools(calls: Array<{ poolId: string; serverSideTokenCheck?: boolean }> = []): UserPoolTokenVerifier {
  return {
    async verifyIdToken(poolId, token, options) {
      calls.push({ poolId, ...(options?.serverSideTokenCheck !== undefined ? { serverSideTokenCheck: options.serverSideTokenCheck } : {}) });
      const { claims } = await userPoolKeys.verifyJwt(token, { issuer: `${PUBLIC_URL}/${poolId}` });
      return { claims };
    },
  };
}

function verifier(extra: Partial<LoginVerifierDeps> = {}) {
  return createLoginVerifier({ iam, oidc: createOidcVerifier({ clock }), openIdKeys, publicUrl: PUBLIC_URL, region: REGION, clock, ...extra });
}

function pool(overrides: Partial<PoolLoginConfig> = {}): PoolLoginConfig {
  return {
    identityPoolId: POOL_ID,
    openIdConnectProviderArns: [arn],
    cognitoIdentityProviders: [{ providerName: USER_POOL_KEY, clientId: 'app-client-1' }],
    supportedLoginProviders: { 'accounts.google.com': 'google-client-id' },
    samlProviderArns: ['arn:aws:iam::123456789012:saml-provider/Corp'],
    developerProviderName: 'login.example.app',
    ...overrides,
  };
}

function notAuthorized(message: string, check: string) {
  return (e: unknown) => {
    assert.ok(e instanceof Refusal, `expected a Refusal, got ${e instanceof Error ? e.stack : String(e)}`);
    assert.equal(e.kind, 'NotAuthorized', `kind; reason ${JSON.stringify(e.reason)}`);
    assert.equal(e.message, message);
    assert.equal(e.reason.check, check, `reason: ${JSON.stringify(e.reason)}`);
    return true;
  };
}

// ---- generic OpenID Connect -------------------------------------------------------------------

test('accepts an OIDC ID token under the provider URL key and reports ARN and URL as role-mapping keys', async () => {
  const [login] = await verifier().verify({ [key]: idp.sign(idp.claims({ email: 'a@example.com' }, NOW)) }, pool());
  assert.deepEqual(
    { ...login!, claims: undefined },
    { providerKey: key, providerKind: 'oidc', subject: 'user-1234', claims: undefined, roleMappingKey: arn, roleMappingKeys: [arn, key], publicProvider: true, expiresAt: now + 3600 },
  );
  assert.equal(login!.claims.email, 'a@example.com');
});

test('uses azp as the audience when present: accepted when azp is a client id even if aud is not', async () => {
  const [login] = await verifier().verify({ [key]: idp.sign(idp.claims({ aud: 'someone-else', azp: 'client-b' }, NOW)) }, pool());
  assert.equal(login!.subject, 'user-1234');
  await assert.rejects(
    verifier().verify({ [key]: idp.sign(idp.claims({ aud: 'client-a', azp: 'intruder' }, NOW)) }, pool()),
    notAuthorized(LOGIN_MESSAGES.wrongAudience, 'jwt.azp'),
  );
});

test('rejects a token whose aud is not in the provider\'s ClientIDList', async () => {
  await assert.rejects(verifier().verify({ [key]: idp.sign(idp.claims({ aud: 'client-z' }, NOW)) }, pool()), notAuthorized(LOGIN_MESSAGES.wrongAudience, 'jwt.aud'));
});

test('rejects a token without aud or azp with "Missing a required claim: aud"', async () => {
  await assert.rejects(verifier().verify({ [key]: idp.sign(idp.claims({ aud: undefined }, NOW)) }, pool()), notAuthorized('Invalid login token. Missing a required claim: aud', 'jwt.aud'));
});

test('rejects a token whose iss is not https:// + the Logins key, before fetching any key', async () => {
  const fetchesBefore = idp.jwksRequests + idp.discoveryRequests;
  const token = idp.sign(idp.claims({ iss: `${idp.url}/../tenant` }, NOW));
  await assert.rejects(verifier().verify({ [key]: token }, pool()), notAuthorized("Invalid login token. Issuer doesn't match providerName", 'jwt.iss'));
  // A token of another configured provider offered under this key.
  await assert.rejects(verifier().verify({ [key]: other.sign(other.claims({}, NOW)) }, pool()), notAuthorized("Invalid login token. Issuer doesn't match providerName", 'jwt.iss'));
  assert.equal(idp.jwksRequests + idp.discoveryRequests, fetchesBefore);
});

test('rejects an expired token with "Token expired: <now> >= <exp>" after five minutes of skew', async () => {
  const exp = now - 301;
  await assert.rejects(
    verifier().verify({ [key]: idp.sign(idp.claims({ iat: exp - 600, exp }, NOW)) }, pool()),
    notAuthorized(`Invalid login token. Token expired: ${now} >= ${exp}`, 'jwt.exp'),
  );
  const [login] = await verifier().verify({ [key]: idp.sign(idp.claims({ iat: now - 900, exp: now - 299 }, NOW)) }, pool());
  assert.equal(login!.subject, 'user-1234');
});

test('rejects a bad signature, an unknown kid and garbage with Cognito\'s texts', async () => {
  const [h, p, s] = idp.sign(idp.claims({}, NOW)).split('.') as [string, string, string];
  const forged = `${h}.${Buffer.from(JSON.stringify(idp.claims({ sub: 'admin' }, NOW))).toString('base64url')}.${s}`;
  await assert.rejects(verifier().verify({ [key]: forged }, pool()), notAuthorized("Invalid login token. Couldn't verify signed token.", 'jwt.signature'));
  const unknownKid = idp.signRaw(JSON.stringify({ alg: 'RS256', kid: 'nope' }), JSON.stringify(idp.claims({}, NOW)), { kid: 'rsa-1' });
  await assert.rejects(verifier().verify({ [key]: unknownKid }, pool()), notAuthorized("Invalid login token. Couldn't verify signed token.", 'jwt.kid'));
  void p;
  await assert.rejects(verifier().verify({ [key]: 'not-a-jwt' }, pool()), notAuthorized(LOGIN_MESSAGES.notAToken, 'jwt.format'));
  await assert.rejects(verifier().verify({ [key]: '' }, pool()), notAuthorized(LOGIN_MESSAGES.notAToken, 'login.token'));
});

test('an IdP whose JWKS cannot be fetched yields an ExternalService refusal', async () => {
  idp.route('/tenant/jwks', (_req, res) => res.writeHead(503).end());
  try {
    await assert.rejects(verifier().verify({ [key]: idp.sign(idp.claims({}, NOW)) }, pool()), (e: unknown) => {
      assert.ok(e instanceof Refusal);
      assert.equal(e.kind, 'ExternalService');
      return true;
    });
  } finally {
    idp.route('/tenant/jwks', undefined);
  }
});

test('rejects an OIDC provider the pool does not list, even though IAM knows it', async () => {
  await assert.rejects(
    verifier().verify({ [key]: idp.sign(idp.claims({}, NOW)) }, pool({ openIdConnectProviderArns: ['arn:aws:iam::123456789012:oidc-provider/elsewhere.test'] })),
    notAuthorized('Token is not from a supported provider of this identity pool.', 'login.provider'),
  );
});

test('an OIDC provider the pool lists wins over a SupportedLoginProviders entry with the same key', async () => {
  const [login] = await verifier().verify({ [key]: idp.sign(idp.claims({}, NOW)) }, pool({ supportedLoginProviders: { [key]: 'x' } }));
  assert.equal(login!.providerKind, 'oidc');
});

// ---- several logins ---------------------------------------------------------------------------

test('verifies every entry: one invalid token fails the whole call, reporting the first failing key in request order', async () => {
  const good = idp.sign(idp.claims({}, NOW));
  const dev = await developerToken();
  await assert.rejects(
    verifier().verify({ 'cognito-identity.amazonaws.com': dev, [key]: idp.sign(idp.claims({ aud: 'client-z' }, NOW)), 'unknown.example': 'x.y.z' }, pool()),
    notAuthorized(LOGIN_MESSAGES.wrongAudience, 'jwt.aud'),
  );
  const both = await verifier().verify({ [key]: good, 'cognito-identity.amazonaws.com': dev }, pool());
  assert.deepEqual(both.map((l) => l.providerKind), ['oidc', 'cognito-identity']);
});

test('refuses more than 10 logins', async () => {
  const logins = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`p${i}.example`, 'x']));
  await assert.rejects(verifier().verify(logins, pool()), notAuthorized(LOGIN_MESSAGES.tooManyLogins, 'logins.count'));
  assert.deepEqual(await verifier().verify({}, pool()), []);
});

// ---- Tessera's own tokens -------------------------------------------------------------------

async function developerToken(claims: Record<string, unknown> = {}) {
  return openIdKeys.signJwt({
    iss: PUBLIC_URL,
    sub: 'us-east-1:aaaaaaaa-0000-0000-0000-000000000001',
    aud: POOL_ID,
    amr: ['authenticated', 'login.example.app', 'login.example.app:us-east-1:11111111-2222-3333-4444-555555555555:dev-user-7'],
    'https://aws.amazon.com/tags': { principal_tags: { team: ['blue'], level: ['3'] } },
    iat: now,
    exp: now + 900,
    ...claims,
  });
}

test('accepts a developer OpenID token under cognito-identity.amazonaws.com with its identity, amr and principal tags', async () => {
  const [login] = await verifier().verify({ 'cognito-identity.amazonaws.com': await developerToken() }, pool());
  assert.equal(login!.providerKind, 'cognito-identity');
  assert.equal(login!.providerKey, 'cognito-identity.amazonaws.com');
  assert.equal(login!.identityId, 'us-east-1:aaaaaaaa-0000-0000-0000-000000000001');
  assert.equal(login!.subject, login!.identityId);
  assert.deepEqual(login!.amr?.slice(0, 2), ['authenticated', 'login.example.app']);
  assert.deepEqual(login!.principalTags, { team: 'blue', level: '3' });
  assert.equal(typeof login!.expiresAt, 'number', 'the verified login carries the token expiry');
  assert.equal(login!.publicProvider, false);
});

test('rejects Tessera tokens of another pool, another issuer, expired, unauthenticated or signed by another key', async () => {
  const logins = (token: string) => ({ 'cognito-identity.amazonaws.com': token });
  await assert.rejects(verifier().verify(logins(await developerToken({ aud: 'us-east-1:99999999-2222-3333-4444-555555555555' })), pool()), notAuthorized(LOGIN_MESSAGES.wrongAudience, 'jwt.aud'));
  await assert.rejects(verifier().verify(logins(await developerToken({ iss: 'https://cognito-identity.amazonaws.com' })), pool()), notAuthorized(LOGIN_MESSAGES.issuerMismatch, 'jwt.iss'));
  await assert.rejects(verifier().verify(logins(await developerToken({ iat: now - 1300, exp: now - 400 })), pool()), notAuthorized(`Invalid login token. Token expired: ${now} >= ${now - 400}`, 'jwt.exp'));
  await assert.rejects(verifier().verify(logins(await developerToken({ amr: ['unauthenticated'] })), pool()), notAuthorized(LOGIN_MESSAGES.unauthenticatedToken, 'jwt.amr'));
  const stranger = createSigningKeyRing({ storage: createMemoryStorage(), clock, name: 'openid', maxTokenLifetimeSeconds: 900 });
  const foreign = await stranger.signJwt({ iss: PUBLIC_URL, sub: 'us-east-1:x', aud: POOL_ID, amr: ['authenticated'], iat: now, exp: now + 900 });
  await assert.rejects(verifier().verify(logins(foreign), pool()), notAuthorized(LOGIN_MESSAGES.badSignature, 'jwt.kid'));
});

// ---- user pools -------------------------------------------------------------------------------

async function idToken(claims: Record<string, unknown> = {}) {
  return userPoolKeys.signJwt({ iss: `${PUBLIC_URL}/${USER_POOL}`, sub: 'up-user-1', aud: 'app-client-1', token_use: 'id', 'cognito:groups': ['admins'], iat: now, exp: now + 3600, ...claims });
}

test('without a user-pool verifier, a configured user-pool key is refused as not supported', async () => {
  await assert.rejects(verifier().verify({ [USER_POOL_KEY]: await idToken() }, pool()), notAuthorized(LOGIN_MESSAGES.notSupported, 'login.user-pool'));
});

test('a user-pool key the identity pool does not list is not supported', async () => {
  const key2 = `cognito-idp.${REGION}.amazonaws.com/us-east-1_Other99`;
  await assert.rejects(verifier({ userPools: userPools() }).verify({ [key2]: await idToken() }, pool()), notAuthorized(LOGIN_MESSAGES.notSupported, 'login.provider'));
});

test('accepts a user-pool ID token under either key spelling, with the canonical provider key and <providerName>:<clientId> mapping key', async () => {
  const calls: Array<{ poolId: string; serverSideTokenCheck?: boolean }> = [];
  const v = verifier({ userPools: userPools(calls) });
  const cfg = pool({ cognitoIdentityProviders: [{ providerName: USER_POOL_KEY, clientId: 'app-client-1', serverSideTokenCheck: true }] });
  const [viaAws] = await v.verify({ [USER_POOL_KEY]: await idToken() }, cfg);
  const [viaTessera] = await v.verify({ [USER_POOL_TESSERA_KEY]: await idToken() }, cfg);
  for (const login of [viaAws!, viaTessera!]) {
    assert.equal(login.providerKind, 'user-pool');
    assert.equal(login.providerKey, USER_POOL_KEY);
    assert.equal(login.subject, 'up-user-1');
    assert.equal(login.roleMappingKey, `${USER_POOL_KEY}:app-client-1`);
    assert.deepEqual(login.roleMappingKeys, [`${USER_POOL_KEY}:app-client-1`, `${USER_POOL_TESSERA_KEY}:app-client-1`]);
    assert.deepEqual(login.claims['cognito:groups'], ['admins']);
  }
  assert.deepEqual(calls, [{ poolId: USER_POOL, serverSideTokenCheck: true }, { poolId: USER_POOL, serverSideTokenCheck: true }]);
});

test('user-pool tokens: an unconfigured app client is not supported, an access token lacks aud, another pool\'s token mismatches the issuer', async () => {
  const v = verifier({ userPools: userPools() });
  await assert.rejects(v.verify({ [USER_POOL_KEY]: await idToken({ aud: 'app-client-2' }) }, pool()), notAuthorized(LOGIN_MESSAGES.notSupported, 'jwt.aud'));
  await assert.rejects(v.verify({ [USER_POOL_KEY]: await idToken({ aud: undefined, token_use: 'access', client_id: 'app-client-1' }) }, pool()), notAuthorized(LOGIN_MESSAGES.missingAud, 'jwt.aud'));
  await assert.rejects(v.verify({ [USER_POOL_KEY]: await idToken({ iss: `${PUBLIC_URL}/us-east-1_Other99` }) }, pool()), notAuthorized(LOGIN_MESSAGES.issuerMismatch, 'jwt.iss'));
  const wrongRegion = `cognito-idp.eu-west-1.amazonaws.com/${USER_POOL}`;
  await assert.rejects(
    v.verify({ [wrongRegion]: await idToken() }, pool({ cognitoIdentityProviders: [{ providerName: wrongRegion, clientId: 'app-client-1' }] })),
    notAuthorized(LOGIN_MESSAGES.issuerMismatch, 'jwt.iss'),
  );
});

test('refuses the same user pool under both spellings in one call', async () => {
  await assert.rejects(
    verifier({ userPools: userPools() }).verify({ [USER_POOL_KEY]: await idToken(), [USER_POOL_TESSERA_KEY]: await idToken() }, pool()),
    notAuthorized(LOGIN_MESSAGES.duplicateProvider, 'logins.duplicate-provider'),
  );
});

// ---- not (yet) verifiable ---------------------------------------------------------------------

test('social, SAML, the developer provider name and unknown keys are refused as not supported, each with its own reason', async () => {
  const cases: Array<[string, string]> = [
    ['accounts.google.com', 'login.social'],
    ['arn:aws:iam::123456789012:saml-provider/Corp', 'login.saml'],
    ['login.example.app', 'login.developer-provider'],
    ['graph.facebook.com', 'login.provider'],
  ];
  for (const [k, check] of cases) {
    await assert.rejects(verifier().verify({ [k]: 'token' }, pool()), notAuthorized('Token is not from a supported provider of this identity pool.', check), k);
  }
});

test('a key is looked up in IAM only when the pool lists OIDC providers', async () => {
  iamCalls.length = 0;
  await assert.rejects(verifier().verify({ 'unknown.example': 'x' }, pool({ openIdConnectProviderArns: [] })));
  assert.deepEqual(iamCalls, []);
});

// ---- social providers: the table routes a SupportedLoginProviders key to its provider's verifier ----

/** Social verifiers that record what they were asked and vouch for every token (the real ones are tested end to end in test/e2e/social). */
function recordingSocial(calls: Array<{ key: string; token: string; audiences: readonly string[] | 'any' }>): SocialVerifiers {
  const one = (key: SocialKey): SocialVerifier => ({
    key,
    async verify(token, audiences) {
      calls.push({ key, token, audiences });
      return { subject: `user-of-${token}`, audience: audiences === 'any' ? 'any' : audiences[0]!, claims: { sub: `user-of-${token}`, aud: 'app' }, expiresAt: now + 60 };
    },
  });
  return {
    'accounts.google.com': one('accounts.google.com'),
    'appleid.apple.com': one('appleid.apple.com'),
    'graph.facebook.com': one('graph.facebook.com'),
    'www.amazon.com': one('www.amazon.com'),
    'api.twitter.com': one('api.twitter.com'),
    cache: createIntrospectionCache({ clock }),
  };
}

test("routes a social key to its provider's verifier with the pool's value, and returns the one VerifiedLogin record", async () => {
  const calls: Array<{ key: string; token: string; audiences: readonly string[] | 'any' }> = [];
  const [login] = await verifier({ social: recordingSocial(calls) }).verify({ 'graph.facebook.com': 'fb-token' }, pool({ supportedLoginProviders: { 'graph.facebook.com': '111122223333' } }));
  assert.deepEqual(calls, [{ key: 'graph.facebook.com', token: 'fb-token', audiences: ['111122223333'] }]);
  assert.deepEqual(
    { ...login!, claims: undefined },
    { providerKey: 'graph.facebook.com', providerKind: 'facebook', subject: 'user-of-fb-token', claims: undefined, roleMappingKey: 'graph.facebook.com', roleMappingKeys: ['graph.facebook.com'], publicProvider: true, expiresAt: now + 60 },
  );
});

test('a social key the pool does not list is refused without asking the provider; an IAM OIDC provider key stays OIDC even when SupportedLoginProviders also lists it', async () => {
  const calls: Array<{ key: string; token: string; audiences: readonly string[] | 'any' }> = [];
  const social = recordingSocial(calls);
  await assert.rejects(verifier({ social }).verify({ 'www.amazon.com': 'tok' }, pool()), notAuthorized(LOGIN_MESSAGES.notSupported, 'login.provider'));
  assert.deepEqual(calls, []);
  // key is the test issuer's URL: listed both in OpenIdConnectProviderARNs and in SupportedLoginProviders, it stays OIDC.
  const [login] = await verifier({ social }).verify({ [key]: idp.sign(idp.claims({}, NOW)) }, pool({ supportedLoginProviders: { [key]: 'x' } }));
  assert.equal(login!.providerKind, 'oidc');
  assert.deepEqual(calls, []);
});
