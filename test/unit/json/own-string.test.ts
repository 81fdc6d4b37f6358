/** ownString (src/json/own-string.ts): an equal string that shares nothing with its argument. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownString } from '../../../src/json/own-string.js';
import { liveHeapMiB } from '../../helpers/heap.js';

test('ownString returns a string equal to its argument, whatever it holds', () => {
  const samples = ['', 'short', 'exactly13char', 'a'.repeat(5000), 'é✓𝄞 mixed scripts and astral 𝄞'.repeat(3), 'lone \ud800 surrogate and \udfff another', 'nul\u0000inside'.repeat(4)];
  for (const s of samples) assert.equal(ownString(s), s);
});

test('a copy made by ownString of a slice does not keep the slice’s parent alive', () => {
  const kept: string[] = [];
  const before = liveHeapMiB();
  for (let i = 0; i < 16; i++) {
    const parent = `${i}:${'x'.repeat(1024 * 1024)}`;
    kept.push(ownString(parent.slice(0, 100)));
  }
  const grown = liveHeapMiB() - before;
  assert.ok(grown < 2, `16 copies of 100-character slices of 1 MiB strings kept ${grown.toFixed(1)} MiB alive`);
  assert.equal(kept.length, 16);
});
