/** The lockout arithmetic of src/services/cognito-idp/lockout.ts (Cognito's published rule). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { afterFailure, effectiveFailures, lockedUntil, lockSeconds, LOCKOUT, type SignInFailures } from '../../../src/services/cognito-idp/lockout.js';

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);

/** Failures n times, each one at the moment the previous lockout (if any) ends. */
function failures(n: number, start = T0): { state: SignInFailures | undefined; at: number } {
  let state: SignInFailures | undefined;
  let at = start;
  for (let i = 0; i < n; i++) {
    state = afterFailure(state, at);
    at = state.lockedUntilMs ?? at + 1000;
  }
  return { state, at };
}

describe('sign-in lockout arithmetic', () => {
  it('lets five wrong passwords pass without a lockout', () => {
    const { state } = failures(4);
    assert.equal(state!.count, 4);
    assert.equal(state!.lockedUntilMs, undefined);
    const fifth = afterFailure(state, T0 + 10_000);
    assert.equal(fifth.count, 5);
    assert.equal(fifth.lockedUntilMs, T0 + 10_000 + 1000, 'the fifth failure locks for 2^0 = 1 s');
  });

  it('doubles the lockout with each further failure, up to 900 seconds', () => {
    assert.deepEqual([4, 5, 6, 7, 8, 14, 15, 16, 40, 10_000].map(lockSeconds), [0, 1, 2, 4, 8, 512, 900, 900, 900, 900]);
    const { state } = failures(8);
    assert.equal(state!.count, 8);
    assert.equal(state!.lockedUntilMs! - state!.lastAtMs, 8000);
  });

  it('reports a lockout only while it lasts', () => {
    const { state } = failures(5);
    const until = state!.lockedUntilMs!;
    assert.equal(lockedUntil(state, until - 1), until);
    assert.equal(lockedUntil(state, until), undefined, 'over at its end');
    assert.equal(lockedUntil(undefined, T0), undefined);
    assert.equal(lockedUntil(failures(4).state, T0), undefined, 'no lockout below the threshold');
  });

  it('forgets every failure after 15 quiet minutes counted from the end of the last lockout', () => {
    const { state } = failures(15);
    const until = state!.lockedUntilMs!;
    assert.equal(until - state!.lastAtMs, LOCKOUT.maxLockSeconds * 1000);
    const quiet = LOCKOUT.quietResetSeconds * 1000;
    assert.equal(effectiveFailures(state, until + quiet - 1), state, 'one millisecond short of the quiet spell');
    assert.equal(effectiveFailures(state, until + quiet), undefined);
    // Right after the lockout the count goes on; after the quiet spell it starts again.
    assert.equal(afterFailure(state, until).count, 16);
    const fresh = afterFailure(state, until + quiet);
    assert.deepEqual(fresh, { count: 1, lastAtMs: until + quiet });
  });

  it('forgets failures below the threshold after 15 quiet minutes too', () => {
    const { state } = failures(3);
    const last = state!.lastAtMs;
    assert.equal(afterFailure(state, last + LOCKOUT.quietResetSeconds * 1000 - 1).count, 4);
    assert.equal(afterFailure(state, last + LOCKOUT.quietResetSeconds * 1000).count, 1);
  });
});
