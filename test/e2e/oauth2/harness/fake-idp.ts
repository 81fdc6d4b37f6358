/**
 * A scripted upstream IdP for hostile-input tests (security.md O01, O02, N07; forged ID tokens):
 * HTTPS with the throw-away CA, discovery, JWKS, an authorize endpoint that answers at once
 * with a code, a token endpoint (client_secret_post) and userInfo. Each test decides what the
 * token endpoint's ID token looks like — signed by another key, with another nonce, aud or iss.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import { generateFreshKeyPairSync } from '../../../../src/keys/generate.js';
import type { TlsFiles } from './tls.js';

export interface IdTokenPlan {
  claims: Record<string, unknown>;
  /** Which key signs: the published one, or an attacker's key announcing the published kid. */
  signer: 'good' | 'attacker';
}

export interface FakeIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Rewrites the ID token the next code redemptions return (default: a correct one). */
  plan(fn: ((correct: Record<string, unknown>) => IdTokenPlan) | undefined): void;
  /** Overrides the userInfo body (default: sub + email of the ID token). */
  userInfo(fn: ((sub: string) => Record<string, unknown>) | undefined): void;
  tokenRequests: Array<Record<string, string>>;
  close(): Promise<void>;
}

export async function startFakeIdp(options: { tls: TlsFiles; subject?: string; email?: string }): Promise<FakeIdp> {
  const clientId = 'fake-idp-client';
  const clientSecret = 'fake-idp-secret-0123456789';
  const subject = options.subject ?? 'fake-user-1';
  // keys/generate.ts: exporting a key straight from Node's generation job can hang Node 20.
  const good = generateFreshKeyPairSync({ type: 'rsa', modulusLength: 2048 });
  const attacker = generateFreshKeyPairSync({ type: 'rsa', modulusLength: 2048 });
  const jwk: JWK = { ...(good.publicKey.export({ format: 'jwk' }) as JWK), kid: 'fake-1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { nonce?: string }>();
  const tokenRequests: Array<Record<string, string>> = [];
  let planFn: ((correct: Record<string, unknown>) => IdTokenPlan) | undefined;
  let userInfoFn: ((sub: string) => Record<string, unknown>) | undefined;
  let issuer = '';

  const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const sign = (claims: Record<string, unknown>, key: KeyObject) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'fake-1' }).sign(key);

  const server: Server = createServer({ key: options.tls.keyPem, cert: options.tls.certPem }, (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/userinfo`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
      });
    }
    if (url.pathname === '/jwks') return json(res, 200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const code = randomBytes(16).toString('hex');
      const nonce = url.searchParams.get('nonce');
      codes.set(code, nonce ? { nonce } : {});
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        void (async () => {
          const form = Object.fromEntries(new URLSearchParams(body));
          tokenRequests.push(form);
          const issued = form.code ? codes.get(form.code) : undefined;
          if (!issued || form.client_id !== clientId || form.client_secret !== clientSecret) return json(res, 400, { error: 'invalid_grant' });
          codes.delete(form.code!);
          const now = Math.floor(Date.now() / 1000);
          const correct: Record<string, unknown> = { iss: issuer, sub: subject, aud: clientId, iat: now, exp: now + 300, ...(issued.nonce ? { nonce: issued.nonce } : {}) };
          const plan = planFn ? planFn(correct) : { claims: correct, signer: 'good' as const };
          const idToken = await sign(plan.claims, plan.signer === 'good' ? good.privateKey : attacker.privateKey);
          json(res, 200, { access_token: `at-${subject}`, token_type: 'Bearer', expires_in: 300, id_token: idToken });
        })();
      });
      return;
    }
    if (url.pathname === '/userinfo') {
      return json(res, 200, userInfoFn ? userInfoFn(subject) : { sub: subject, email: options.email ?? 'fake@example.com', email_verified: true });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `https://localhost:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    clientId,
    clientSecret,
    plan: (fn) => (planFn = fn),
    userInfo: (fn) => (userInfoFn = fn),
    tokenRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
