/**
 * The discovery and JWKS routes of Tessera's own issuer: socketless with fastify inject(), then on
 * a real loopback listener where openid-client discovers the issuer and jose's remote JWKS
 * verifies a token the ring signed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import Fastify from 'fastify';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidcClient from 'openid-client';
import { openIdRoutes } from '../../../src/http/openid-routes.js';
import { createSigningKeyRing } from '../../../src/keys/signing-keys.js';
import { createMemoryStorage } from '../credentials/memory-storage.js';
import { claimsAt, settableClock } from './helpers.js';

function ring(clock: () => Date, prePublishSeconds = 3600) {
  return createSigningKeyRing({ storage: createMemoryStorage(), clock, name: 'openid', maxTokenLifetimeSeconds: 86_400, prePublishSeconds });
}

test('serves the discovery document with issuer = publicUrl exactly and jwks_uri under it', async () => {
  const { clock } = settableClock();
  const app = Fastify();
  openIdRoutes({ publicUrl: 'https://id.example.test/base', keys: ring(clock) })(app);
  const res = await app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.deepEqual(res.json(), {
    issuer: 'https://id.example.test/base',
    jwks_uri: 'https://id.example.test/base/.well-known/jwks.json',
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS512'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'amr', 'https://cognito-identity.amazonaws.com/identity-pool-arn', 'https://aws.amazon.com/tags'],
  });
  await app.close();
});

test('serves the JWKS (also at AWS\'s /.well-known/jwks_uri) with a max-age no longer than the pre-publication window', async () => {
  const { clock, seconds } = settableClock();
  const keys = ring(clock, 600);
  await keys.signJwt(claimsAt(seconds()));
  await keys.rotate();
  const app = Fastify();
  openIdRoutes({ publicUrl: 'https://id.example.test', keys })(app);
  for (const url of ['/.well-known/jwks.json', '/.well-known/jwks_uri']) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { keys: Array<Record<string, unknown>> };
    assert.equal(body.keys.length, 2, 'current and pre-published key');
    for (const k of body.keys) {
      assert.deepEqual(Object.keys(k).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
      assert.ok(!('d' in k) && !('p' in k), 'no private members');
    }
    const maxAge = Number(/max-age=(\d+)/.exec(String(res.headers['cache-control']))?.[1]);
    assert.ok(maxAge > 0 && maxAge <= 600, `max-age ${maxAge}`);
  }
  await app.close();
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

test('on a real listener, openid-client discovers the issuer and jose verifies a signed token through the remote JWKS', async () => {
  const clock = () => new Date();
  const keys = ring(clock);
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const app = Fastify();
  openIdRoutes({ publicUrl, keys })(app);
  await app.listen({ port, host: '127.0.0.1' });
  try {
    const config = await oidcClient.discovery(new URL(publicUrl), 'us-east-1:pool', undefined, undefined, { execute: [oidcClient.allowInsecureRequests] });
    const meta = config.serverMetadata();
    assert.equal(meta.issuer, publicUrl);
    assert.equal(meta.jwks_uri, `${publicUrl}/.well-known/jwks.json`);

    const now = Math.floor(Date.now() / 1000);
    const token = await keys.signJwt({ iss: publicUrl, sub: 'us-east-1:abc', aud: 'us-east-1:pool', amr: ['authenticated'], iat: now, exp: now + 600 });
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(meta.jwks_uri!)), {
      issuer: meta.issuer,
      audience: 'us-east-1:pool',
      algorithms: meta.id_token_signing_alg_values_supported!,
    });
    assert.equal(payload.sub, 'us-east-1:abc');
    assert.equal(protectedHeader.alg, 'RS512');

    // A token signed by another ring is not verified by this issuer's keys.
    const foreign = await ring(clock).signJwt({ iss: publicUrl, sub: 'x', aud: 'us-east-1:pool', iat: now, exp: now + 600 });
    await assert.rejects(jwtVerify(foreign, createRemoteJWKSet(new URL(meta.jwks_uri!)), { issuer: publicUrl }));
  } finally {
    await app.close();
  }
});
