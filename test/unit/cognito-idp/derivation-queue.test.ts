/**
 * The password derivation queue (passwords.ts) is bounded: past `slots × waiting per slot`
 * waiting derivations, a password check is refused at once with TooManyRequestsException "Rate
 * exceeded" instead of waiting without limit; what was admitted completes, and the queue serves
 * again once it drains. The queue and its limits belong to one hasher (one per Tessera instance):
 * another hasher in the same process neither sees its load nor shares its limits.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPasswordHasher, DEFAULT_WAITING_PER_SLOT } from '../../../src/services/cognito-idp/passwords.js';
import { ServiceError } from '../../../src/errors/index.js';

const CHEAP = { N: 1 << 10, r: 8, p: 1 };

function outcome(r: PromiseSettledResult<boolean | void>): string {
  if (r.status === 'fulfilled') return String(r.value);
  const e = r.reason as ServiceError;
  return e instanceof ServiceError ? `${e.code}: ${e.message}` : `unexpected ${String(e)}`;
}

describe('password derivation queue', () => {
  it('refuses checks beyond the running ones and the bounded waiting ones with TooManyRequestsException, and runs the admitted ones', async () => {
    const passwords = createPasswordHasher({ slots: 1, waitingPerSlot: 2 });
    const stored = await passwords.hash('Right-pass-1!', CHEAP);
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => passwords.verify(i % 2 ? 'Right-pass-1!' : 'wrong', stored)));
    const outcomes = results.map(outcome);
    assert.deepEqual(outcomes.slice(0, 3), ['false', 'true', 'false'], 'one running and two waiting are checked');
    assert.deepEqual(new Set(outcomes.slice(3)), new Set(['TooManyRequestsException: Rate exceeded']));
    const refused = (results[3] as PromiseRejectedResult).reason as ServiceError;
    assert.equal(refused.status, 400);
    assert.equal(refused.reason?.check, 'idp.password.derivations-queued');
    assert.equal(refused.reason?.actual, 2);
    // Drained: admitted again.
    assert.equal(await passwords.verify('Right-pass-1!', stored), true);
  });

  it('scales the bound with the slots', async () => {
    const passwords = createPasswordHasher({ slots: 2, waitingPerSlot: 1 });
    const stored = await passwords.hash('Right-pass-1!', CHEAP);
    const outcomes = (await Promise.allSettled(Array.from({ length: 6 }, () => passwords.verify('Right-pass-1!', stored)))).map(outcome);
    assert.deepEqual(outcomes.filter((o) => o === 'true').length, 4, 'two running, two waiting');
    assert.deepEqual(outcomes.filter((o) => o.startsWith('TooManyRequestsException')).length, 2);
  });

  it('does not keep a refused stand-in hash: unknown-user checks work again once the queue drains', async () => {
    const passwords = createPasswordHasher({ slots: 1, waitingPerSlot: 0 });
    const stored = await passwords.hash('Right-pass-1!', CHEAP);
    const running = passwords.verify('Right-pass-1!', stored);
    // The stand-in hash for unknown users is made on first use; with the only slot taken and no
    // waiting allowed, making it is refused.
    await assert.rejects(passwords.burn('anything'), (e: unknown) => e instanceof ServiceError && e.code === 'TooManyRequestsException');
    assert.equal(await running, true);
    await passwords.burn('anything');
  });

  it('keeps each hasher’s queue and limits its own: a full hasher refuses while another in the same process admits', async () => {
    const full = createPasswordHasher({ slots: 1, waitingPerSlot: 0 });
    const roomy = createPasswordHasher({ slots: 2, waitingPerSlot: 1 });
    const stored = await roomy.hash('Right-pass-1!', CHEAP);
    // Both start three checks at once: the full one runs one and refuses two, the roomy one runs
    // two and queues one, neither counting the other's.
    const fullOutcomes = Promise.allSettled(Array.from({ length: 3 }, () => full.verify('Right-pass-1!', stored)));
    const roomyOutcomes = Promise.allSettled(Array.from({ length: 3 }, () => roomy.verify('Right-pass-1!', stored)));
    assert.deepEqual((await fullOutcomes).map(outcome), ['true', 'TooManyRequestsException: Rate exceeded', 'TooManyRequestsException: Rate exceeded']);
    assert.deepEqual((await roomyOutcomes).map(outcome), ['true', 'true', 'true']);
  });

  it('refuses limits that are not whole numbers in range, and defaults the queue to DEFAULT_WAITING_PER_SLOT per slot', () => {
    assert.throws(() => createPasswordHasher({ slots: 0 }), RangeError);
    assert.throws(() => createPasswordHasher({ slots: 1.5 }), RangeError);
    assert.throws(() => createPasswordHasher({ waitingPerSlot: -1 }), RangeError);
    assert.equal(createPasswordHasher({ slots: 3 }).waitingPerSlot, DEFAULT_WAITING_PER_SLOT);
  });
});
