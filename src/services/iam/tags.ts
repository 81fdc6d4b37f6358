/**
 * Tag rules shared by roles and OIDC providers (IAMG:id_tags): at most 50 tags per entity; keys
 * are unique case-insensitively (tagging `costcenter` when `CostCenter` exists replaces it, and
 * one request may not name the same key twice); untagging an absent key is not an error.
 */
import { fail } from '../../errors/index.js';
import type { Tag } from './records.js';

export const MAX_TAGS = 50;

function checkNoDuplicateKeys(tags: readonly Tag[]): void {
  const seen = new Set<string>();
  for (const t of tags) {
    const k = t.Key.toLowerCase();
    if (seen.has(k)) fail('InvalidInput', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.', { reason: { check: 'iam.tags.duplicate', actual: t.Key } });
    seen.add(k);
  }
}

/** Tags given at creation time. */
export function initialTags(tags: readonly Tag[] | undefined): Tag[] {
  const list = (tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
  checkNoDuplicateKeys(list);
  if (list.length > MAX_TAGS) tooMany(list.length);
  return list;
}

/** Existing tags with `added` applied: same key (any case) replaces the value in place. */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  checkNoDuplicateKeys(added);
  const out = existing.map((t) => ({ ...t }));
  for (const t of added) {
    const i = out.findIndex((e) => e.Key.toLowerCase() === t.Key.toLowerCase());
    if (i >= 0) out[i] = { Key: t.Key, Value: t.Value ?? '' };
    else out.push({ Key: t.Key, Value: t.Value ?? '' });
  }
  if (out.length > MAX_TAGS) tooMany(out.length);
  return out;
}

export function removeTags(existing: readonly Tag[], keys: readonly string[]): Tag[] {
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  return existing.filter((t) => !drop.has(t.Key.toLowerCase())).map((t) => ({ ...t }));
}

function tooMany(count: number): never {
  return fail('LimitExceeded', `The number of tags has reached the maximum limit of ${MAX_TAGS}.`, {
    reason: { check: 'iam.tags.limit', expected: MAX_TAGS, actual: count },
  });
}
