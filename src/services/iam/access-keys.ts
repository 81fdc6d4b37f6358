/**
 * Long-term access keys of IAM users (IAMG:id_credentials_access-keys): `AKIA…` ids, 40-character
 * secrets shown once by CreateAccessKey and stored only sealed with the server's sealing keys
 * (credentials/access-key-secret.ts), Active or Inactive, at most two per user.
 *
 * The limit is kept by the database: a user has two slots (`iam.access-key-slots`,
 * `<user>/1` and `<user>/2`) and a key is created only after claiming a free one with
 * createIfAbsent, so two CreateAccessKey calls racing on two nodes cannot make a third key. The
 * key itself lives under its id in `iam.access-keys`, which SigV4 authentication reads on every
 * request (directory.ts). Deleting removes the key first, so it is refused at once, then the slot.
 */
import { fail } from '../../errors/index.js';
import { generateAccessKeyId, generateSecretAccessKey } from '../../credentials/ids.js';
import type { IamEnv } from './env.js';
import { confirmOwnerStillThere } from './owners.js';
import { listAll } from './lookup.js';
import type { StoredAccessKey, StoredUser } from './records.js';
import { ownerPrefix } from './store.js';

/** IAMG:reference_iam-quotas "Access keys assigned to an IAM user": 2. */
export const ACCESS_KEYS_PER_USER = 2;

function slotId(userName: string, slot: number): string {
  return `${ownerPrefix(userName)}${slot}`;
}

export function noSuchAccessKey(accessKeyId: string): never {
  return fail('NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found.`, { reason: { check: 'iam.access-key.exists', actual: accessKeyId } });
}

/** Claims a free slot of `user` for `accessKeyId`; LimitExceeded when both hold a live key. */
async function claimSlot(env: IamEnv, user: StoredUser, accessKeyId: string): Promise<number> {
  for (let slot = 1; slot <= ACCESS_KEYS_PER_USER; slot++) {
    const id = slotId(user.userName, slot);
    const { doc, created } = await env.store.accessKeySlots.createIfAbsent(id, { accessKeyId, userId: user.userId });
    if (created) return slot;
    // A slot left behind by a deleted namesake, or by a delete interrupted between its two
    // writes, holds no live key of this user: free it and try it again.
    const key = await env.store.accessKeys.get(doc.accessKeyId);
    if (doc.userId !== user.userId || !key || key.userId !== user.userId) {
      await env.store.accessKeySlots.delete(id);
      const retry = await env.store.accessKeySlots.createIfAbsent(id, { accessKeyId, userId: user.userId });
      if (retry.created) return slot;
    }
  }
  return fail('LimitExceeded', `Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER}`, {
    reason: { check: 'iam.quota.access-keys-per-user', expected: ACCESS_KEYS_PER_USER },
  });
}

/** Creates an Active key for `user`; the only time the secret leaves the server is this result. */
export async function createAccessKey(env: IamEnv, user: StoredUser, now: Date): Promise<{ key: StoredAccessKey; secretAccessKey: string }> {
  if (!env.secrets) throw new Error('IAM was built without an access key sealer');
  const random = env.random ? (n: number) => Buffer.from(env.random!(n)) : undefined;
  const accessKeyId = generateAccessKeyId('AKIA', random);
  const secretAccessKey = generateSecretAccessKey(random);
  const sealedSecret = await env.secrets.sealSecret(accessKeyId, secretAccessKey);
  const slot = await claimSlot(env, user, accessKeyId);
  const key: StoredAccessKey = {
    accessKeyId,
    userName: user.userName,
    userId: user.userId,
    sealedSecret,
    status: 'Active',
    slot,
    createDate: now.toISOString(),
  };
  try {
    await env.store.accessKeys.create(accessKeyId, key);
  } catch (e) {
    await env.store.accessKeySlots.delete(slotId(user.userName, slot));
    throw e;
  }
  await confirmOwnerStillThere(env, 'user', user.userName, user.userId, async () => {
    await env.store.accessKeys.delete(accessKeyId);
    await env.store.accessKeySlots.delete(slotId(user.userName, slot));
  });
  return { key, secretAccessKey };
}

/** The user's live keys, in slot order. */
export async function listUserKeys(env: IamEnv, user: StoredUser): Promise<StoredAccessKey[]> {
  const slots = await listAll(env.store.accessKeySlots, ownerPrefix(user.userName));
  const keys = await Promise.all(slots.filter((s) => s.userId === user.userId).map((s) => env.store.accessKeys.get(s.accessKeyId)));
  return keys.filter((k): k is StoredAccessKey => k !== undefined && k.userId === user.userId);
}

/** A key of this user, else NoSuchEntity (a key of another user is not found either). */
export async function requireUserKey(env: IamEnv, user: StoredUser, accessKeyId: string): Promise<StoredAccessKey> {
  const key = await env.store.accessKeys.get(accessKeyId);
  if (!key || key.userId !== user.userId) noSuchAccessKey(accessKeyId);
  return key;
}

/** Deletes the key (refused from now on) and then its slot. */
export async function deleteAccessKey(env: IamEnv, key: StoredAccessKey): Promise<void> {
  if (!(await env.store.accessKeys.delete(key.accessKeyId))) noSuchAccessKey(key.accessKeyId);
  const id = slotId(key.userName, key.slot);
  const slot = await env.store.accessKeySlots.get(id);
  if (slot && slot.accessKeyId === key.accessKeyId) await env.store.accessKeySlots.delete(id);
}

/** Whether `userName` still holds a key slot (DeleteUser refuses while it does). */
export async function hasAccessKeys(env: IamEnv, user: StoredUser): Promise<boolean> {
  return (await listUserKeys(env, user)).length > 0;
}

/** Removes every key and slot stored under `userName` (after the user was deleted). */
export async function sweepUserKeys(env: IamEnv, userName: string): Promise<void> {
  const prefix = ownerPrefix(userName);
  const page = await listAll(env.store.accessKeySlots, prefix);
  for (const s of page) await env.store.accessKeys.delete(s.accessKeyId);
  for (let slot = 1; slot <= ACCESS_KEYS_PER_USER; slot++) await env.store.accessKeySlots.delete(slotId(userName, slot));
}
