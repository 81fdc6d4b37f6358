/**
 * What the hosted endpoints need from the rest of Tessera. Users, clients, identity providers
 * and tokens belong to the user-pool domain service (services/cognito-idp/user-pools.ts); this
 * folder never stores them itself. `UserPoolsPort` is the subset of that service's `UserPools`
 * this folder calls, so the OAuth code states exactly what it depends on.
 */
import type { Logger } from 'pino';
import type { Storage } from '../../storage/contract.js';
import type {
  IdentityProviderRecord,
  UserPoolClientRecord,
  UserPoolRecord,
  UserRecord,
} from '../cognito-idp/records.js';

export interface IssuedTokens {
  idToken?: string;
  accessToken: string;
  refreshToken?: string;
  expiresIn: number;
}

export type ClientRecord = UserPoolClientRecord & { userPoolId: string };

export interface UserPoolsPort {
  issuer(userPoolId: string): string;
  getPool(userPoolId: string): Promise<UserPoolRecord | undefined>;
  getClient(clientId: string): Promise<ClientRecord | undefined>;
  getDomain(domain: string): Promise<{ domain: string; userPoolId: string } | undefined>;
  getIdentityProvider(userPoolId: string, providerName: string): Promise<IdentityProviderRecord | undefined>;
  findIdentityProviderByIdentifier(userPoolId: string, idpIdentifier: string): Promise<IdentityProviderRecord | undefined>;
  getUser(userPoolId: string, username: string): Promise<UserRecord | undefined>;
  verifyClientSecret(client: ClientRecord, secret: string): boolean;
  authenticatePassword(userPoolId: string, username: string, password: string): Promise<UserRecord>;
  /** A FORCE_CHANGE_PASSWORD user (temporary password already verified) sets a permanent one. */
  completeNewPassword(userPoolId: string, username: string, newPassword: string): Promise<UserRecord>;
  issueTokens(input: {
    userPoolId: string;
    clientId: string;
    username: string;
    scopes: string[];
    nonce?: string;
    authTime?: number;
    refresh: boolean;
    via: 'hosted';
  }): Promise<IssuedTokens>;
  /** client_credentials: an access token for the client itself (no user, custom scopes). */
  issueClientCredentialsToken(input: { userPoolId: string; clientId: string; scopes: string[] }): Promise<{ accessToken: string; expiresIn: number }>;
  refreshTokens(clientId: string, refreshToken: string): Promise<IssuedTokens>;
  revokeRefreshToken(clientId: string, refreshToken: string): Promise<void>;
  verifyAccessToken(token: string): Promise<{ userPoolId: string; username: string; clientId: string; scopes: string[]; claims: Record<string, unknown> }>;
  upsertFederatedUser(input: {
    userPoolId: string;
    providerName: string;
    providerType: string;
    subject: string;
    issuer?: string;
    attributes: Record<string, string>;
  }): Promise<UserRecord>;
  jwks(userPoolId: string): Promise<{ keys: unknown[] }>;
}

export interface OAuth2Deps {
  userPools: UserPoolsPort;
  storage: Storage;
  clock: () => Date;
  /** Public base URL of this listener (no trailing slash), e.g. `https://id.example.com`. */
  publicUrl: string;
  log: Logger;
}
