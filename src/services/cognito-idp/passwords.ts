/**
 * Password storage and policy.
 *
 * Hash: scrypt (RFC 7914) with N = 2^15, r = 8, p = 1, a 16-byte random salt and a 32-byte key —
 * OWASP's Password Storage Cheat Sheet floor for scrypt is N = 2^17 with r = 8, p = 1 for new
 * systems; 2^15 keeps a sign-in near 50 ms on a small VM and the parameters travel with every
 * hash, so raising them later needs no migration. Comparison is constant time
 * (crypto.timingSafeEqual). The async scrypt runs on the libuv pool, not the event loop.
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
 * At most one derivation per CPU at a time: each holds 128·N·r bytes (32 MiB at the defaults),
 * and more in parallel than there are CPUs only adds memory, not throughput. Callers queue in
 * arrival order. Processes that share the machine's CPUs (`--workers`) split them:
 * setPasswordDerivationSlots(cpus / workers).
 */
let MAX_CONCURRENT_DERIVATIONS = Math.max(1, availableParallelism());

/** How many derivations this process runs at once (at least 1). */
export function setPasswordDerivationSlots(slots: number): void {
  if (!Number.isInteger(slots) || slots < 1) throw new RangeError('password derivation slots must be an integer >= 1');
  MAX_CONCURRENT_DERIVATIONS = slots;
}

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
let WAITING_PER_SLOT = DEFAULT_WAITING_PER_SLOT;

/** How many derivations may wait per slot before more are refused (tests; at least 0). */
export function setPasswordDerivationQueue(waitingPerSlot: number): void {
  if (!Number.isInteger(waitingPerSlot) || waitingPerSlot < 0) throw new RangeError('waiting derivations per slot must be an integer >= 0');
  WAITING_PER_SLOT = waitingPerSlot;
}

let running = 0;
const waiting: Array<() => void> = [];

async function withDerivationSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_DERIVATIONS) {
    const limit = MAX_CONCURRENT_DERIVATIONS * WAITING_PER_SLOT;
    if (waiting.length >= limit) {
      throw idpError('TooManyRequestsException', 'Rate exceeded', {
        check: 'idp.password.derivations-queued',
        expected: `at most ${limit} password checks waiting (${MAX_CONCURRENT_DERIVATIONS} running)`,
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

export async function hashPassword(password: string, params: { N: number; r: number; p: number } = SCRYPT_PARAMS): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params.N, params.r, params.p, SCRYPT_PARAMS.keyLength);
  return { alg: 'scrypt', N: params.N, r: params.r, p: params.p, salt: salt.toString('base64'), hash: key.toString('base64') };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(password, Buffer.from(stored.salt, 'base64'), stored.N, stored.r, stored.p, expected.length);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A stand-in hash so that unknown users cost the same time as known ones (no user enumeration by timing). */
let dummy: Promise<PasswordHash> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  // A refused or failed creation (a full derivation queue) must not be kept: the next call tries again.
  dummy ??= hashPassword('tessera-dummy-password').catch((err: unknown) => {
    dummy = undefined;
    throw err;
  });
  await verifyPassword(password, await dummy);
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
