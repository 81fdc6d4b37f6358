/**
 * The read side of IAM for the rest of Tessera: STS looks up roles and identity providers, the
 * authoriser reads a role's or a user's policies, SigV4 authentication looks up users' access
 * keys. Records are copies; the one write is the access key's last use (GetAccessKeyLastUsed).
 *
 * Access keys and users are read from storage on every request (their collections are not
 * cached), so a key made Inactive or deleted is refused at once on every node.
 */
import { NotFoundError, type Storage } from '../../storage/contract.js';
import {
  findOidcProviderByArn,
  findPolicyByArn,
  findRole,
  findRoleByArn,
  findSamlProviderByArn,
  listAll,
} from './lookup.js';
import {
  toOidcProviderRecord,
  toRoleRecord,
  toSamlProviderRecord,
  type OidcProviderRecord,
  type RoleRecord,
  type SamlProviderRecord,
} from './records.js';
import type { StoredAccessKey, StoredUser } from './records.js';
import { accessKeySlotId, iamStore, nameId, ownerPrefix, rolePrefix } from './store.js';

export type { OidcProviderRecord, RoleRecord, SamlProviderRecord, Tag } from './records.js';

export interface IamDirectory {
  getRole(name: string): Promise<RoleRecord | undefined>;
  getRoleByArn(arn: string): Promise<RoleRecord | undefined>;
  /** Inline policies (named by policy name) then attached managed policies (named by ARN), as text. */
  getRolePolicyDocuments(roleName: string): Promise<Array<{ name: string; document: string }>>;
  /** `urlWithoutScheme` as in the provider ARN, e.g. `idp.example.com:8443/realms/x`. */
  getOidcProviderByUrl(urlWithoutScheme: string): Promise<OidcProviderRecord | undefined>;
  getOidcProviderByArn(arn: string): Promise<OidcProviderRecord | undefined>;
  getSamlProviderByArn(arn: string): Promise<SamlProviderRecord | undefined>;
  /** Default version text of a customer managed policy of this account; undefined when absent. */
  getManagedPolicyDocument(arn: string): Promise<string | undefined>;
  /** A user's tags and policies (its own, then its groups'); undefined when the user with this id is gone. */
  getUserAuthorization(userName: string, userId: string): Promise<{ tags: Array<{ Key: string; Value: string }>; documents: Array<{ name: string; document: string }> } | undefined>;
  /** The access key and its user, when both exist and the key was written for this very user. */
  getAccessKey(accessKeyId: string): Promise<{ key: StoredAccessKey; user: StoredUser } | undefined>;
  /**
   * Notes that a key signed a request (GetAccessKeyLastUsed). Written at most once a minute per
   * key and service/region, so a busy key does not turn every request into a write.
   */
  recordAccessKeyUse(accessKeyId: string, serviceName: string, region: string, now: Date): Promise<void>;
}

/** How stale a recorded last use may get before a request writes it again. */
const LAST_USED_GRANULARITY_MS = 60_000;
/** Bound of the per-instance memo of recorded key uses (cleared when full). */
const MAX_RECENT_USES = 10_000;

export function createIamDirectory(storage: Storage, accountId: string): IamDirectory {
  const store = iamStore(storage);
  /** accessKeyId, service and region → epoch ms of the last use recorded or seen recorded (recordAccessKeyUse). */
  const recentUses = new Map<string, number>();
  return {
    async getRole(name) {
      const role = await findRole(store, name);
      return role && toRoleRecord(role);
    },
    async getRoleByArn(arn) {
      const role = await findRoleByArn(store, accountId, arn);
      return role && toRoleRecord(role);
    },
    async getRolePolicyDocuments(roleName) {
      const role = await findRole(store, roleName);
      if (!role) return [];
      const prefix = rolePrefix(roleName);
      const [allInline, allAttached] = await Promise.all([listAll(store.rolePolicies, prefix), listAll(store.attachments, prefix)]);
      // Only what was written for this very role (same AROA id), never a deleted namesake's.
      const inline = allInline.filter((p) => p.roleId === role.roleId);
      const attached = allAttached.filter((a) => a.roleId === role.roleId);
      const out = inline.map((p) => ({ name: p.policyName, document: p.document }));
      const managed = await Promise.all(attached.map((a) => findPolicyByArn(store, accountId, a.policyArn)));
      for (const policy of managed) if (policy) out.push({ name: policy.arn, document: policy.document });
      return out;
    },
    async getOidcProviderByUrl(urlWithoutScheme) {
      const provider = await store.oidcProviders.get(urlWithoutScheme);
      return provider && toOidcProviderRecord(provider);
    },
    async getOidcProviderByArn(arn) {
      const provider = await findOidcProviderByArn(store, accountId, arn);
      return provider && toOidcProviderRecord(provider);
    },
    async getSamlProviderByArn(arn) {
      const provider = await findSamlProviderByArn(store, accountId, arn);
      return provider && toSamlProviderRecord(provider);
    },
    async getManagedPolicyDocument(arn) {
      const policy = await findPolicyByArn(store, accountId, arn);
      return policy?.document;
    },
    async getUserAuthorization(userName, userId) {
      const user = await store.users.get(nameId(userName));
      if (!user || user.userId !== userId) return undefined;
      const prefix = ownerPrefix(userName);
      const [inline, attached, memberships] = await Promise.all([
        listAll(store.userPolicies, prefix),
        listAll(store.userAttachments, prefix),
        listAll(store.userGroups, prefix),
      ]);
      const documents: Array<{ name: string; document: string }> = [];
      for (const p of inline) if (p.ownerId === userId) documents.push({ name: p.policyName, document: p.document });
      const managed = await Promise.all(attached.filter((a) => a.ownerId === userId).map((a) => findPolicyByArn(store, accountId, a.policyArn)));
      for (const policy of managed) if (policy) documents.push({ name: policy.arn, document: policy.document });
      for (const m of memberships) {
        if (m.userId !== userId) continue;
        const group = await store.groups.get(nameId(m.groupName));
        if (!group || group.groupId !== m.groupId) continue;
        const groupPrefix = ownerPrefix(group.groupName);
        const [groupInline, groupAttached] = await Promise.all([listAll(store.groupPolicies, groupPrefix), listAll(store.groupAttachments, groupPrefix)]);
        for (const p of groupInline) if (p.ownerId === group.groupId) documents.push({ name: `group ${group.groupName}: ${p.policyName}`, document: p.document });
        const groupManaged = await Promise.all(groupAttached.filter((a) => a.ownerId === group.groupId).map((a) => findPolicyByArn(store, accountId, a.policyArn)));
        for (const policy of groupManaged) if (policy) documents.push({ name: `group ${group.groupName}: ${policy.arn}`, document: policy.document });
      }
      return { tags: user.tags.map((t) => ({ ...t })), documents };
    },
    async getAccessKey(accessKeyId) {
      const where = await store.accessKeyIds.get(accessKeyId);
      if (!where) return undefined;
      const key = await store.accessKeys.get(accessKeySlotId(where.userName, where.slot));
      if (!key || key.accessKeyId !== accessKeyId) return undefined;
      const user = await store.users.get(nameId(key.userName));
      if (!user || user.userId !== key.userId) return undefined;
      return { key, user };
    },
    async recordAccessKeyUse(accessKeyId, serviceName, region, now) {
      // A use this instance recorded (or found recorded) less than the granularity ago needs no
      // read: getAccessKey has just read the same records for the request being served.
      const memoKey = `${accessKeyId}\n${serviceName}\n${region}`;
      const seen = recentUses.get(memoKey);
      if (seen !== undefined && now.getTime() - seen < LAST_USED_GRANULARITY_MS) return;
      if (recentUses.size >= MAX_RECENT_USES) recentUses.clear();
      const where = await store.accessKeyIds.get(accessKeyId);
      if (!where) return;
      const slotId = accessKeySlotId(where.userName, where.slot);
      const key = await store.accessKeys.get(slotId);
      const fresh = (k: StoredAccessKey) =>
        k.lastUsed !== undefined &&
        k.lastUsed.serviceName === serviceName &&
        k.lastUsed.region === region &&
        now.getTime() - Date.parse(k.lastUsed.date) < LAST_USED_GRANULARITY_MS;
      if (!key || key.accessKeyId !== accessKeyId) return;
      if (fresh(key)) {
        recentUses.set(memoKey, Date.parse(key.lastUsed!.date));
        return;
      }
      try {
        await store.accessKeys.update(slotId, (k) => (k.accessKeyId !== accessKeyId || fresh(k) ? k : { ...k, lastUsed: { date: now.toISOString(), serviceName, region } }));
        recentUses.set(memoKey, now.getTime());
      } catch (e) {
        // Deleted meanwhile: nothing to note.
        if (!(e instanceof NotFoundError)) throw e;
      }
    },
  };
}
