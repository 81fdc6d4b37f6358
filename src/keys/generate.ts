/**
 * Key pairs whose KeyObjects share nothing with Node's key-generation job.
 *
 * On Node 20 a KeyObject returned by generateKeyPair(Sync) shares its lock with the generation
 * job's native object. When that job is garbage-collected in the middle of an export of the key
 * (an export allocates, an allocation may collect), the job's destructor waits for the lock the
 * export holds, on the same thread: the process hangs for good (seen once in this suite, at
 * `export({ format: 'jwk' })`: ExportJWKRsaKey → GC → ~KeyGenJob → uv_mutex_lock). Asking the job
 * for DER encodings instead makes it hand back bytes; the KeyObjects made from them here have
 * their own locks, so no collection of the job can wait on them.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, generateKeyPairSync, type KeyObject } from 'node:crypto';

export type KeyPairSpec = { type: 'rsa'; modulusLength: number; publicExponent?: number } | { type: 'ec'; namedCurve: string };

export interface FreshKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const ENCODINGS = { publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } } as const;

function fromDer(privateDer: Buffer): FreshKeyPair {
  const privateKey = createPrivateKey({ key: privateDer, format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

function options(spec: KeyPairSpec): Record<string, unknown> {
  return spec.type === 'rsa' ? { modulusLength: spec.modulusLength, publicExponent: spec.publicExponent ?? 0x10001 } : { namedCurve: spec.namedCurve };
}

/** A new key pair, generated on libuv's thread pool. */
export function generateFreshKeyPair(spec: KeyPairSpec): Promise<FreshKeyPair> {
  return new Promise((resolve, reject) => {
    // The overloads of generateKeyPair do not take a union of key types; the options are built above.
    (generateKeyPair as (type: string, opts: object, cb: (err: Error | null, pub: Buffer, priv: Buffer) => void) => void)(
      spec.type,
      { ...options(spec), ...ENCODINGS },
      (err, _pub, priv) => (err ? reject(err) : resolve(fromDer(priv))),
    );
  });
}

/** A new key pair, generated on the calling thread. */
export function generateFreshKeyPairSync(spec: KeyPairSpec): FreshKeyPair {
  const { privateKey } = (generateKeyPairSync as (type: string, opts: object) => { privateKey: Buffer })(spec.type, { ...options(spec), ...ENCODINGS });
  return fromDer(privateKey);
}
