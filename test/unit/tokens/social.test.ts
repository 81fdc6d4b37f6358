/**
 * The pieces of social-provider verification that need no provider: OAuth 1.0a signing (the
 * OAuth Core 1.0 Appendix A.5 example, as RFC 5849 §3.4 computes it), the bounded introspection
 * cache on an injected clock, the provider-endpoint configuration, and per-instance token state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hmacSha1Signature, oauth1Authorization, percentEncode, signatureBaseString } from '../../../src/tokens/social/oauth1.js';
import { createIntrospectionCache } from '../../../src/tokens/social/introspection-cache.js';
import { endpointUrl } from '../../../src/tokens/social/endpoints.js';
import { configFromEnv, ConfigError, loadConfig } from '../../../src/config/index.js';
import { createJwtDecoder } from '../../../src/tokens/jws.js';

test('OAuth 1.0a HMAC-SHA1 signs the OAuth Core 1.0 example (Appendix A.5) to its published signature', () => {
  const oauth = {
    oauth_consumer_key: 'dpf43f3p2l4k3l03',
    oauth_token: 'nnch734d00sl2jdk',
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: '1191242096',
    oauth_nonce: 'kllo9940pd9333jh',
    oauth_version: '1.0',
  };
  const base = signatureBaseString('GET', 'http://photos.example.net/photos?file=vacation.jpg&size=original', oauth);
  assert.equal(
    base,
    'GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal',
  );
  assert.equal(hmacSha1Signature(base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00'), 'tR3+Ty81lMeYAr/Fid0kMTYa/WM=');
  const header = oauth1Authorization('GET', 'http://photos.example.net/photos?file=vacation.jpg&size=original',
    { consumerKey: 'dpf43f3p2l4k3l03', consumerSecret: 'kd94hf93k423kf44', token: 'nnch734d00sl2jdk', tokenSecret: 'pfkkdhi9sl3r4s00' }, 1191242096, 'kllo9940pd9333jh');
  assert.match(header, /^OAuth /);
  assert.match(header, /oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D"/);
});

test("percent-encoding leaves only RFC 3986's unreserved characters", () => {
  assert.equal(percentEncode("a-b._~ !*'()+/=&%é"), "a-b._~%20%21%2A%27%28%29%2B%2F%3D%26%25%C3%A9");
});

test('the introspection cache keeps an answer at most 5 minutes and at most until the token expires', () => {
  let now = 1_000_000_000_000;
  const cache = createIntrospectionCache({ clock: () => new Date(now) });
  cache.set(['p', 'long-lived'], { id: 1 });
  cache.set(['p', 'short-lived'], { id: 2 }, now / 1000 + 60);
  assert.deepEqual(cache.get(['p', 'long-lived']), { id: 1 });
  now += 61_000;
  assert.equal(cache.get(['p', 'short-lived']), undefined);
  assert.deepEqual(cache.get(['p', 'long-lived']), { id: 1 });
  now += 240_000;
  assert.equal(cache.get(['p', 'long-lived']), undefined);
  cache.set(['p', 'expired'], { id: 3 }, now / 1000 - 1);
  assert.equal(cache.get(['p', 'expired']), undefined);
});

test('the introspection cache holds at most its bound, dropping the least recently used', () => {
  const cache = createIntrospectionCache({ clock: () => new Date(0), maxEntries: 3 });
  for (const t of ['a', 'b', 'c']) cache.set(['p', t], t);
  assert.equal(cache.get(['p', 'a']), 'a');
  cache.set(['p', 'd'], 'd');
  assert.equal(cache.size(), 3);
  assert.equal(cache.get(['p', 'b']), undefined);
  assert.equal(cache.get(['p', 'a']), 'a');
});

test('a provider endpoint override replaces the base and keeps its path as a prefix', () => {
  assert.equal(endpointUrl({}, 'graph.facebook.com', '/me'), 'https://graph.facebook.com/me');
  assert.equal(endpointUrl({ 'graph.facebook.com': 'https://graph.example/v19.0/' }, 'graph.facebook.com', '/me'), 'https://graph.example/v19.0/me');
  assert.equal(endpointUrl({}, 'accounts.google.com'), 'https://www.googleapis.com/oauth2/v3/certs');
});

test('provider endpoints come from TESSERA_PROVIDER_ENDPOINTS and the repeatable flag, which wins', () => {
  const env = configFromEnv({ TESSERA_PROVIDER_ENDPOINTS: 'graph.facebook.com=https://graph.local/v19.0,www.amazon.com=https://amazon.local', TESSERA_PROVIDER_TIMEOUT_MS: '2500' });
  const fromEnv = loadConfig(env);
  assert.deepEqual(fromEnv.providerEndpoints, { 'graph.facebook.com': 'https://graph.local/v19.0', 'www.amazon.com': 'https://amazon.local' });
  assert.equal(fromEnv.providerTimeoutMs, 2500);
  const fromFlags = loadConfig(env, { providerEndpoints: ['api.twitter.com=https://twitter.local/'] });
  assert.deepEqual(fromFlags.providerEndpoints, { 'api.twitter.com': 'https://twitter.local' });
  assert.equal(loadConfig({}).providerTimeoutMs, 5000);
});

test('a provider endpoint with an unknown key, a non-https URL or a query is a configuration error, all reported at once', () => {
  assert.throws(
    () => loadConfig({ providerEndpoints: ['login.example=https://x', 'www.amazon.com=http://amazon.local', 'api.twitter.com=https://t.local/?a=1', 'nonsense'], providerTimeoutMs: '5' }),
    (e: unknown) => e instanceof ConfigError && e.problems.length === 5,
  );
});

test('two decoders (two Tessera instances) share no remembered token', () => {
  const a = createJwtDecoder();
  const b = createJwtDecoder();
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const token = `${b64({ alg: 'RS256', kid: 'k' })}.${b64({ sub: 'x' })}.${Buffer.alloc(256, 1).toString('base64url')}`;
  a.decode(token);
  assert.equal(a.stats().entries, 1);
  assert.equal(b.stats().entries, 0);
  assert.notEqual(b.decode(token), a.decode(token));
});
