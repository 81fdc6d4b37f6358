/**
 * The workloads (issue #5): each builds, before its timed phase, the requests the load generator
 * sends. "warm" variants repeat one request (same token: whatever Tessera caches on the request
 * path — JWKS keys per issuer, parsed policies — stays hot); "distinct" variants send a different
 * pre-signed RS256 token on every request, each for a different stored identity, so nothing
 * keyed by the token or the identity can be reused. Tessera remembers decoded tokens and the key
 * that verified them (src/tokens/jws.ts), so warm vs distinct shows that memo's hit against a
 * miss on every request (decode + RS256 check), plus the per-identity storage reads.
 *
 * `comparable` names the moto workload the figure is compared with (moto accepts any token, so
 * its warm figure stands for both).
 */
import { jsonRequest, queryRequest, signRequest } from './wire.mjs';
import { REGION } from './fixture.mjs';

const CI = 'AWSCognitoIdentityService';
const IDP = 'AWSCognitoIdentityProviderService';

const repeat = (req) => () => req;
const fromList = (list) => {
  let i = 0;
  return () => list[i++];
};

/** mulberry32: a small seeded PRNG, so the identities a run picks are reproducible. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const logins = (c, token) => ({ [c.providerKey]: token });

/**
 * ctx: { url, poolId, providerKey, webRole, token(sub), existing: {subject, identityId},
 *        sample: [{subject, identityId}], vended, userPool, runId, signSts (moto: route STS by signature) }
 * build(ctx, n) returns next(); n is the number of distinct requests to pre-build.
 */
export const WORKLOADS = [
  {
    key: 'guest-getid',
    label: 'guest GetId (new guest identity per call)',
    cache: '—',
    build: (c) => repeat(jsonRequest(`${CI}.GetId`, { IdentityPoolId: c.poolId })),
  },
  {
    key: 'getid-existing-warm',
    label: 'GetId, existing identity, RS256 token',
    cache: 'warm',
    build: (c) => repeat(jsonRequest(`${CI}.GetId`, { IdentityPoolId: c.poolId, Logins: logins(c, c.token(c.existing.subject)) })),
  },
  {
    key: 'getid-existing-distinct',
    label: 'GetId, existing identity, RS256 token',
    cache: 'distinct',
    distinctOf: 'getid-existing-warm',
    comparable: 'getid-existing-warm',
    build: (c, n) => {
      const pick = prng(11);
      return fromList(Array.from({ length: n }, () => {
        const s = c.sample[Math.floor(pick() * c.sample.length)];
        return jsonRequest(`${CI}.GetId`, { IdentityPoolId: c.poolId, Logins: logins(c, c.token(s.subject)) });
      }));
    },
  },
  {
    key: 'first-signin',
    label: 'first sign-in: GetId, new subject per call (verify + insert)',
    cache: 'distinct',
    distinctOf: 'guest-getid',
    build: (c, n) =>
      fromList(Array.from({ length: n }, (_, i) => jsonRequest(`${CI}.GetId`, { IdentityPoolId: c.poolId, Logins: logins(c, c.token(`new-${c.runId}-${i}`)) }))),
  },
  {
    key: 'gcfi-warm',
    label: 'GetCredentialsForIdentity, RS256 token',
    cache: 'warm',
    build: (c) => repeat(jsonRequest(`${CI}.GetCredentialsForIdentity`, { IdentityId: c.existing.identityId, Logins: logins(c, c.token(c.existing.subject)) })),
  },
  {
    key: 'gcfi-distinct',
    label: 'GetCredentialsForIdentity, RS256 token',
    cache: 'distinct',
    distinctOf: 'gcfi-warm',
    comparable: 'gcfi-warm',
    build: (c, n) => {
      const pick = prng(23);
      return fromList(Array.from({ length: n }, () => {
        const s = c.sample[Math.floor(pick() * c.sample.length)];
        return jsonRequest(`${CI}.GetCredentialsForIdentity`, { IdentityId: s.identityId, Logins: logins(c, c.token(s.subject)) });
      }));
    },
  },
  {
    key: 'openid-warm',
    label: 'GetOpenIdToken, RS256 token',
    cache: 'warm',
    build: (c) => repeat(jsonRequest(`${CI}.GetOpenIdToken`, { IdentityId: c.existing.identityId, Logins: logins(c, c.token(c.existing.subject)) })),
  },
  {
    key: 'openid-distinct',
    label: 'GetOpenIdToken, RS256 token',
    cache: 'distinct',
    distinctOf: 'openid-warm',
    comparable: 'openid-warm',
    build: (c, n) => {
      const pick = prng(37);
      return fromList(Array.from({ length: n }, () => {
        const s = c.sample[Math.floor(pick() * c.sample.length)];
        return jsonRequest(`${CI}.GetOpenIdToken`, { IdentityId: s.identityId, Logins: logins(c, c.token(s.subject)) });
      }));
    },
  },
  {
    key: 'arwwi-warm',
    label: 'AssumeRoleWithWebIdentity, RS256 token',
    cache: 'warm',
    build: async (c) => repeat(await sts(c, arwwi(c, c.existing.subject))),
  },
  {
    key: 'arwwi-distinct',
    label: 'AssumeRoleWithWebIdentity, RS256 token',
    cache: 'distinct',
    distinctOf: 'arwwi-warm',
    comparable: 'arwwi-warm',
    build: async (c, n) => {
      const pick = prng(41);
      const list = [];
      for (let i = 0; i < n; i++) list.push(await sts(c, arwwi(c, c.sample[Math.floor(pick() * c.sample.length)].subject)));
      return fromList(list);
    },
  },
  {
    key: 'arwwi-cold',
    label: 'AssumeRoleWithWebIdentity, RS256 token + a different inline session policy per call (policy cache defeated)',
    cache: 'distinct + cold policy',
    distinctOf: 'arwwi-warm',
    comparable: 'arwwi-warm',
    build: async (c, n) => {
      const pick = prng(43);
      const list = [];
      // Trust policies cannot defeat the parsed-policy cache (at most 1000 roles per account, the
      // cache holds 2000), but the caller-supplied session Policy is parsed through it too: a
      // different text on every call always misses.
      for (let i = 0; i < n; i++) {
        const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: `Call${i}`, Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bench-${i}/*` }] });
        list.push(await sts(c, arwwi(c, c.sample[Math.floor(pick() * c.sample.length)].subject, { Policy: policy })));
      }
      return fromList(list);
    },
  },
  {
    key: 'gci-signed',
    label: 'GetCallerIdentity, SigV4 with vended credentials',
    cache: '—',
    build: async (c) =>
      repeat(await signRequest(queryRequest({ Action: 'GetCallerIdentity', Version: '2011-06-15' }), { url: c.url, service: 'sts', region: REGION, credentials: c.vended })),
  },
  {
    key: 'initiate-auth',
    label: 'user pool InitiateAuth USER_PASSWORD_AUTH, the same user (password memo)',
    cache: 'warm',
    unavailable: (c) => c.userPool?.unavailable,
    build: (c) => repeat(initiateAuth(c, c.userPool.username)),
  },
  {
    // A different user on every request, cycling through more users than Tessera's password memo
    // keeps (10,000), so every request derives scrypt: what a crowd of distinct sign-ins costs.
    key: 'initiate-auth-distinct',
    label: 'user pool InitiateAuth USER_PASSWORD_AUTH, a different user per call (scrypt)',
    cache: 'distinct',
    distinctOf: 'initiate-auth',
    comparable: 'initiate-auth',
    unavailable: (c) => c.userPool?.unavailable ?? (c.userPool?.others?.length ? undefined : 'no cloned users (the bench seeds them on Tessera only)'),
    build: (c, n) => {
      const others = c.userPool.others;
      return fromList(Array.from({ length: n }, (_, i) => initiateAuth(c, others[i % others.length])));
    },
  },
];

function initiateAuth(c, username) {
  return jsonRequest(`${IDP}.InitiateAuth`, {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: c.userPool.clientId,
    AuthParameters: { USERNAME: username, PASSWORD: c.userPool.password },
  });
}

function arwwi(c, subject, extra = {}) {
  return queryRequest({
    Action: 'AssumeRoleWithWebIdentity',
    Version: '2011-06-15',
    RoleArn: c.webRole,
    RoleSessionName: 'bench',
    WebIdentityToken: c.token(subject),
    ...extra,
  });
}

/** AssumeRoleWithWebIdentity is unsigned (the SDK sends it so); moto routes STS only by a signature. */
async function sts(c, req) {
  return c.signSts ? signRequest(req, { url: c.url, service: 'sts', region: REGION, credentials: c.vended }) : req;
}
