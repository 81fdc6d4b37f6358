import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { isServiceError } from '../../../src/errors/index.js';
import { openHarness, trust, type Harness } from './harness.js';

let h: Harness;
const names: string[] = [];

before(async () => {
  h = await openHarness();
  // 230 roles: more than two storage pages; every third under /odd/ so filtered pages end mid-storage-page.
  for (let i = 0; i < 230; i++) {
    const name = `r${String(i).padStart(3, '0')}`;
    names.push(name);
    await h.call('CreateRole', { RoleName: name, Path: i % 3 === 0 ? '/odd/' : '/', AssumeRolePolicyDocument: trust });
  }
});
after(async () => {
  await h?.close();
});

async function collect(input: Record<string, unknown>): Promise<{ names: string[]; pages: number }> {
  const out: string[] = [];
  let marker: string | undefined;
  let pages = 0;
  do {
    const page = await h.call('ListRoles', { ...input, ...(marker ? { Marker: marker } : {}) });
    pages++;
    out.push(...page.Roles.map((r: { RoleName: string }) => r.RoleName));
    assert.equal(page.IsTruncated, page.Marker !== undefined);
    marker = page.Marker;
  } while (marker);
  return { names: out, pages };
}

test('walking ListRoles with Marker visits every role once, in name order, across storage pages', async () => {
  const { names: seen, pages } = await collect({ MaxItems: 7 });
  assert.deepEqual(seen, names);
  assert.equal(pages, Math.ceil(230 / 7));
});

test('PathPrefix pages resume in the middle of a storage page without loss or repetition', async () => {
  const { names: seen } = await collect({ MaxItems: 11, PathPrefix: '/odd/' });
  assert.deepEqual(seen, names.filter((_, i) => i % 3 === 0));
});

test('without MaxItems a page holds 100 roles', async () => {
  const page = await h.call('ListRoles', {});
  assert.equal(page.Roles.length, 100);
  assert.equal(page.IsTruncated, true);
});

test('a page that exactly holds the remaining roles is not truncated', async () => {
  for (const max of [230, 1000]) {
    const page = await h.call('ListRoles', { MaxItems: max });
    assert.equal(page.Roles.length, 230);
    assert.equal(page.IsTruncated, false);
    assert.equal(page.Marker, undefined);
  }
});

test('a tampered Marker is InvalidInput', async () => {
  for (const marker of ['%%%', Buffer.from('{"s":-1}').toString('base64url'), Buffer.from('{"s":1,"t":"forged"}').toString('base64url')]) {
    await assert.rejects(h.call('ListRoles', { Marker: marker }), (e: unknown) => isServiceError(e) && e.code === 'InvalidInput', marker);
  }
});
