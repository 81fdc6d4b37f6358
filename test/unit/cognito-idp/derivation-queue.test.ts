/**
 * The password derivation queue (passwords.ts) is bounded: past `slots × waiting per slot`
 * waiting derivations, a password check is refused at once with TooManyRequestsException "Rate
 * exceeded" instead of waiting without limit; what was admitted completes, and the queue serves
 * again once it drains.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  burnPasswordCheck,
  DEFAULT_WAITING_PER_SLOT,
  hashPassword,
  setPasswordDerivationQueue,
  setPasswordDerivationSlots,
  verifyPassword,
} from '../../../src/services/cognito-idp/passwords.js';
import { ServiceError } from '../../../src/errors/index.js';

const CHEAP = { N: 1 << 10, r: 8, p: 1 };

function outcome(r: PromiseSettledResult<boolean | void>): string {
  if (r.status === 'fulfilled') return String(r.value);
  const e = r.reason as ServiceError;
  return e instanceof ServiceError ? `${e.code}: ${e.message}` : `unexpected ${String(e)}`;
}

describe('password derivation queue', () => {
  after(() => {
    setPasswordDerivationSlots(1);
    setPasswordDerivationQueue(DEFAULT_WAITING_PER_SLOT);
  });

  it('refuses checks beyond the running ones and the bounded waiting ones with TooManyRequestsException, and runs the admitted ones', async () => {
    const stored = await hashPassword('Right-pass-1!', CHEAP);
    setPasswordDerivationSlots(1);
    setPasswordDerivationQueue(2);
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => verifyPassword(i % 2 ? 'Right-pass-1!' : 'wrong', stored)));
    const outcomes = results.map(outcome);
    assert.deepEqual(outcomes.slice(0, 3), ['false', 'true', 'false'], 'one running and two waiting are checked');
    assert.deepEqual(new Set(outcomes.slice(3)), new Set(['TooManyRequestsException: Rate exceeded']));
    const refused = (results[3] as PromiseRejectedResult).reason as ServiceError;
    assert.equal(refused.status, 400);
    assert.equal(refused.reason?.check, 'idp.password.derivations-queued');
    assert.equal(refused.reason?.actual, 2);
    // Drained: admitted again.
    assert.equal(await verifyPassword('Right-pass-1!', stored), true);
  });

  it('scales the bound with the slots', async () => {
    const stored = await hashPassword('Right-pass-1!', CHEAP);
    setPasswordDerivationSlots(2);
    setPasswordDerivationQueue(1);
    const outcomes = (await Promise.allSettled(Array.from({ length: 6 }, () => verifyPassword('Right-pass-1!', stored)))).map(outcome);
    assert.deepEqual(outcomes.filter((o) => o === 'true').length, 4, 'two running, two waiting');
    assert.deepEqual(outcomes.filter((o) => o.startsWith('TooManyRequestsException')).length, 2);
  });

  it('does not keep a refused stand-in hash: unknown-user checks work again once the queue drains', async () => {
    const stored = await hashPassword('Right-pass-1!', CHEAP);
    setPasswordDerivationSlots(1);
    setPasswordDerivationQueue(0);
    const running = verifyPassword('Right-pass-1!', stored);
    // The stand-in hash for unknown users is made on first use; with the only slot taken and no
    // waiting allowed, making it is refused.
    await assert.rejects(burnPasswordCheck('anything'), (e: unknown) => e instanceof ServiceError && e.code === 'TooManyRequestsException');
    assert.equal(await running, true);
    await burnPasswordCheck('anything');
  });
});
