/**
 * Tessera's own OpenID issuer keys (the tokens of GetOpenIdToken and
 * GetOpenIdTokenForDeveloperIdentity, aws-surface.md §4.8; later user pools), shared by every node
 * through storage collection 'keys' under ids `signing/<ring>/<seq>`.
 *
 * - Race-free creation: key numbers are sequential, so two nodes that create the first key or
 *   rotate at the same moment ask storage for the same id with `createIfAbsent` and both adopt
 *   the one document that won (design.md §6; as sealing-keys.ts does).
 * - Rotation without breaking tokens in flight (security.md R5; schedule in signing-schedule.ts):
 *   a new key is in the JWKS `prePublishSeconds` before it signs, and a retired key stays in the
 *   JWKS, and keeps verifying, until every token it signed has expired.
 * - Automatic rotation by time (default every 30 days) is evaluated lazily whenever the ring
 *   signs or publishes; there are no timers, and the clock is injected.
 * - Keys persist: a ring re-created on the same storage uses the same keys. The private keys are
 *   in the documents (PKCS#8), so the data dir / database is the secret store (signing-key-doc.ts).
 * - Every token is signed with exp − now ≤ `maxTokenLifetimeSeconds`; that bound is what makes
 *   the retention period sufficient, so signJwt refuses payloads that exceed it.
 */
import { sign as nodeSign, type KeyObject } from 'node:crypto';
import type { Collection, Storage } from '../storage/contract.js';
import { validateClaims } from '../tokens/claims.js';
import { createJwtDecoder, type JwtDecoder } from '../tokens/jws.js';
import type { VerificationKey } from '../tokens/jwk.js';
import {
  generateRsaSigningKey,
  newSigningKeyDoc,
  seqString,
  signingKeyFromDoc,
  type GenerateSigningKey,
  type SigningAlg,
  type SigningKey,
  type SigningKeyDoc,
} from './signing-key-doc.js';
import { activeKey, expiredKeys, manualActivation, publishedKeys, retiredAt, retentionSeconds, rotationDue, type ScheduleParams } from './signing-schedule.js';

export type { SigningAlg } from './signing-key-doc.js';

export interface SigningKeyStatus {
  kid: string;
  alg: SigningAlg;
  state: 'pending' | 'active' | 'retired';
  createdAt: Date;
  activatesAt: Date;
  retiredAt?: Date;
  /** When a retired key leaves the JWKS. */
  unpublishedAt?: Date;
}

export interface SigningKeyRing {
  readonly name: string;
  /** Algorithm of newly created keys (existing keys keep their own). */
  readonly alg: SigningAlg;
  /** Cache-Control max-age for the JWKS document; never longer than the pre-publication window. */
  readonly jwksMaxAgeSeconds: number;
  /** Signs `payload` (which must carry integer iat and exp, exp ≤ now + maxTokenLifetime) with the active key; header { alg, kid, typ }. */
  signJwt(payload: Record<string, unknown>, options?: { typ?: string }): Promise<string>;
  /** Public JWKs (kty, n, e, kid, alg, use 'sig') of every published key: pending, active and retired-but-retained. */
  jwks(): Promise<{ keys: Array<Record<string, unknown>> }>;
  /**
   * Verifies a token this ring signed, with the strict checks of src/tokens (canonical base64url,
   * no duplicate members, kid required and published, alg = the key's alg), then exp/iat/nbf with
   * skew (default 300 s), iss exactly, and aud when given. Throws Refusal 'InvalidToken' or
   * 'ExpiredToken' with the failed check in `reason`.
   */
  verifyJwt(
    token: string,
    options: { issuer: string; audience?: string; clockSkewSeconds?: number },
  ): Promise<{ header: Record<string, unknown>; claims: Record<string, unknown> }>;
  /**
   * Publishes the next key now. It starts signing after the pre-publication window, or at once
   * with `immediate` (an emergency: relying parties with a cached JWKS reject new tokens until
   * they refetch). The retired key keeps verifying until its tokens have expired.
   */
  rotate(options?: { immediate?: boolean }): Promise<void>;
  /** Every stored key with its state at the current time (admin command, tests). */
  status(): Promise<SigningKeyStatus[]>;
}

export interface SigningKeyRingOptions {
  storage: Storage;
  clock: () => Date;
  /** Ring name: `[a-z0-9-]{1,64}`, e.g. 'openid'. Part of storage ids and kids. */
  name: string;
  /** Default RS512, as Cognito's OpenID tokens (aws-surface.md §4.8). */
  alg?: SigningAlg;
  /** The longest lifetime (exp − iat) of any token this ring signs, e.g. 86400 for developer tokens. */
  maxTokenLifetimeSeconds: number;
  /** Default 30 days. */
  rotationIntervalSeconds?: number;
  /** Default 1 hour. */
  prePublishSeconds?: number;
  /** Default min(prePublishSeconds, 1 hour). */
  jwksMaxAgeSeconds?: number;
  /** How long a node trusts its view of the stored keys before re-reading (default min(5 min, prePublish / 4), at least 1 s). */
  refreshSeconds?: number;
  /** Key generator (RSA 2048); injectable so tests can reuse pre-generated keys. */
  generateKey?: GenerateSigningKey;
  /** The instance's JWT decoder (src/tokens/jws.ts); a ring of its own when omitted. */
  decoder?: JwtDecoder;
  /** Compute RSA signatures on libuv's thread pool instead of the event loop (default false; see rsaSign). */
  signOnThreadPool?: boolean;
}

const NAME = /^[a-z0-9-]{1,64}$/;
const DAY = 86_400;
/** Relying parties allow five minutes past exp (AWS web-identity federation). */
const SKEW_SECONDS = 300;
/** A kid this node does not know may trigger a storage re-read at most this often. */
const UNKNOWN_KID_COOLDOWN_MS = 1_000;

const HASH: Record<SigningAlg, string> = { RS256: 'sha256', RS512: 'sha512' };

/**
 * Where RSA signatures are computed. An RSA-2048 signature costs about 0.5 ms of CPU, a third to
 * a half of what a sign-in or GetOpenIdToken costs in all. On the event loop it uses one core per
 * process; on libuv's thread pool it can use the cores no worker process has, and leaves the loop
 * free meanwhile, but each hand-off costs a little. Measured (bench:ab, SQLite, 2 CPUs, 6 rounds):
 * one process, thread pool against loop: InitiateAuth 1.24× req/s, GetOpenIdToken 1.41×; two worker
 * processes: InitiateAuth 0.84×. So the pool is used only while there are fewer worker processes
 * than CPUs (app.ts passes signOnThreadPool: workers < CPUs to every ring of the instance).
 */
function rsaSign(hash: string, data: Buffer, key: KeyObject, onPool: boolean): Promise<Buffer> | Buffer {
  if (!onPool) return nodeSign(hash, data, key);
  return new Promise((resolve, reject) => nodeSign(hash, data, key, (err, signature) => (err ? reject(err) : resolve(signature))));
}

function positiveInt(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${value}`);
  return value;
}

export function createSigningKeyRing(options: SigningKeyRingOptions): SigningKeyRing {
  if (!NAME.test(options.name)) throw new Error(`signing key ring name must match ${NAME}, got ${JSON.stringify(options.name)}`);
  const name = options.name;
  const signOnThreadPool = options.signOnThreadPool ?? false;
  const alg: SigningAlg = options.alg ?? 'RS512';
  const prePublishSeconds = positiveInt('prePublishSeconds', options.prePublishSeconds ?? 3600, 0);
  const jwksMaxAgeSeconds = Math.min(positiveInt('jwksMaxAgeSeconds', options.jwksMaxAgeSeconds ?? 3600, 0), prePublishSeconds);
  const params: ScheduleParams = {
    maxTokenLifetimeSeconds: positiveInt('maxTokenLifetimeSeconds', options.maxTokenLifetimeSeconds, 1),
    rotationIntervalSeconds: positiveInt('rotationIntervalSeconds', options.rotationIntervalSeconds ?? 30 * DAY, 1),
    prePublishSeconds,
    jwksMaxAgeSeconds,
    skewSeconds: SKEW_SECONDS,
  };
  const refreshMs = 1000 * (options.refreshSeconds ?? Math.max(1, Math.min(300, Math.floor(prePublishSeconds / 4))));
  const generateKey = options.generateKey ?? generateRsaSigningKey;
  const collection: Collection<SigningKeyDoc> = options.storage.collection<SigningKeyDoc>('keys');
  const prefix = `signing/${name}/`;

  const known = new Map<string, SigningKey>();
  const verificationKeys = new WeakMap<SigningKey, VerificationKey>();
  const creating = new Map<string, Promise<SigningKey>>();
  let loadedAt = -Infinity;
  let unknownKidReloadAt = -Infinity;
  let loading: Promise<void> | undefined;

  const nowMs = () => options.clock().getTime();
  const decoder = options.decoder ?? createJwtDecoder();
  const nowSeconds = () => Math.floor(nowMs() / 1000);
  const keys = () => [...known.values()];

  const load = (): Promise<void> => {
    loading ??= (async () => {
      try {
        const seen = new Set<string>();
        let pageToken: string | undefined;
        do {
          const page = await collection.list({ prefix, limit: 1000, ...(pageToken ? { pageToken } : {}) });
          for (const { doc } of page.items) {
            const existing = known.get(doc.seq);
            const key = existing && existing.kid === doc.kid ? existing : signingKeyFromDoc(doc);
            if (key) {
              known.set(key.seq, key);
              seen.add(key.seq);
            }
          }
          pageToken = page.next;
        } while (pageToken);
        // Keys another node deleted after their retention are forgotten here too.
        for (const seq of [...known.keys()]) if (!seen.has(seq)) known.delete(seq);
        loadedAt = nowMs();
      } finally {
        loading = undefined;
      }
    })();
    return loading;
  };

  const fresh = async () => {
    if (known.size === 0 || nowMs() - loadedAt >= refreshMs) await load();
  };

  const create = (seq: number, activatesAt: number): Promise<SigningKey> => {
    const id = seqString(seq);
    let pending = creating.get(id);
    if (!pending) {
      pending = (async () => {
        const doc = newSigningKeyDoc({ ring: name, seq, alg, privateKey: await generateKey(alg), createdAt: nowSeconds(), activatesAt });
        const { doc: stored, created } = await collection.createIfAbsent(`${prefix}${id}`, doc);
        const key = signingKeyFromDoc(stored);
        if (!key) throw new Error(`signing key ${prefix}${id} in storage is malformed`);
        known.set(key.seq, key);
        // Lost a race with another node: its view may be newer than ours in other ways too.
        if (!created) await load();
        return key;
      })().finally(() => creating.delete(id));
      creating.set(id, pending);
    }
    return pending;
  };

  const maxSeq = () => keys().reduce((m, k) => Math.max(m, Number(k.seq)), 0);

  /** Brings the stored ring up to date with the schedule: first key, automatic rotation, cleanup. */
  const maintain = async (): Promise<void> => {
    await fresh();
    const now = nowSeconds();
    if (known.size === 0) {
      await create(1, now);
      return;
    }
    const due = rotationDue(keys(), now, params);
    if (due) await create(maxSeq() + 1, due.activatesAt);
    for (const k of expiredKeys(keys(), now, params)) {
      known.delete(k.seq);
      await collection.delete(`${prefix}${k.seq}`);
    }
  };

  const verificationKey = (k: SigningKey): VerificationKey => {
    let v = verificationKeys.get(k);
    if (!v) {
      v = { kid: k.kid, kty: 'RSA', alg: k.alg, use: 'sig', jwk: { ...k.publicJwk } };
      verificationKeys.set(k, v);
    }
    return v;
  };

  const published = () => publishedKeys(keys(), nowSeconds(), params);

  return {
    name,
    alg,
    jwksMaxAgeSeconds,

    async signJwt(payload, signOptions = {}) {
      const now = nowSeconds();
      const { exp, iat } = payload;
      if (typeof exp !== 'number' || !Number.isSafeInteger(exp) || typeof iat !== 'number' || !Number.isSafeInteger(iat)) {
        throw new Error('signJwt: payload must carry integer iat and exp claims');
      }
      if (exp - now > params.maxTokenLifetimeSeconds) {
        throw new Error(`signJwt: exp is ${exp - now} s away, beyond the ring's maxTokenLifetimeSeconds (${params.maxTokenLifetimeSeconds})`);
      }
      await maintain();
      const key = activeKey(keys(), nowSeconds());
      if (!key) throw new Error(`signing key ring ${name} has no key`);
      const header = { alg: key.alg, kid: key.kid, typ: signOptions.typ ?? 'JWS' };
      const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      // RFC 7518 §3.3: RSASSA-PKCS1-v1_5 (node's default padding for RSA keys) with SHA-2.
      const signature = await rsaSign(HASH[key.alg]!, Buffer.from(input), key.privateKey, signOnThreadPool);
      return `${input}.${signature.toString('base64url')}`;
    },

    async jwks() {
      await maintain();
      return { keys: published().map((k) => ({ kty: 'RSA', n: k.publicJwk.n, e: k.publicJwk.e, kid: k.kid, alg: k.alg, use: 'sig' })) };
    },

    async verifyJwt(token, verifyOptions) {
      const decoded = decoder.decode(token, { requireKid: true, algorithms: ['RS256', 'RS512'] });
      const claims = decoder.claims(decoded);
      await fresh();
      const verified = await decoder.verify(token, decoded, {
        current: async () => published().map(verificationKey),
        // A kid we do not know may be a key another node just created: re-read storage, but at
        // most once per cooldown so forged kids cannot make every request hit the database.
        refreshed: async () => {
          if (nowMs() - unknownKidReloadAt >= UNKNOWN_KID_COOLDOWN_MS) {
            unknownKidReloadAt = nowMs();
            await load();
          }
          return published().map(verificationKey);
        },
      });
      // The one claims validator (src/tokens/claims.ts); a present azp is not judged for our own tokens.
      validateClaims(claims, {
        issuer: verifyOptions.issuer,
        ...(verifyOptions.audience !== undefined ? { audience: { clientIds: [verifyOptions.audience], mode: 'aud', checkAzp: false } } : {}),
        ...(verifyOptions.clockSkewSeconds !== undefined ? { clockSkewSeconds: verifyOptions.clockSkewSeconds } : {}),
        now: nowMs() / 1000,
      });
      return { header: verified.header, claims };
    },

    async rotate(rotateOptions = {}) {
      await load();
      await create(maxSeq() + 1, manualActivation(keys(), nowSeconds(), params, rotateOptions.immediate === true));
    },

    async status() {
      await load();
      const now = nowSeconds();
      const active = activeKey(keys(), now);
      return keys()
        .sort((a, b) => (a.seq < b.seq ? -1 : 1))
        .map((k) => {
          const retired = k === active ? undefined : retiredAt(keys(), k, now);
          const state: SigningKeyStatus['state'] = k === active ? 'active' : retired !== undefined ? 'retired' : 'pending';
          return {
            kid: k.kid,
            alg: k.alg,
            state,
            createdAt: new Date(k.createdAt * 1000),
            activatesAt: new Date(k.activatesAt * 1000),
            ...(retired !== undefined
              ? { retiredAt: new Date(retired * 1000), unpublishedAt: new Date((retired + retentionSeconds(params)) * 1000) }
              : {}),
          };
        });
    },
  };
}
