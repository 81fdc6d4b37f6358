/**
 * Long-term access keys of IAM users (IAMG:id_credentials_access-keys): `AKIA…` ids, 40-character
 * secrets shown once by CreateAccessKey and stored only sealed with the server's sealing keys
 * (credentials/access-key-secret.ts), Active or Inactive, at most two per user.
 *
 * The limit is kept by the database: a user has two slots in `iam.access-keys`
 * (`<user>/1` and `<user>/2`) and a key's record is written into a free one with createIfAbsent,
 * so CreateAccessKey calls racing on several nodes cannot make a third key. `iam.access-key-ids`
 * maps a key id to its slot; SigV4 authentication reads both on every request (directory.ts), so
 * a key made Inactive or deleted is refused at once on every node. Deleting removes the record
 * first (refused from then on), then the id.
 */
import { fail } from '../../errors/index.js';
import { generateAccessKeyId, generateSecretAccessKey } from '../../credentials/ids.js';
import { NotFoundError } from '../../storage/contract.js';
import type { IamEnv } from './env.js';
import { listAll } from './lookup.js';
import { confirmOwnerStillThere } from './owners.js';
import type { StoredAccessKey, StoredUser } from './records.js';
import { accessKeySlotId, ownerPrefix } from './store.js';

/** IAMG:reference_iam-quotas "Access keys assigned to an IAM user": 2. */
export const ACCESS_KEYS_PER_USER = 2;

export function noSuchAccessKey(accessKeyId: string): never {
  return fail('NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found.`, { reason: { check: 'iam.access-key.exists', actual: accessKeyId } });
}

/** Writes `key` into a free slot of `user`; LimitExceeded when both hold a key of this user. */
async function claimSlot(env: IamEnv, user: StoredUser, key: Omit<StoredAccessKey, 'slot'>): Promise<StoredAccessKey> {
  for (let slot = 1; slot <= ACCESS_KEYS_PER_USER; slot++) {
    const id = accessKeySlotId(user.userName, slot);
    const record: StoredAccessKey = { ...key, slot };
    const { doc, created } = await env.store.accessKeys.createIfAbsent(id, record);
    if (created) return record;
    // A key left behind by a deleted namesake user is no key of this user: its slot is free.
    if (doc.userId !== user.userId) {
      await env.store.accessKeyIds.delete(doc.accessKeyId);
      await env.store.accessKeys.delete(id);
      if ((await env.store.accessKeys.createIfAbsent(id, record)).created) return record;
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
  const key = await claimSlot(env, user, {
    accessKeyId,
    userName: user.userName,
    userId: user.userId,
    sealedSecret,
    status: 'Active',
    createDate: now.toISOString(),
  });
  const slotId = accessKeySlotId(user.userName, key.slot);
  try {
    await env.store.accessKeyIds.create(accessKeyId, { userName: user.userName, userId: user.userId, slot: key.slot });
  } catch (e) {
    await env.store.accessKeys.delete(slotId);
    throw e;
  }
  await confirmOwnerStillThere(env, 'user', user.userName, user.userId, async () => {
    await env.store.accessKeys.delete(slotId);
    await env.store.accessKeyIds.delete(accessKeyId);
  });
  return { key, secretAccessKey };
}

/** The record of a key by its id, when its slot still holds it; undefined otherwise. */
export async function findAccessKey(env: IamEnv, accessKeyId: string): Promise<StoredAccessKey | undefined> {
  const where = await env.store.accessKeyIds.get(accessKeyId);
  if (!where) return undefined;
  const key = await env.store.accessKeys.get(accessKeySlotId(where.userName, where.slot));
  return key && key.accessKeyId === accessKeyId && key.userId === where.userId ? key : undefined;
}

/** The user's keys, in slot order. */
export async function listUserKeys(env: IamEnv, user: StoredUser): Promise<StoredAccessKey[]> {
  const keys = await listAll(env.store.accessKeys, ownerPrefix(user.userName));
  return keys.filter((k) => k.userId === user.userId);
}

/** A key of this user, else NoSuchEntity (a key of another user is not found either). */
export async function requireUserKey(env: IamEnv, user: StoredUser, accessKeyId: string): Promise<StoredAccessKey> {
  const key = await findAccessKey(env, accessKeyId);
  if (!key || key.userId !== user.userId) noSuchAccessKey(accessKeyId);
  return key;
}

/** Compare-and-swap update of a key's record; NoSuchEntity when it was deleted meanwhile. */
export async function updateAccessKey(env: IamEnv, key: StoredAccessKey, updater: (k: StoredAccessKey) => StoredAccessKey): Promise<void> {
  try {
    await env.store.accessKeys.update(accessKeySlotId(key.userName, key.slot), (k) => {
      if (k.accessKeyId !== key.accessKeyId) noSuchAccessKey(key.accessKeyId);
      return updater(k);
    });
  } catch (e) {
    if (e instanceof NotFoundError) noSuchAccessKey(key.accessKeyId);
    throw e;
  }
}

/** Deletes the key's record (refused from now on) and then its id. */
export async function deleteAccessKey(env: IamEnv, key: StoredAccessKey): Promise<void> {
  const slotId = accessKeySlotId(key.userName, key.slot);
  const current = await env.store.accessKeys.get(slotId);
  if (!current || current.accessKeyId !== key.accessKeyId || !(await env.store.accessKeys.delete(slotId))) noSuchAccessKey(key.accessKeyId);
  await env.store.accessKeyIds.delete(key.accessKeyId);
}

/** Whether `user` still holds a key (DeleteUser refuses while it does). */
export async function hasAccessKeys(env: IamEnv, user: StoredUser): Promise<boolean> {
  return (await listUserKeys(env, user)).length > 0;
}

/** Removes every key stored under `userName` (after the user was deleted). */
export async function sweepUserKeys(env: IamEnv, userName: string): Promise<void> {
  for (const k of await listAll(env.store.accessKeys, ownerPrefix(userName))) {
    await env.store.accessKeys.delete(accessKeySlotId(userName, k.slot));
    await env.store.accessKeyIds.delete(k.accessKeyId);
  }
}
