/**
 * A memo of passwords recently proven right, so that a user who signs in again within a few
 * minutes (a test suite, a script, an app that re-authenticates) does not pay the memory-hard
 * derivation again: scrypt costs tens of milliseconds of CPU and 32 MiB, a memo hit a few
 * microseconds.
 *
 * What it holds, per user (pool id + sub): the stored hash it was proven against and
 * HMAC-SHA256(k, stored hash ‖ 0 ‖ NFC(password)) under a random key `k` made at start-up, kept
 * only in this process's memory and never written anywhere. No password is kept.
 *
 * What it changes, and what it does not:
 * - Only a password that the derivation proved right is ever remembered. A wrong password never
 *   hits (its MAC differs) and is derived in full, so a failure costs what it always cost and says
 *   nothing about whether the user signed in lately.
 * - A hit needs the stored hash to be the one the password was proven against: setting any new
 *   password (AdminSetUserPassword, ChangePassword, a reset — a new salt every time, also for the
 *   same password) makes the memo miss on every node at once, since the user record is read from
 *   storage by every sign-in.
 * - The user's state (enabled, status, temporary password expiry) is checked after the password on
 *   every sign-in, hit or miss.
 * - Entries live `ttlSeconds` from the sign-in that proved them (not renewed by hits) and at most
 *   `maxEntries` are kept (least recently used dropped first).
 * - Sign-ins of one user with the same password that arrive while its derivation runs wait for
 *   that derivation instead of starting their own (a burst of identical sign-ins, e.g. a test
 *   suite's parallel workers starting together, costs one derivation, not one each).
 * - The cost: someone who can read this process's memory can test guesses against a remembered
 *   password at HMAC speed instead of scrypt speed, for as long as the entry lives. Such a reader
 *   also sees passwords in the request buffers of the same process, and the signing keys. Set
 *   TESSERA_PASSWORD_MEMO_SECONDS=0 to turn the memo off.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PasswordHash } from './passwords.js';

export interface PasswordMemoOptions {
  /** How long a proven password is remembered; 0 turns the memo off. */
  ttlSeconds: number;
  /** Most entries kept (LRU). */
  maxEntries?: number;
  clock: () => Date;
  /** The MAC key (tests); a fresh random one by default. */
  key?: Buffer;
}

export const DEFAULT_PASSWORD_MEMO_SECONDS = 300;
export const DEFAULT_PASSWORD_MEMO_ENTRIES = 10_000;

interface Entry {
  stored: string;
  mac: Buffer;
  expiresAt: number;
}

export interface PasswordMemo {
  /**
   * Whether `password` is right for this user's `stored` hash: true at once if recalled, else the
   * outcome of `derive` (the full check), shared with concurrent calls for the same user, stored
   * hash and password; a true outcome is remembered.
   */
  verify(user: string, stored: PasswordHash, password: string, derive: () => Promise<boolean>): Promise<boolean>;
  /**
   * True when `password` was proven right against exactly `stored` for this user less than
   * ttlSeconds ago. False means "not known": the caller derives.
   */
  recalls(user: string, stored: PasswordHash, password: string): boolean;
  /** Remembers a password the caller has just proven right against `stored`. */
  remember(user: string, stored: PasswordHash, password: string): void;
  readonly size: number;
  readonly stats: { hits: number; misses: number; joined: number };
}

/** The stored hash as one string: parameters, salt and derived key (a new salt on every set). */
const storedText = (h: PasswordHash) => `${h.alg}$${h.N}$${h.r}$${h.p}$${h.salt}$${h.hash}`;

export function createPasswordMemo(options: PasswordMemoOptions): PasswordMemo {
  const ttlMs = Math.max(0, options.ttlSeconds) * 1000;
  const maxEntries = options.maxEntries ?? DEFAULT_PASSWORD_MEMO_ENTRIES;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('password memo entries must be an integer >= 1');
  const key = options.key ?? randomBytes(32);
  const entries = new Map<string, Entry>();
  const stats = { hits: 0, misses: 0, joined: 0 };
  /** Derivations running, by user, stored hash and password (as their MAC). */
  const inflight = new Map<string, Promise<boolean>>();
  const mac = (stored: string, password: string) => createHmac('sha256', key).update(stored).update('\0').update(password.normalize('NFC'), 'utf8').digest();

  /** A hit for this user, stored hash (as text) and password; drops an entry that can never hit again. */
  const recall = (user: string, text: string, password: string): boolean => {
    const entry = entries.get(user);
    if (entry && (entry.stored !== text || entry.expiresAt <= options.clock().getTime())) entries.delete(user);
    else if (entry && timingSafeEqual(entry.mac, mac(text, password))) {
      entries.delete(user);
      entries.set(user, entry);
      stats.hits++;
      return true;
    }
    stats.misses++;
    return false;
  };

  const memo: PasswordMemo = {
    async verify(user, stored, password, derive) {
      if (ttlMs === 0) return derive();
      const text = storedText(stored);
      if (recall(user, text, password)) return true;
      const flight = `${user}\0${mac(text, password).toString('base64')}`;
      const running = inflight.get(flight);
      if (running) {
        stats.joined++;
        return running;
      }
      const outcome = (async () => {
        try {
          const ok = await derive();
          if (ok) memo.remember(user, stored, password);
          return ok;
        } finally {
          inflight.delete(flight);
        }
      })();
      inflight.set(flight, outcome);
      return outcome;
    },
    recalls(user, stored, password) {
      return ttlMs !== 0 && recall(user, storedText(stored), password);
    },
    remember(user, stored, password) {
      if (ttlMs === 0) return;
      const text = storedText(stored);
      entries.delete(user);
      entries.set(user, { stored: text, mac: mac(text, password), expiresAt: options.clock().getTime() + ttlMs });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    get size() {
      return entries.size;
    },
    stats,
  };
  return memo;
}
