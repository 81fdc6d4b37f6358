/**
 * security.md §1a through the identity pool: every hostile login token is refused by GetId with
 * NotAuthorizedException (HTTP 400), never a 5xx and never an identity. The verifier's own unit
 * tests (test/unit/tokens/oidc.test.ts) cover each row in depth; this proves the wire mapping.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { CreateIdentityPoolCommand, GetIdCommand, ListIdentitiesCommand } from '@aws-sdk/client-cognito-identity';
import { startIssuer, type TestIssuer } from '../../helpers/issuer.js';
import { fixture, type Fixture } from './setup.js';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

describe('hostile login tokens at GetId', () => {
  let f: Fixture;
  let attacker: TestIssuer;
  let poolId: string;

  before(async () => {
    f = await fixture();
    attacker = await startIssuer();
    const pool = await f.admin.send(
      new CreateIdentityPoolCommand({ IdentityPoolName: 'hostile', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [f.providerArn] }),
    );
    poolId = pool.IdentityPoolId!;
  });
  after(async () => {
    await attacker?.close();
    await f?.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => f.issuer.claims({ sub: 'victim', aud: 'my-app', ...extra });

  const cases: Array<[string, () => string]> = [
    ['J01 alg none', () => `${b64({ alg: 'none', kid: 'rsa-1' })}.${b64(claims())}.`],
    ['J02 HS256 keyed with the IdP public key', () => {
      const rsa = f.issuer.keys().find((k) => k.kid === 'rsa-1')!;
      const pem = createPublicKey(rsa.privateKey).export({ type: 'spki', format: 'pem' });
      return f.issuer.signRaw(JSON.stringify({ alg: 'HS256', kid: 'rsa-1' }), JSON.stringify(claims()), { hmacSecret: Buffer.from(pem) });
    }],
    ['J06 payload changed after signing', () => {
      const [h, , s] = f.token('victim').split('.');
      return `${h}.${b64(claims({ sub: 'admin' }))}.${s}`;
    }],
    ['J07 attacker key in a jwk header', () => attacker.sign(attacker.claims({ iss: f.issuer.url, sub: 'victim', aud: 'my-app' }), { header: { jwk: attacker.keys()[0]!.publicJwk } })],
    ['J08 unknown kid', () => f.issuer.sign(claims(), { header: { kid: '../../dev/null' } })],
    ['J11 crit header', () => f.issuer.sign(claims(), { header: { crit: ['exp'] } })],
    ['J12 expired beyond five minutes', () => f.issuer.sign(claims({ iat: now() - 3600, exp: now() - 600 }))],
    ['J13 exp as a string', () => f.issuer.sign(claims({ exp: String(now() + 600) }))],
    ['J14 nbf in the future', () => f.issuer.sign(claims({ nbf: now() + 3600 }))],
    ['J15 another issuer signing with its own key', () => attacker.sign(attacker.claims({ sub: 'victim', aud: 'my-app' }))],
    ['J16 iss with a trailing slash', () => f.issuer.sign(claims({ iss: `${f.issuer.url}/` }))],
    ['J17 aud not in the ClientIDList', () => f.issuer.sign(claims({ aud: 'other-app' }))],
    ['J17 aud missing', () => f.issuer.sign(claims({ aud: undefined }))],
    ['J18 azp not a client id', () => f.issuer.sign(claims({ aud: ['my-app', 'evil'], azp: 'evil' }))],
    ['J19 sub missing', () => f.issuer.sign(claims({ sub: undefined }))],
    ['J21 duplicate sub member', () => {
      const body = JSON.stringify(claims()).replace('"sub":"victim"', '"sub":"victim","sub":"admin"');
      return f.issuer.signRaw(JSON.stringify({ alg: 'RS256', kid: 'rsa-1' }), body);
    }],
    ['J22 padded base64url', () => {
      const [h, p, s] = f.token('victim').split('.');
      return `${h}.${p}==.${s}`;
    }],
    ['J23 two segments', () => f.token('victim').split('.').slice(0, 2).join('.')],
    ['J25 a five-segment JWE', () => `${b64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a.b.c.d`],
  ];

  for (const [name, make] of cases) {
    it(`refuses ${name} with NotAuthorizedException`, async () => {
      await assert.rejects(f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [f.providerKey]: make() } })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(e.name, 'NotAuthorizedException', e.message);
        assert.equal(e.$metadata?.httpStatusCode, 400);
        return true;
      });
    });
  }

  it('accepts the well-formed control token, and no hostile token created an identity', async () => {
    const ok = await f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [f.providerKey]: f.token('victim') } }));
    assert.ok(ok.IdentityId);
    const listed = await f.admin.send(new ListIdentitiesCommand({ IdentityPoolId: poolId, MaxResults: 60 }));
    assert.equal(listed.Identities!.length, 1);
  });
});
