/**
 * A small but real OpenID issuer for tests: node:https on 127.0.0.1 (port 0) with a certificate
 * chain generated at start (a self-signed root CA and a leaf naming 127.0.0.1 and localhost),
 * serving `<path>/.well-known/openid-configuration` and `<path>/jwks`, with RS256 and ES256 keys
 * from jose.generateKeyPair. It signs arbitrary tokens (including hostile ones, byte for byte
 * with `signRaw`), rotates and removes keys, counts requests and lets a test replace any route.
 *
 * `thumbprint` is the SHA-1 of the root CA (what IAM's ThumbprintList holds); `certPem` is that
 * root in PEM, usable as NODE_EXTRA_CA_CERTS; `leafThumbprint` is the server certificate's.
 */
import { generateFreshKeyPairSync } from '../../src/keys/generate.js';
import { createHmac, constants, KeyObject, sign as nodeSign, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeTestCertificates } from './tls.js';
import { exportJWK, generateKeyPair, type JWK } from 'jose';


export type SigningAlg = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

export interface IssuerKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject;
  /** Exactly what the JWKS publishes for this key (extra members included). */
  publicJwk: JWK;
  published: boolean;
}

export interface SignOptions {
  /** Key to sign with (default: the first published key for `alg`, else the first key). `null` omits the kid header. */
  kid?: string | null;
  /** Header alg; the signature is computed for it with the chosen key (so PS256 over an RS256 key works). */
  alg?: string;
  /** Extra or overriding header members (undefined values remove a member). */
  header?: Record<string, unknown>;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestIssuer {
  /** The issuer identifier: 'https://127.0.0.1:<port>' plus the optional path. */
  readonly url: string;
  readonly origin: string;
  readonly jwksUri: string;
  readonly thumbprint: string;
  readonly leafThumbprint: string;
  readonly certPem: string;
  readonly jwksRequests: number;
  readonly discoveryRequests: number;
  keys(): IssuerKey[];
  /** Standard ID token claims (iss, sub, aud, iat, exp) for `now`, overridden by `claims`. */
  claims(claims?: Record<string, unknown>, now?: Date): Record<string, unknown>;
  sign(claims: Record<string, unknown>, options?: SignOptions): string;
  /** Signs the exact header and payload texts given (for duplicate members, odd JSON…). */
  signRaw(headerJson: string, payloadJson: string, options?: { kid?: string; alg?: string; hmacSecret?: Uint8Array }): string;
  addKey(alg: SigningAlg, options?: { kid?: string; publish?: boolean; jwk?: Record<string, unknown>; modulusLength?: number }): Promise<IssuerKey>;
  /** Publishes a new key for `alg` and unpublishes the previous ones of that alg; returns the new key. */
  rotate(alg?: SigningAlg): Promise<IssuerKey>;
  removeKey(kid: string): void;
  /** Replaces the published JWKS body (object → JSON, string → raw); undefined restores it. */
  setJwks(body: unknown): void;
  /** Replaces the discovery document; undefined restores it. */
  setDiscovery(body: unknown): void;
  /** Overrides any path (pathname, exact); undefined removes the override. */
  route(pathname: string, handler: RouteHandler | undefined): void;
  close(): Promise<void>;
}

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/** Signs `data` for a JWS alg with node:crypto (RFC 7518 §3). */
export function jwsSign(alg: string, key: KeyObject | undefined, data: Buffer, hmacSecret?: Uint8Array): Buffer {
  if (alg === 'none' || alg === '') return Buffer.alloc(0);
  const hash = HASH[alg.slice(2)];
  if (!hash) throw new Error(`unsupported alg ${alg}`);
  if (alg.startsWith('HS')) return createHmac(hash, hmacSecret ?? Buffer.alloc(0)).update(data).digest();
  if (!key) throw new Error('no key');
  if (alg.startsWith('RS')) return nodeSign(hash, data, key);
  if (alg.startsWith('PS')) return nodeSign(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 });
  if (alg.startsWith('ES')) return nodeSign(hash, data, { key, dsaEncoding: 'ieee-p1363' });
  throw new Error(`unsupported alg ${alg}`);
}

const b64u = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');

export interface StartIssuerOptions {
  /** Issuer path after the origin, e.g. '/tenant-1' (default none). */
  path?: string;
  /** Initial keys (default RS256 'rsa-1' and ES256 'ec-1'). */
  keys?: Array<{ alg: SigningAlg; kid?: string }>;
  /** Subject alternative names of the server certificate (default IP 127.0.0.1 and DNS localhost). */
  names?: Array<{ type: 'ip' | 'dns'; value: string }>;
}

export async function startIssuer(options: StartIssuerOptions = {}): Promise<TestIssuer> {
  const path = (options.path ?? '').replace(/\/$/, '');
  const { caPem, leafPem, leafKeyPem } = await makeTestCertificates(options.names ?? [{ type: 'ip', value: '127.0.0.1' }, { type: 'dns', value: 'localhost' }]);
  const keys: IssuerKey[] = [];
  const overrides = new Map<string, RouteHandler>();
  let jwksOverride: unknown;
  let discoveryOverride: unknown;
  let jwksRequests = 0;
  let discoveryRequests = 0;
  let keyCounter = 0;
  let url = '';
  let origin = '';

  const sendJson = (res: ServerResponse, body: unknown) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const publishedJwks = () => ({ keys: keys.filter((k) => k.published).map((k) => k.publicJwk) });
  const discovery = () => ({
    issuer: url,
    jwks_uri: `${origin}${path}/jwks`,
    authorization_endpoint: `${origin}${path}/authorize`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256', 'ES256'],
  });

  const server: Server = createServer({ key: leafKeyPem, cert: `${leafPem.trim()}\n${caPem.trim()}\n` }, (req, res) => {
    const pathname = new URL(req.url ?? '/', 'https://x').pathname;
    if (pathname === `${path}/jwks`) jwksRequests++;
    if (pathname === `${path}/.well-known/openid-configuration`) discoveryRequests++;
    const override = overrides.get(pathname);
    if (override) return override(req, res);
    if (pathname === `${path}/jwks`) return sendJson(res, jwksOverride ?? publishedJwks());
    if (pathname === `${path}/.well-known/openid-configuration`) return sendJson(res, discoveryOverride ?? discovery());
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  url = `${origin}${path}`;

  const addKey: TestIssuer['addKey'] = async (alg, opts = {}) => {
    const kid = opts.kid ?? `${alg.toLowerCase()}-${++keyCounter}`;
    let privateKey: KeyObject;
    let publicJwk: JWK;
    // RSA and EC keys come from keys/generate.ts (an export of a key straight from Node's
    // generation job can hang Node 20); it also makes the weak keys jose refuses to (J26 tests).
    const spec = /^(RS|PS)/.test(alg)
      ? ({ type: 'rsa', modulusLength: opts.modulusLength ?? 2048 } as const)
      : ({ ES256: { type: 'ec', namedCurve: 'P-256' }, ES384: { type: 'ec', namedCurve: 'P-384' }, ES512: { type: 'ec', namedCurve: 'P-521' } } as const)[alg as 'ES256'];
    if (spec) {
      const pair = generateFreshKeyPairSync(spec);
      privateKey = pair.privateKey;
      publicJwk = pair.publicKey.export({ format: 'jwk' }) as JWK;
    } else {
      const pair = await generateKeyPair(alg, { extractable: true, ...(opts.modulusLength ? { modulusLength: opts.modulusLength } : {}) });
      privateKey = KeyObject.from(pair.privateKey as unknown as webcrypto.CryptoKey);
      publicJwk = await exportJWK(pair.publicKey);
    }
    const key: IssuerKey = { kid, alg, privateKey, publicJwk: { ...publicJwk, kid, alg, use: 'sig', ...opts.jwk } as JWK, published: opts.publish ?? true };
    // `jwk` may remove members by setting them to undefined.
    for (const [k, v] of Object.entries(key.publicJwk)) if (v === undefined) delete (key.publicJwk as Record<string, unknown>)[k];
    keys.push(key);
    return key;
  };
  for (const k of options.keys ?? [{ alg: 'RS256', kid: 'rsa-1' }, { alg: 'ES256', kid: 'ec-1' }]) {
    await addKey(k.alg, k.kid ? { kid: k.kid } : {});
  }

  const pickKey = (kid: string | null | undefined, alg: string | undefined): IssuerKey => {
    if (typeof kid === 'string') {
      const k = keys.find((x) => x.kid === kid);
      if (!k) throw new Error(`test issuer has no key ${kid}`);
      return k;
    }
    const family = alg?.startsWith('ES') ? 'ES' : alg ? 'R' : undefined;
    const k = keys.find((x) => x.published && (!family || (family === 'ES' ? x.alg.startsWith('ES') : !x.alg.startsWith('ES')))) ?? keys[0];
    if (!k) throw new Error('test issuer has no keys');
    return k;
  };

  const signRaw: TestIssuer['signRaw'] = (headerJson, payloadJson, opts = {}) => {
    const header = JSON.parse(headerJson) as { alg?: string; kid?: string };
    const alg = opts.alg ?? header.alg ?? 'RS256';
    const key = alg.startsWith('HS') || alg === 'none' ? undefined : pickKey(opts.kid ?? header.kid, alg);
    const input = `${b64u(headerJson)}.${b64u(payloadJson)}`;
    return `${input}.${b64u(jwsSign(alg, key?.privateKey, Buffer.from(input), opts.hmacSecret))}`;
  };

  const issuer: TestIssuer = {
    get url() {
      return url;
    },
    origin,
    jwksUri: `${origin}${path}/jwks`,
    thumbprint: new NodeX509(caPem).fingerprint.replace(/:/g, '').toLowerCase(),
    leafThumbprint: new NodeX509(leafPem).fingerprint.replace(/:/g, '').toLowerCase(),
    certPem: caPem,
    get jwksRequests() {
      return jwksRequests;
    },
    get discoveryRequests() {
      return discoveryRequests;
    },
    keys: () => [...keys],
    claims: (claims = {}, now = new Date()) => {
      const t = Math.floor(now.getTime() / 1000);
      return { iss: url, sub: 'user-1234', aud: 'client-a', iat: t, exp: t + 3600, ...claims };
    },
    sign(claims, opts = {}) {
      const key = pickKey(opts.kid, opts.alg);
      const alg = opts.alg ?? key.alg;
      const header: Record<string, unknown> = { alg, typ: 'JWT', ...(opts.kid === null ? {} : { kid: key.kid }), ...opts.header };
      for (const [k, v] of Object.entries(header)) if (v === undefined) delete header[k];
      const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
      return `${input}.${b64u(jwsSign(alg, key.privateKey, Buffer.from(input)))}`;
    },
    signRaw,
    addKey,
    async rotate(alg = 'RS256') {
      const fresh = await addKey(alg);
      for (const k of keys) if (k !== fresh && k.alg === alg) k.published = false;
      return fresh;
    },
    removeKey(kid) {
      for (const k of keys) if (k.kid === kid) k.published = false;
    },
    setJwks(body) {
      jwksOverride = body;
    },
    setDiscovery(body) {
      discoveryOverride = body;
    },
    route(pathname, handler) {
      if (handler) overrides.set(pathname, handler);
      else overrides.delete(pathname);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return issuer;
}
