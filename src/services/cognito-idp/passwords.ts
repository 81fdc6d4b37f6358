/**
 * Password storage and policy.
 *
 * Hash: scrypt (RFC 7914) with N = 2^15, r = 8, p = 1, a 16-byte random salt and a 32-byte key —
 * OWASP's Password Storage Cheat Sheet floor for scrypt is N = 2^17 with r = 8, p = 1 for new
 * systems; 2^15 keeps a sign-in near 50 ms on a small VM and the parameters travel with every
 * hash, so raising them later needs no migration. Comparison is constant time
 * (crypto.timingSafeEqual). The async scrypt runs on the libuv pool, not the event loop, through
 * a bounded queue that belongs to one Tessera instance (createPasswordHasher).
 *
 * Policy: Cognito's PasswordPolicyType (aws-surface.md §7.1) with AWS's defaults (8 characters,
 * upper, lower, number and symbol required, temporary passwords valid 7 days) and AWS's refusal
 * texts ("Password did not conform with policy: Password not long enough", …).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { idpError, MSG } from './errors.js';
import type { PasswordPolicy } from './records.js';

export interface PasswordHash {
  alg: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
}

export const SCRYPT_PARAMS = { N: 1 << 15, r: 8, p: 1, keyLength: 32 } as const;

/**
 * Derivations that may wait for a slot, per slot. A derivation takes 80–170 ms of a CPU on the
 * machines measured (bench/results), so a full queue is 2.5–5.5 s of waiting; a request that would
 * wait longer is refused at once with TooManyRequestsException "Rate exceeded" (security.md R12:
 * overload is answered with AWS's throttling error, the queue stays bounded), which the SDKs retry
 * with back-off. Without the bound, a flood of sign-ins for many users, or for names that do not
 * exist (which no lockout can stop), would delay every sign-in without limit. Sign-ins answered by
 * the password memo (password-memo.ts) derive nothing and are never refused here.
 */
export const DEFAULT_WAITING_PER_SLOT = 32;

export interface PasswordHasherOptions {
  /**
   * How many derivations run at once (an integer ≥ 1; default: the CPUs). Each holds 128·N·r
   * bytes (32 MiB at the defaults), and more in parallel than there are CPUs only adds memory,
   * not throughput. Processes that share the machine's CPUs (`--workers`) split them: app.ts
   * passes max(1, ⌊CPUs / workers⌋).
   */
  slots?: number;
  /** How many derivations may wait per slot before more are refused (an integer ≥ 0; default DEFAULT_WAITING_PER_SLOT). */
  waitingPerSlot?: number;
}

/**
 * Password hashing and checking through one instance's bounded derivation queue: at most `slots`
 * derivations at a time, callers waiting in arrival order, at most `slots × waitingPerSlot`
 * waiting. Every Tessera instance has its own (created by createUserPools), so two instances in
 * one process never share a limit or a queue.
 */
export interface PasswordHasher {
  readonly slots: number;
  readonly waitingPerSlot: number;
  /** A new scrypt hash of `password` (params: SCRYPT_PARAMS unless given, e.g. cheaper ones in tests). */
  hash(password: string, params?: { N: number; r: number; p: number }): Promise<PasswordHash>;
  /** Whether `password` matches `stored` (constant-time comparison). */
  verify(password: string, stored: PasswordHash): Promise<boolean>;
  /** A check against a stand-in hash, so that unknown users cost the same time as known ones (no user enumeration by timing). */
  burn(password: string): Promise<void>;
}

export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const slots = options.slots ?? Math.max(1, availableParallelism());
  const waitingPerSlot = options.waitingPerSlot ?? DEFAULT_WAITING_PER_SLOT;
  if (!Number.isInteger(slots) || slots < 1) throw new RangeError('password derivation slots must be an integer >= 1');
  if (!Number.isInteger(waitingPerSlot) || waitingPerSlot < 0) throw new RangeError('waiting derivations per slot must be an integer >= 0');
  const limit = slots * waitingPerSlot;
  let running = 0;
  const waiting: Array<() => void> = [];

  async function withDerivationSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (running >= slots) {
      if (waiting.length >= limit) {
        throw idpError('TooManyRequestsException', 'Rate exceeded', {
          check: 'idp.password.derivations-queued',
          expected: `at most ${limit} password checks waiting (${slots} running)`,
          actual: waiting.length,
        });
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else running++;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  }

  function derive(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
    return withDerivationSlot(
      () =>
        new Promise((resolve, reject) => {
          // maxmem must exceed 128·N·r bytes (RFC 7914 §6's V array); allow twice that.
          scrypt(password.normalize('NFC'), salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (err, key) => (err ? reject(err) : resolve(key)));
        }),
    );
  }

  async function hash(password: string, params: { N: number; r: number; p: number } = SCRYPT_PARAMS): Promise<PasswordHash> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, params.N, params.r, params.p, SCRYPT_PARAMS.keyLength);
    return { alg: 'scrypt', N: params.N, r: params.r, p: params.p, salt: salt.toString('base64'), hash: key.toString('base64') };
  }

  async function verify(password: string, stored: PasswordHash): Promise<boolean> {
    const expected = Buffer.from(stored.hash, 'base64');
    const key = await derive(password, Buffer.from(stored.salt, 'base64'), stored.N, stored.r, stored.p, expected.length);
    return key.length === expected.length && timingSafeEqual(key, expected);
  }

  /** The stand-in hash for unknown users, made on first use. */
  let dummy: Promise<PasswordHash> | undefined;
  async function burn(password: string): Promise<void> {
    // A refused or failed creation (a full derivation queue) must not be kept: the next call tries again.
    dummy ??= hash('tessera-dummy-password').catch((err: unknown) => {
      dummy = undefined;
      throw err;
    });
    await verify(password, await dummy);
  }

  return { slots, waitingPerSlot, hash, verify, burn };
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
  TemporaryPasswordValidityDays: 7,
};

/**
 * Cognito's special characters (CG:user-pool-settings-policies): ^ $ * . [ ] { } ( ) ? " ! @ # % &
 * / \ , > < ' : ; | _ ~ ` = + - and the space (non-leading, non-trailing).
 */
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- ');

/** Throws InvalidPasswordException with AWS's wording for the first rule the password breaks. */
export function checkPasswordPolicy(password: string, policy: PasswordPolicy): void {
  const refuse = (why: string): never => {
    throw idpError('InvalidPasswordException', MSG.passwordPolicy(why), { check: 'idp.password-policy', expected: why });
  };
  if ([...password].length < policy.MinimumLength) refuse('Password not long enough');
  if (password !== password.trim()) refuse('Password must not begin or end with a space');
  if (policy.RequireLowercase && !/\p{Ll}/u.test(password)) refuse('Password must have lowercase characters');
  if (policy.RequireUppercase && !/\p{Lu}/u.test(password)) refuse('Password must have uppercase characters');
  if (policy.RequireNumbers && !/[0-9]/.test(password)) refuse('Password must have numeric characters');
  if (policy.RequireSymbols && ![...password].some((c) => SYMBOLS.has(c))) refuse('Password must have symbol characters');
}

/** A temporary password that satisfies `policy` (AdminCreateUser without TemporaryPassword). */
export function generateTemporaryPassword(policy: PasswordPolicy, random: (n: number) => Buffer = randomBytes): string {
  const pick = (alphabet: string, n: number) => [...random(n)].map((b) => alphabet[b % alphabet.length]).join('');
  const core = pick('ABCDEFGHJKLMNPQRSTUVWXYZ', 3) + pick('abcdefghijkmnopqrstuvwxyz', 4) + pick('23456789', 3) + pick('!@#%^*', 2);
  const padding = pick('abcdefghijkmnopqrstuvwxyz23456789', Math.max(0, policy.MinimumLength - core.length));
  return core + padding;
}
