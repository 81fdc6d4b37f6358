/** The pure rotation schedule (signing-schedule.ts), table-driven over key times and `now`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeKey, expiredKeys, manualActivation, publishedKeys, retiredAt, rotationDue, type ScheduleParams } from '../../../src/keys/signing-schedule.js';

const P: ScheduleParams = { maxTokenLifetimeSeconds: 1000, rotationIntervalSeconds: 10_000, prePublishSeconds: 100, jwksMaxAgeSeconds: 50, skewSeconds: 300 };
const k = (seq: number, createdAt: number, activatesAt: number) => ({ seq: String(seq).padStart(6, '0'), createdAt, activatesAt });
const K1 = k(1, 0, 0);
const K2 = k(2, 9900, 10_000);
const K3 = k(3, 19_900, 20_000);

test('the active key is the newest one already activated', () => {
  const cases: Array<[number, string]> = [
    [0, '000001'],
    [9999, '000001'],
    [10_000, '000002'],
    [25_000, '000003'],
  ];
  for (const [now, seq] of cases) assert.equal(activeKey([K3, K1, K2], now)?.seq, seq, `now=${now}`);
});

test('with no key activated yet (a lagging clock), the earliest-activating key signs', () => {
  assert.equal(activeKey([k(1, 100, 100)], 50)?.seq, '000001');
});

test('a key retires when its successor activates', () => {
  assert.equal(retiredAt([K1, K2], K1, 9999), undefined);
  assert.equal(retiredAt([K1, K2], K1, 10_000), 10_000);
  assert.equal(retiredAt([K1, K2, K3], K2, 30_000), 20_000);
});

test('published keys: pending and active always; retired ones until retirement + lifetime + skew + max-age', () => {
  const retention = 1000 + 300 + 50;
  const cases: Array<[number, string[]]> = [
    [9950, ['000001', '000002']],
    [10_000 + retention - 1, ['000001', '000002']],
    [10_000 + retention, ['000002']],
  ];
  for (const [now, seqs] of cases) assert.deepEqual(publishedKeys([K1, K2], now, P).map((x) => x.seq), seqs, `now=${now}`);
  assert.deepEqual(expiredKeys([K1, K2], 10_000 + retention, P).map((x) => x.seq), ['000001']);
});

test('rotation is due prePublishSeconds before the interval ends, never while a successor is pending', () => {
  assert.equal(rotationDue([K1], 9899, P), undefined);
  assert.deepEqual(rotationDue([K1], 9900, P), { activatesAt: 10_000 });
  assert.deepEqual(rotationDue([K1], 50_000, P), { activatesAt: 50_100 });
  assert.equal(rotationDue([K1, K2], 9950, P), undefined);
  assert.equal(rotationDue([], 0, P), undefined);
});

test('a manual rotation activates after the window, never before a pending key, or at once when immediate', () => {
  assert.equal(manualActivation([K1], 500, P, false), 600);
  assert.equal(manualActivation([K1, k(2, 500, 5000)], 600, P, false), 5000);
  assert.equal(manualActivation([K1], 500, P, true), 500);
});
