/**
 * Where user pools live in storage: collection names and id schemes, in one place.
 *
 *   cognito-idp.pools          <userPoolId>
 *   cognito-idp.clients        <userPoolId>/<clientId>          (listing per pool)
 *   cognito-idp.client-index   <clientId> → { userPoolId }      (user-facing ops name only the client)
 *   cognito-idp.domains        <domain prefix>                  (the database makes domains unique)
 *   cognito-idp.idps           <userPoolId>/<ProviderName>
 *   cognito-idp.groups         <userPoolId>/<GroupName>
 *   cognito-idp.resource-servers <userPoolId>/<Identifier>     (custom scopes)
 *   cognito-idp.users          <userPoolId>/<username key>      (key lower-cased in case-insensitive pools)
 *   cognito-idp.user-subs      <userPoolId>/<sub> → { username }
 *   cognito-idp.aliases        <userPoolId>/<attribute>/<value> → { username }  (email / phone sign-in)
 *   cognito-idp.links          <userPoolId>/<ProviderName>/<attribute>/<value> → LinkRecord
 *   cognito-idp.auth-events    <origin_jti>                     (refresh tokens, revocation)
 *   cognito-idp.codes          <userPoolId>/<purpose>/<username key>
 *   cognito-idp.challenges     sha256(Session)                  (single-use challenge state)
 *
 * Uniqueness (one user per name, one domain, one provider name) is the primary key's job.
 */
import { InvalidPageTokenError, type Collection, type Storage } from '../../storage/contract.js';
import { invalidParameter } from './errors.js';
import type {
  AuthEventRecord,
  ChallengeRecord,
  CodePurpose,
  CodeRecord,
  DomainRecord,
  GroupRecord,
  IdentityProviderRecord,
  LinkRecord,
  ResourceServerRecord,
  UserPoolClientRecord,
  UserPoolRecord,
  UserRecord,
} from './records.js';

export interface Stores {
  pools: Collection<UserPoolRecord>;
  clients: Collection<UserPoolClientRecord & { userPoolId: string }>;
  clientIndex: Collection<{ userPoolId: string }>;
  domains: Collection<DomainRecord>;
  idps: Collection<IdentityProviderRecord>;
  groups: Collection<GroupRecord>;
  resourceServers: Collection<ResourceServerRecord>;
  users: Collection<UserRecord>;
  userSubs: Collection<{ username: string }>;
  aliases: Collection<{ username: string }>;
  links: Collection<LinkRecord>;
  authEvents: Collection<AuthEventRecord>;
  codes: Collection<CodeRecord>;
  challenges: Collection<ChallengeRecord>;
}

export function openStores(storage: Storage): Stores {
  return {
    pools: storage.collection('cognito-idp.pools'),
    clients: storage.collection('cognito-idp.clients'),
    clientIndex: storage.collection('cognito-idp.client-index'),
    domains: storage.collection('cognito-idp.domains'),
    idps: storage.collection('cognito-idp.idps'),
    groups: storage.collection('cognito-idp.groups'),
    resourceServers: storage.collection('cognito-idp.resource-servers'),
    users: storage.collection('cognito-idp.users'),
    userSubs: storage.collection('cognito-idp.user-subs'),
    aliases: storage.collection('cognito-idp.aliases'),
    links: storage.collection('cognito-idp.links'),
    authEvents: storage.collection('cognito-idp.auth-events'),
    codes: storage.collection('cognito-idp.codes'),
    challenges: storage.collection('cognito-idp.challenges'),
  };
}

export const ids = {
  inPool: (userPoolId: string, name: string) => `${userPoolId}/${name}`,
  poolPrefix: (userPoolId: string) => `${userPoolId}/`,
  userKey: (caseSensitive: boolean, username: string) => (caseSensitive ? username : username.toLowerCase()),
  alias: (userPoolId: string, attribute: string, value: string) => `${userPoolId}/${attribute}/${value.toLowerCase()}`,
  link: (userPoolId: string, providerName: string, attributeName: string, value: string) => `${userPoolId}/${providerName}/${attributeName}/${value}`,
  code: (userPoolId: string, purpose: CodePurpose, userKey: string) => `${userPoolId}/${purpose}/${userKey}`,
};

/** Every document under a prefix (small per-pool sets: groups, providers, clients). */
export async function listAll<T>(collection: Collection<T>, prefix: string): Promise<Array<{ id: string; doc: T }>> {
  const out: Array<{ id: string; doc: T }> = [];
  let pageToken: string | undefined;
  do {
    const page = await collection.list({ prefix, limit: 1000, ...(pageToken ? { pageToken } : {}) });
    out.push(...page.items);
    pageToken = page.next;
  } while (pageToken);
  return out;
}

/**
 * One page of matching documents: reads storage pages no larger than what is still needed, so
 * a stop never skips an unread item; the returned token resumes after the last item read.
 */
export async function pageOf<T>(
  collection: Collection<T>,
  prefix: string,
  limit: number,
  pageToken: string | undefined,
  keep: (doc: T) => boolean = () => true,
): Promise<{ items: T[]; next?: string }> {
  const items: T[] = [];
  let token = pageToken;
  for (;;) {
    let page;
    try {
      page = await collection.list({ prefix, limit: Math.max(1, limit - items.length), ...(token ? { pageToken: token } : {}) });
    } catch (err) {
      if (err instanceof InvalidPageTokenError) throw invalidParameter('Invalid pagination token.', 'idp.page-token');
      throw err;
    }
    for (const { doc } of page.items) if (keep(doc)) items.push(doc);
    token = page.next;
    if (!token) return { items };
    if (items.length >= limit) return { items, next: token };
  }
}
