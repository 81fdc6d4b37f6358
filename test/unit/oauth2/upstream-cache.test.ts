/**
 * The hosted sign-in's cache of upstream OpenID Provider configurations is bounded in size and in
 * age: an IdP's endpoints and keys are re-read after UPSTREAM_CONFIG_MAX_AGE_MS, and no more than
 * MAX_UPSTREAM_CONFIGS configurations are held. A Configuration is counted when built (the
 * `configure` hook runs once per new Configuration); endpoints are given explicitly, so nothing is
 * fetched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createUpstreamClient, MAX_UPSTREAM_CONFIGS, UPSTREAM_CONFIG_MAX_AGE_MS } from '../../../src/services/oauth2/upstream.js';
import type { IdentityProviderRecord } from '../../../src/services/cognito-idp/records.js';

function idp(name: string): IdentityProviderRecord {
  return {
    userPoolId: 'us-east-1_cache',
    providerName: name,
    providerType: 'OIDC',
    providerDetails: {
      oidc_issuer: `https://idp.example/${name}`,
      client_id: 'client',
      authorize_scopes: 'openid',
      authorize_url: `https://idp.example/${name}/authorize`,
      token_url: `https://idp.example/${name}/token`,
      jwks_uri: `https://idp.example/${name}/jwks`,
    },
    attributeMapping: {},
    idpIdentifiers: [],
    createdAt: 0,
    lastModifiedAt: 0,
  };
}

const input = { redirectUri: 'https://app.example/cb', state: 's', nonce: 'n', codeVerifier: 'v'.repeat(43) };

test('reuses an upstream configuration until it is older than the max age, then builds it afresh', async () => {
  let t = 1_000_000;
  let built = 0;
  const client = createUpstreamClient({ now: () => t, configure: [() => void built++] });
  const url = await client.authorizationUrl(idp('a'), input);
  assert.match(url, /^https:\/\/idp\.example\/a\/authorize\?/);
  await client.authorizationUrl(idp('a'), input);
  assert.equal(built, 1);
  t += UPSTREAM_CONFIG_MAX_AGE_MS - 1;
  await client.authorizationUrl(idp('a'), input);
  assert.equal(built, 1, 'still fresh just before the max age');
  t += 1;
  await client.authorizationUrl(idp('a'), input);
  assert.equal(built, 2, 'rebuilt at the max age');
});

test('holds at most MAX_UPSTREAM_CONFIGS configurations, evicting the least recently used', async () => {
  let built = 0;
  const client = createUpstreamClient({ configure: [() => void built++] });
  for (let i = 0; i < MAX_UPSTREAM_CONFIGS; i++) await client.authorizationUrl(idp(`p${i}`), input);
  assert.equal(built, MAX_UPSTREAM_CONFIGS);
  await client.authorizationUrl(idp('p0'), input); // p0 is now the most recently used
  assert.equal(built, MAX_UPSTREAM_CONFIGS);
  await client.authorizationUrl(idp('extra'), input); // evicts p1
  assert.equal(built, MAX_UPSTREAM_CONFIGS + 1);
  await client.authorizationUrl(idp('p0'), input);
  assert.equal(built, MAX_UPSTREAM_CONFIGS + 1, 'p0 survived');
  await client.authorizationUrl(idp('p1'), input);
  assert.equal(built, MAX_UPSTREAM_CONFIGS + 2, 'p1 was evicted and is built again');
});
