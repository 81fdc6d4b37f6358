/** The password memo (src/services/cognito-idp/password-memo.ts) on its own, with a controlled clock. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPasswordMemo } from '../../../src/services/cognito-idp/password-memo.js';
import type { PasswordHash } from '../../../src/services/cognito-idp/passwords.js';

const hash = (salt: string, derived = 'ZGVyaXZlZA=='): PasswordHash => ({ alg: 'scrypt', N: 1 << 15, r: 8, p: 1, salt, hash: derived });

function clockAt(startMs = 1_800_000_000_000) {
  let now = startMs;
  return { clock: () => new Date(now), advance: (seconds: number) => (now += seconds * 1000) };
}

test('recalls a remembered password for the same user and stored hash, and nothing else', () => {
  const { clock } = clockAt();
  const memo = createPasswordMemo({ ttlSeconds: 300, clock });
  const stored = hash('c2FsdA==');
  assert.equal(memo.recalls('pool/alice', stored, 'Right-Passw0rd!'), false, 'nothing before remember');
  memo.remember('pool/alice', stored, 'Right-Passw0rd!');
  assert.equal(memo.recalls('pool/alice', stored, 'Right-Passw0rd!'), true);
  assert.equal(memo.recalls('pool/alice', stored, 'Wrong-Passw0rd!'), false, 'another password');
  assert.equal(memo.recalls('pool/alice', stored, 'Right-Passw0rd! '), false, 'a trailing space is another password');
  assert.equal(memo.recalls('pool/bob', stored, 'Right-Passw0rd!'), false, 'another user with the very same stored hash');
  assert.equal(memo.recalls('other/alice', stored, 'Right-Passw0rd!'), false, 'same sub in another pool key');
  assert.deepEqual(memo.stats, { hits: 1, misses: 5, joined: 0 });
});

test('a wrong password leaves the remembered one in place', () => {
  const { clock } = clockAt();
  const memo = createPasswordMemo({ ttlSeconds: 300, clock });
  const stored = hash('c2FsdA==');
  memo.remember('pool/alice', stored, 'Right-Passw0rd!');
  assert.equal(memo.recalls('pool/alice', stored, 'guess-1'), false);
  assert.equal(memo.recalls('pool/alice', stored, 'Right-Passw0rd!'), true);
});

test('a new stored hash (new salt, same password text) is not recalled, and drops the old entry', () => {
  const { clock } = clockAt();
  const memo = createPasswordMemo({ ttlSeconds: 300, clock });
  memo.remember('pool/alice', hash('b2xk'), 'Same-Passw0rd!');
  assert.equal(memo.recalls('pool/alice', hash('bmV3'), 'Same-Passw0rd!'), false, 'new salt');
  assert.equal(memo.size, 0);
  memo.remember('pool/alice', hash('b2xk', 'MQ=='), 'Same-Passw0rd!');
  assert.equal(memo.recalls('pool/alice', hash('b2xk', 'Mg=='), 'Same-Passw0rd!'), false, 'other derived key');
  memo.remember('pool/alice', hash('b2xk'), 'Same-Passw0rd!');
  assert.equal(memo.recalls('pool/alice', { ...hash('b2xk'), N: 1 << 16 }, 'Same-Passw0rd!'), false, 'other parameters');
});

test('an entry lives ttlSeconds from the sign-in that proved it; hits do not extend it', () => {
  const { clock, advance } = clockAt();
  const memo = createPasswordMemo({ ttlSeconds: 300, clock });
  const stored = hash('c2FsdA==');
  memo.remember('pool/alice', stored, 'Right-Passw0rd!');
  advance(299);
  assert.equal(memo.recalls('pool/alice', stored, 'Right-Passw0rd!'), true, 'at 299 s');
  advance(1);
  assert.equal(memo.recalls('pool/alice', stored, 'Right-Passw0rd!'), false, 'at 300 s');
  assert.equal(memo.size, 0, 'the expired entry is gone');
});

test('keeps at most maxEntries users, dropping the least recently used', () => {
  const { clock } = clockAt();
  const memo = createPasswordMemo({ ttlSeconds: 300, maxEntries: 3, clock });
  const stored = hash('c2FsdA==');
  for (const u of ['a', 'b', 'c']) memo.remember(u, stored, 'pw');
  assert.equal(memo.recalls('a', stored, 'pw'), true, 'a used: b is now the oldest');
  memo.remember('d', stored, 'pw');
  assert.equal(memo.size, 3);
  assert.equal(memo.recalls('b', stored, 'pw'), false, 'b was dropped');
  for (const u of ['a', 'c', 'd']) assert.equal(memo.recalls(u, stored, 'pw'), true, `${u} kept`);
});

test('ttlSeconds 0 remembers nothing', () => {
  const { clock } = clockAt();
  const memo = createPasswordMemo({ ttlSeconds: 0, clock });
  const stored = hash('c2FsdA==');
  memo.remember('pool/alice', stored, 'Right-Passw0rd!');
  assert.equal(memo.size, 0);
  assert.equal(memo.recalls('pool/alice', stored, 'Right-Passw0rd!'), false);
});

test('compares passwords in Unicode NFC, as the derivation does', () => {
  const { clock } = clockAt();
  const memo = createPasswordMemo({ ttlSeconds: 300, clock });
  const stored = hash('c2FsdA==');
  memo.remember('pool/zoe', stored, 'Caf\u00e9-Passw0rd!');
  assert.equal(memo.recalls('pool/zoe', stored, 'Cafe\u0301-Passw0rd!'), true);
});

/** A derivation the test finishes by hand, counting how often it was started. */
function manualDerive() {
  const started: Array<(ok: boolean | Error) => void> = [];
  const derive = () =>
    new Promise<boolean>((resolve, reject) => started.push((ok) => (ok instanceof Error ? reject(ok) : resolve(ok))));
  return { derive, started };
}

test('verify: concurrent sign-ins with the same password share one derivation, and the next is recalled', async () => {
  const { clock } = clockAt();
  const memo = createPasswordMemo({ ttlSeconds: 300, clock });
  const stored = hash('c2FsdA==');
  const { derive, started } = manualDerive();
  const calls = Array.from({ length: 5 }, () => memo.verify('pool/alice', stored, 'Right-Passw0rd!', derive));
  await Promise.resolve();
  assert.equal(started.length, 1, 'one derivation for five calls');
  started[0]!(true);
  assert.deepEqual(await Promise.all(calls), [true, true, true, true, true]);
  assert.equal(memo.stats.joined, 4);
  assert.equal(await memo.verify('pool/alice', stored, 'Right-Passw0rd!', derive), true);
  assert.equal(started.length, 1, 'recalled, not derived');
});

test('verify: different passwords, users or stored hashes do not share a derivation', async () => {
  const { clock } = clockAt();
  const memo = createPasswordMemo({ ttlSeconds: 300, clock });
  const { derive, started } = manualDerive();
  const calls = [
    memo.verify('pool/alice', hash('c2FsdA=='), 'Right-Passw0rd!', derive),
    memo.verify('pool/alice', hash('c2FsdA=='), 'Other-Passw0rd!', derive),
    memo.verify('pool/bob', hash('c2FsdA=='), 'Right-Passw0rd!', derive),
    memo.verify('pool/alice', hash('bmV3'), 'Right-Passw0rd!', derive),
  ];
  await Promise.resolve();
  assert.equal(started.length, 4);
  started.forEach((finish, i) => finish(i === 0));
  assert.deepEqual(await Promise.all(calls), [true, false, false, false]);
  assert.equal(memo.stats.joined, 0);
});

test('verify: a refused or failed derivation is shared by its waiters, remembered by nobody, and tried afresh next time', async () => {
  const { clock } = clockAt();
  const memo = createPasswordMemo({ ttlSeconds: 300, clock });
  const stored = hash('c2FsdA==');
  const { derive, started } = manualDerive();
  const wrong = [memo.verify('u', stored, 'guess', derive), memo.verify('u', stored, 'guess', derive)];
  await Promise.resolve();
  started[0]!(false);
  assert.deepEqual(await Promise.all(wrong), [false, false]);
  assert.equal(memo.size, 0);
  const failing = [memo.verify('u', stored, 'pw', derive), memo.verify('u', stored, 'pw', derive)];
  await Promise.resolve();
  assert.equal(started.length, 2, 'a new derivation after the refused one');
  started[1]!(new Error('scrypt failed'));
  for (const f of failing) await assert.rejects(f, /scrypt failed/);
  const again = memo.verify('u', stored, 'pw', derive);
  await Promise.resolve();
  assert.equal(started.length, 3, 'nothing left in flight after a failure');
  started[2]!(true);
  assert.equal(await again, true);
});

test('verify with ttlSeconds 0 derives on every call, concurrent ones included', async () => {
  const { clock } = clockAt();
  const memo = createPasswordMemo({ ttlSeconds: 0, clock });
  const stored = hash('c2FsdA==');
  const { derive, started } = manualDerive();
  const calls = [memo.verify('u', stored, 'pw', derive), memo.verify('u', stored, 'pw', derive)];
  await Promise.resolve();
  assert.equal(started.length, 2);
  for (const finish of started) finish(true);
  assert.deepEqual(await Promise.all(calls), [true, true]);
  assert.equal(memo.size, 0);
});
