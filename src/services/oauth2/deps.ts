/**
 * What the hosted endpoints need from the rest of Tessera. Users, clients, identity providers
 * and tokens belong to the user-pool domain service (services/cognito-idp/user-pools.ts); this
 * folder never stores them itself.
 */
import type { Logger } from 'pino';
import type { Storage } from '../../storage/contract.js';
import type { ClientRecord, UserPools } from '../cognito-idp/user-pools.js';

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
