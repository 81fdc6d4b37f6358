/**
 * What the hosted endpoints need from the rest of Tessera. Users, clients, identity providers
 * and tokens belong to the user-pool domain service (services/cognito-idp/user-pools.ts); this
 * folder never stores them itself.
 */
import type { Logger } from 'pino';
import type { Storage } from '../../storage/contract.js';
import type { ClientRecord, UserPools } from '../cognito-idp/user-pools.js';
import type { UserRecord } from '../cognito-idp/records.js';

export type { ClientRecord, UserPools };

export interface IssuedTokens {
  idToken?: string;
  accessToken: string;
  refreshToken?: string;
  expiresIn: number;
}

export interface OAuth2Deps {
  userPools: UserPools;
  storage: Storage;
  clock: () => Date;
  /** Public base URL of this listener (no trailing slash), e.g. `https://id.example.com`. */
  publicUrl: string;
  log: Logger;
}

/** A user by name (userInfo needs the stored attributes, not just the token's claims). */
export async function findUser(userPools: UserPools, userPoolId: string, username: string): Promise<UserRecord | undefined> {
  const pool = await userPools.getPool(userPoolId);
  return pool ? userPools.internals.users.find(pool, username) : undefined;
}
