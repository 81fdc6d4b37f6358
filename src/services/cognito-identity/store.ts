/**
 * What Cognito Identity keeps, and where (storage contract collections, design.md §6):
 *
 * - `ci.pools`            `<poolId>`                           → PoolRecord (config, roles, tags, tag maps)
 * - `ci.identities`       `<identityId>`                       → IdentityRecord (lookup by id alone: DescribeIdentity)
 * - `ci.pool-identities`  `<poolId>/<identityId>`              → {} (listing per pool: ListIdentities, ordered, paged)
 * - `ci.logins`           `<poolId>/<enc(providerKey)>/<subject>` → LoginRecord (the one identity a login maps to)
 *
 * `ci.logins` is the source of truth for "which identity owns this login": one document per
 * (pool, provider, subject), created with createIfAbsent, so the database picks the single
 * winner among concurrent first logins (security.md R1) and a login can never map to two
 * identities (R2). The identity record's `logins` list is a view of it, repaired whenever a login
 * is resolved (see identities.ts for the write orders and why a partial write heals).
 */
import type { Collection, Storage } from '../../storage/contract.js';

export interface CognitoProviderConfig {
  ProviderName: string;
  ClientId?: string;
  ServerSideTokenCheck?: boolean;
}

export interface MappingRule {
  Claim: string;
  MatchType: 'Equals' | 'Contains' | 'StartsWith' | 'NotEqual';
  Value: string;
  RoleARN: string;
}

/** The wire shape of RoleMapping (M-CI), stored verbatim. */
export interface RoleMappingConfig {
  Type: 'Token' | 'Rules';
  AmbiguousRoleResolution?: 'AuthenticatedRole' | 'Deny';
  RulesConfiguration?: { Rules: MappingRule[] };
}

export interface PrincipalTagMap {
  useDefaults: boolean;
  tags: Record<string, string>;
}

export interface PoolRecord {
  poolId: string;
  name: string;
  allowUnauthenticated: boolean;
  /** Tri-state: absent stays absent on the wire (aws-surface.md §4.4 quirk, §11). */
  allowClassicFlow?: boolean;
  supportedLoginProviders: Record<string, string>;
  developerProviderName?: string;
  openIdConnectProviderArns: string[];
  cognitoIdentityProviders: CognitoProviderConfig[];
  samlProviderArns: string[];
  tags: Record<string, string>;
  roles: { authenticated?: string; unauthenticated?: string };
  roleMappings: Record<string, RoleMappingConfig>;
  /** Keyed by IdentityProviderName (SetPrincipalTagAttributeMap). */
  principalTagMaps: Record<string, PrincipalTagMap>;
  createdAt: string;
}

export interface LinkedLogin {
  providerKey: string;
  subject: string;
  /** Public (social) providers allow one login per identity (aws-surface.md §4.5). */
  publicProvider: boolean;
}

export interface IdentityRecord {
  identityId: string;
  poolId: string;
  logins: LinkedLogin[];
  /** Set once any login was linked; never cleared (no "unauthenticated token for authenticated identities"). */
  authenticated: boolean;
  /** Merged away: disabled, and every login it had now belongs to `mergedInto`. */
  disabled?: boolean;
  mergedInto?: string;
  createdAt: string;
  lastModifiedAt: string;
}

export interface LoginRecord {
  poolId: string;
  providerKey: string;
  subject: string;
  identityId: string;
  publicProvider: boolean;
  linkedAt: string;
}

export interface CognitoIdentityStore {
  pools: Collection<PoolRecord>;
  identities: Collection<IdentityRecord>;
  poolIdentities: Collection<Record<string, never>>;
  logins: Collection<LoginRecord>;
  /**
   * The pool index entry, then the identity record, each created if absent, in that order and as
   * one write (Storage.createIfAbsentInOrder): a record is never stored unlisted. Returns the
   * stored record (an earlier writer's, if there was one).
   */
  createIdentity(rec: IdentityRecord): Promise<IdentityRecord>;
  /**
   * A first login: the login document, then (only if it was created) the new identity's pool
   * index entry and record, in that order as one write (identities.ts invariant 2). `identity` is
   * the stored record when the login was created; absent when the login existed, whose document
   * (another identity's, or this one's from an earlier call) is then `login`.
   */
  createLoginIdentity(loginDocId: string, login: LoginRecord, rec: IdentityRecord): Promise<{ login: LoginRecord; identity?: IdentityRecord }>;
}

export function cognitoIdentityStore(storage: Storage): CognitoIdentityStore {
  return {
    pools: storage.collection<PoolRecord>('ci.pools'),
    identities: storage.collection<IdentityRecord>('ci.identities'),
    poolIdentities: storage.collection<Record<string, never>>('ci.pool-identities'),
    logins: storage.collection<LoginRecord>('ci.logins'),
    async createIdentity(rec) {
      const [, record] = await storage.createIfAbsentInOrder([
        { collection: 'ci.pool-identities', id: poolIdentityId(rec.poolId, rec.identityId), doc: {} },
        { collection: 'ci.identities', id: rec.identityId, doc: rec },
      ]);
      return record!.doc as IdentityRecord;
    },
    async createLoginIdentity(loginDocId, login, rec) {
      const [stored, , record] = await storage.createIfAbsentInOrder(
        [
          { collection: 'ci.logins', id: loginDocId, doc: login },
          { collection: 'ci.pool-identities', id: poolIdentityId(rec.poolId, rec.identityId), doc: {} },
          { collection: 'ci.identities', id: rec.identityId, doc: rec },
        ],
        { ifFirstCreated: true },
      );
      return { login: stored!.doc as LoginRecord, ...(record ? { identity: record.doc as IdentityRecord } : {}) };
    },
  };
}

/** `/` cannot occur in a pool id, and the provider key is percent-encoded, so the id is injective. */
export function loginId(poolId: string, providerKey: string, subject: string): string {
  return `${poolId}/${encodeURIComponent(providerKey)}/${subject}`;
}

export function poolIdentityId(poolId: string, identityId: string): string {
  return `${poolId}/${identityId}`;
}
