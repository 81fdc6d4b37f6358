/**
 * JWKS cache bounds (security.md N04, N05, N06, N09; reliability R6, R7) with an injected clock
 * against a real HTTPS issuer whose request counters show what actually went over the wire.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Refusal } from '../../../src/errors/index.js';
import { createJwksCache } from '../../../src/tokens/jwks-cache.js';
import { createOidcVerifier, type OidcProvider } from '../../../src/tokens/oidc.js';
import { startIssuer, type TestIssuer } from '../../helpers/issuer.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

async function withIssuer(fn: (ctx: {
  idp: TestIssuer;
  provider: OidcProvider;
  verify: (token: string) => Promise<unknown>;
  advance: (ms: number) => void;
  token: (kid?: string) => string;
}) => Promise<void>) {
  const idp = await startIssuer();
  let now = Date.now();
  const clock = () => new Date(now);
  const verifier = createOidcVerifier({ clock });
  const provider = { issuer: idp.url, clientIds: ['client-a'], thumbprints: [idp.thumbprint] };
  try {
    await fn({
      idp,
      provider,
      verify: (token) => verifier.verify(token, provider, { audience: 'aud' }),
      advance: (ms) => (now += ms),
      token: (kid = 'rsa-1') => idp.sign(idp.claims({}, clock()), { kid }),
    });
  } finally {
    await idp.close();
  }
}

const unknownKid = (e: unknown) => e instanceof Refusal && e.kind === 'InvalidToken' && e.reason.check === 'jwt.kid';

test('concurrent verifications on a cold cache share one discovery and one JWKS fetch', async () => {
  await withIssuer(async ({ idp, verify, token }) => {
    await Promise.all(Array.from({ length: 50 }, () => verify(token())));
    assert.equal(idp.discoveryRequests, 1);
    assert.equal(idp.jwksRequests, 1);
  });
});

test('a flood of unknown kids causes at most one JWKS refetch per 30 s cooldown', async () => {
  await withIssuer(async ({ idp, verify, token, advance }) => {
    await verify(token());
    const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
    const payload = b64(idp.claims({}));
    const flood = () =>
      Promise.all(
        Array.from({ length: 1000 }, () => {
          // The kid is refused before any signature check, so the signature bytes do not matter.
          const forged = `${b64({ alg: 'RS256', kid: randomUUID() })}.${payload}.${b64('not-a-signature')}`;
          return assert.rejects(verify(forged), unknownKid);
        }),
      );
    await flood();
    assert.equal(idp.jwksRequests, 1, 'within the cooldown of the first fetch: no refetch');
    advance(31 * SECOND);
    await flood();
    assert.equal(idp.jwksRequests, 2, 'one refetch once the cooldown has passed');
    await flood();
    advance(29 * SECOND);
    await flood();
    assert.equal(idp.jwksRequests, 2);
    advance(2 * SECOND);
    await flood();
    assert.equal(idp.jwksRequests, 3);
  });
});

test('a rotated-in key is accepted after exactly one refetch', async () => {
  await withIssuer(async ({ idp, verify, token, advance }) => {
    await verify(token());
    const fresh = await idp.rotate('RS256');
    advance(31 * SECOND);
    await verify(token(fresh.kid));
    assert.equal(idp.jwksRequests, 2);
    await verify(token(fresh.kid));
    assert.equal(idp.jwksRequests, 2);
  });
});

test('a key rotated in during the cooldown is refused until the cooldown ends, then accepted', async () => {
  await withIssuer(async ({ idp, verify, token, advance }) => {
    await verify(token());
    const fresh = await idp.rotate('RS256');
    advance(1 * SECOND);
    await assert.rejects(verify(token(fresh.kid)), unknownKid);
    assert.equal(idp.jwksRequests, 1);
    advance(29 * SECOND);
    await verify(token(fresh.kid));
    assert.equal(idp.jwksRequests, 2);
  });
});

test('a key removed at the IdP keeps verifying until the 10 min max age, then is refused', async () => {
  await withIssuer(async ({ idp, verify, token, advance }) => {
    await verify(token());
    idp.removeKey('rsa-1');
    advance(10 * MINUTE - 1);
    await verify(token());
    assert.equal(idp.jwksRequests, 1, 'served from cache within the max age');
    advance(1);
    await assert.rejects(verify(token()), unknownKid);
    assert.equal(idp.jwksRequests, 2, 'refetched exactly once at the max age');
  });
});

test('a failed fetch is remembered for the cooldown instead of being retried on every token', async () => {
  await withIssuer(async ({ idp, verify, token, advance }) => {
    idp.route('/jwks', (_req, res) => res.writeHead(502).end());
    const idpDown = (e: unknown) => e instanceof Refusal && e.kind === 'IdpCommunication' && e.reason.check === 'fetch.status';
    await assert.rejects(verify(token()), idpDown);
    advance(10 * SECOND);
    await assert.rejects(verify(token()), idpDown);
    assert.equal(idp.jwksRequests, 1);
    idp.route('/jwks', undefined);
    advance(21 * SECOND);
    await verify(token());
    assert.equal(idp.jwksRequests, 2);
  });
});

test('keeps at most maxIssuers issuers, evicting the least recently used', async () => {
  const fetched: string[] = [];
  const fetchJson = async (url: string) => {
    fetched.push(url);
    const issuer = url.replace('/.well-known/openid-configuration', '').replace('/jwks', '');
    return url.endsWith('/jwks') ? { keys: [] } : { issuer, jwks_uri: `${issuer}/jwks` };
  };
  const cache = createJwksCache({ clock: () => new Date(0), fetchJson, maxIssuers: 3 });
  for (const n of [1, 2, 3]) await cache.get(`https://idp${n}.example`, []);
  await cache.get('https://idp1.example', []); // idp1 becomes most recently used
  await cache.get('https://idp4.example', []); // evicts idp2
  assert.equal(cache.size(), 3);
  const before = fetched.length;
  await cache.get('https://idp1.example', []);
  await cache.get('https://idp3.example', []);
  assert.equal(fetched.length, before, 'idp1 and idp3 still cached');
  await cache.get('https://idp2.example', []);
  assert.equal(fetched.length, before + 2, 'idp2 was evicted and is fetched again');
});

test('removes a terminating slash of the issuer before appending the discovery path', async () => {
  const fetched: string[] = [];
  const fetchJson = async (url: string) => {
    fetched.push(url);
    return url.endsWith('/jwks') ? { keys: [] } : { issuer: 'https://idp.example/tenant/', jwks_uri: 'https://idp.example/jwks' };
  };
  const cache = createJwksCache({ clock: () => new Date(0), fetchJson });
  await cache.get('https://idp.example/tenant/', []);
  assert.equal(fetched[0], 'https://idp.example/tenant/.well-known/openid-configuration');
});

test('discovery and JWKS fetches share one deadline', async () => {
  const timeouts: Array<number | undefined> = [];
  let elapsed = 5_000;
  const fetchJson = async (url: string, options?: { timeoutMs?: number }) => {
    timeouts.push(options?.timeoutMs);
    if (url.endsWith('/jwks')) return { keys: [] };
    elapsed += 120; // discovery took 120 ms of the budget
    return { issuer: 'https://idp.example', jwks_uri: 'https://idp.example/jwks' };
  };
  const cache = createJwksCache({ clock: () => new Date(0), fetchJson, timeoutMs: 1000, elapsedMs: () => elapsed });
  await cache.get('https://idp.example', []);
  assert.deepEqual(timeouts, [1000, 880]);
});

test('a discovery that used up the whole deadline leaves the JWKS fetch the smallest timeout, not none', async () => {
  const timeouts: Array<number | undefined> = [];
  let elapsed = 0;
  const fetchJson = async (url: string, options?: { timeoutMs?: number }) => {
    timeouts.push(options?.timeoutMs);
    if (url.endsWith('/jwks')) return { keys: [] };
    elapsed += 1_500;
    return { issuer: 'https://idp.example', jwks_uri: 'https://idp.example/jwks' };
  };
  const cache = createJwksCache({ clock: () => new Date(0), fetchJson, timeoutMs: 1000, elapsedMs: () => elapsed });
  await cache.get('https://idp.example', []);
  assert.deepEqual(timeouts, [1000, 1]);
});
