import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isServiceError } from '../../../src/errors/index.js';
import { initialTags, mergeTags, removeTags } from '../../../src/services/iam/tags.js';

const many = (n: number, p = 'k') => Array.from({ length: n }, (_, i) => ({ Key: `${p}${i}`, Value: `v${i}` }));

test('tagging an existing key in another case replaces it in place', () => {
  const merged = mergeTags([{ Key: 'CostCenter', Value: '1' }, { Key: 'Team', Value: 'a' }], [{ Key: 'costcenter', Value: '2' }]);
  assert.deepEqual(merged, [{ Key: 'costcenter', Value: '2' }, { Key: 'Team', Value: 'a' }]);
});

test('refuses duplicate keys in one request, compared case-insensitively', () => {
  assert.throws(() => initialTags([{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }]), (e: unknown) => isServiceError(e) && e.code === 'InvalidInput');
});

test('allows 50 tags and refuses the 51st with LimitExceeded', () => {
  assert.equal(initialTags(many(50)).length, 50);
  assert.throws(() => mergeTags(many(50), [{ Key: 'one-more', Value: 'x' }]), (e: unknown) => isServiceError(e) && e.code === 'LimitExceeded');
  assert.throws(() => initialTags(many(51)), (e: unknown) => isServiceError(e) && e.code === 'LimitExceeded');
});

test('untagging removes keys case-insensitively and ignores absent keys', () => {
  assert.deepEqual(removeTags([{ Key: 'Env', Value: 'prod' }, { Key: 'Team', Value: 'a' }], ['env', 'missing']), [{ Key: 'Team', Value: 'a' }]);
});
