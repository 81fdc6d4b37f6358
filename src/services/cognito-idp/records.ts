/**
 * What user pools keep in storage. Times are epoch seconds unless a name says otherwise; AWS
 * shapes are produced from these by operations/shapes.ts, so a record can carry internal fields
 * (hashes, verifiers) that never reach the wire (the JSON renderer drops members the model lacks,
 * and shapes.ts never copies them anyway).
 */
import type { SignInFailures } from './lockout.js';
import type { PasswordHash } from './passwords.js';

export type UserStatus =
  | 'UNCONFIRMED'
  | 'CONFIRMED'
  | 'ARCHIVED'
  | 'COMPROMISED'
  | 'UNKNOWN'
  | 'RESET_REQUIRED'
  | 'FORCE_CHANGE_PASSWORD'
  | 'EXTERNAL_PROVIDER';

export interface PasswordPolicy {
  MinimumLength: number;
  RequireUppercase: boolean;
  RequireLowercase: boolean;
  RequireNumbers: boolean;
  RequireSymbols: boolean;
  PasswordHistorySize?: number;
  TemporaryPasswordValidityDays: number;
}

export interface SchemaAttribute {
  Name: string;
  AttributeDataType?: string;
  DeveloperOnlyAttribute?: boolean;
  Mutable?: boolean;
  Required?: boolean;
  NumberAttributeConstraints?: Record<string, string>;
  StringAttributeConstraints?: Record<string, string>;
}

export interface UserPoolRecord {
  id: string;
  name: string;
  arn: string;
  createdAt: number;
  lastModifiedAt: number;
  passwordPolicy: PasswordPolicy;
  /** Standard attributes plus `custom:` ones, as DescribeUserPool's SchemaAttributes. */
  schema: SchemaAttribute[];
  autoVerifiedAttributes: string[];
  aliasAttributes: string[];
  usernameAttributes: string[];
  /** UsernameConfiguration.CaseSensitive; AWS's API default when omitted is case-sensitive. */
  usernameCaseSensitive: boolean;
  mfaConfiguration: string;
  /** SetUserPoolMfaConfig SoftwareTokenMfaConfiguration.Enabled (TOTP, totp.ts); absent = off. */
  softwareTokenMfa?: boolean;
  deletionProtection: 'ACTIVE' | 'INACTIVE';
  tags: Record<string, string>;
  domain?: string;
  customDomain?: string;
  /** Members accepted, stored and echoed without behaviour (aws-surface.md §7.1 "accept, store, echo"). */
  echo: Record<string, unknown>;
}

export interface TokenValidityUnits {
  AccessToken: 'seconds' | 'minutes' | 'hours' | 'days';
  IdToken: 'seconds' | 'minutes' | 'hours' | 'days';
  RefreshToken: 'seconds' | 'minutes' | 'hours' | 'days';
}

export interface UserPoolClientRecord {
  clientId: string;
  clientName: string;
  clientSecret?: string;
  createdAt: number;
  lastModifiedAt: number;
  refreshTokenValidity: number;
  accessTokenValidity: number;
  idTokenValidity: number;
  tokenValidityUnits: TokenValidityUnits;
  readAttributes?: string[];
  writeAttributes?: string[];
  explicitAuthFlows: string[];
  supportedIdentityProviders: string[];
  callbackURLs: string[];
  logoutURLs: string[];
  defaultRedirectURI?: string;
  allowedOAuthFlows: string[];
  allowedOAuthScopes: string[];
  allowedOAuthFlowsUserPoolClient: boolean;
  preventUserExistenceErrors: 'LEGACY' | 'ENABLED';
  enableTokenRevocation: boolean;
  /** Minutes, 3..15. */
  authSessionValidity: number;
  echo: Record<string, unknown>;
}

export interface IdentityProviderRecord {
  userPoolId: string;
  providerName: string;
  providerType: string;
  providerDetails: Record<string, string>;
  /** `{ userPoolAttribute: idpClaim }`. */
  attributeMapping: Record<string, string>;
  idpIdentifiers: string[];
  /**
   * SAML providers with a MetadataURL: the metadata document fetched from it when the provider
   * was created or last updated (saml-metadata.ts); sign-in reads this, never the URL.
   */
  samlMetadata?: string;
  createdAt: number;
  lastModifiedAt: number;
}

export interface GroupRecord {
  userPoolId: string;
  groupName: string;
  description?: string;
  roleArn?: string;
  precedence?: number;
  createdAt: number;
  lastModifiedAt: number;
}

/** ResourceServerType (M-IDP CreateResourceServer): custom scopes are `<identifier>/<ScopeName>`. */
export interface ResourceServerRecord {
  userPoolId: string;
  identifier: string;
  name: string;
  scopes: Array<{ ScopeName: string; ScopeDescription: string }>;
  createdAt: number;
  lastModifiedAt: number;
}

export interface DomainRecord {
  domain: string;
  userPoolId: string;
  createdAt: number;
  customDomainConfig?: Record<string, unknown>;
  managedLoginVersion?: number;
}

/** One entry of the `identities` attribute/claim (aws-surface.md §7.4). */
export interface FederatedIdentity {
  userId: string;
  providerName: string;
  providerType: string;
  issuer: string | null;
  primary: string;
  dateCreated: string;
}

export interface UserRecord {
  userPoolId: string;
  username: string;
  sub: string;
  /** Attribute values are strings, as on the wire; `sub` included. */
  attributes: Record<string, string>;
  status: UserStatus;
  enabled: boolean;
  createdAt: number;
  lastModifiedAt: number;
  password?: PasswordHash;
  /** SRP verifier v = g^x mod N and its salt (hex), written whenever the password is set. */
  srp?: { salt: string; verifier: string };
  /** FORCE_CHANGE_PASSWORD: when the temporary password stops working (epoch s). */
  temporaryPasswordExpiresAt?: number;
  groups: string[];
  /** Federated users: the IdP identities (EXTERNAL_PROVIDER), also rendered as the `identities` attribute. */
  identities?: FederatedIdentity[];
  /** GlobalSignOut / AdminUserGlobalSignOut: sessions started before this instant (ms) are revoked. */
  tokensRevokedBeforeMs?: number;
  /** Consecutive wrong passwords and the lockout they caused (lockout.ts); absent when none. */
  signInFailures?: SignInFailures;
  /**
   * The authenticator app verified with VerifySoftwareToken (totp.ts): its sealed secret, the
   * last time step a code was accepted for (each code works once) and the device name given.
   */
  softwareToken?: { sealed: string; registeredAt: number; lastStep?: number; friendlyName?: string };
  /** An authenticator being set up (AssociateSoftwareToken, not yet verified): sealed secret. */
  pendingSoftwareToken?: { sealed: string; createdAt: number };
  /** SetUserMFAPreference / AdminSetUserMFAPreference; absent = no MFA activated. */
  mfa?: { softwareTokenEnabled: boolean; preferred?: 'SOFTWARE_TOKEN_MFA' };
}

/**
 * One authentication (the `origin_jti` every token of it carries). Holds the refresh token's
 * hash; revoking it (RevokeToken) or a later GlobalSignOut kills the refresh token and every
 * access token minted from this authentication.
 */
export interface AuthEventRecord {
  originJti: string;
  userPoolId: string;
  clientId: string;
  username: string;
  scopes: string[];
  authTime: number;
  issuedAtMs: number;
  via: 'api' | 'hosted';
  refreshHash?: string;
  refreshExpiresAt?: number;
  /**
   * Refresh tokens rotated out (RefreshTokenRotation): their hashes and until when each still
   * works (the client's RetryGracePeriodSeconds after it was replaced). Kept past that, so a
   * late reuse is told apart from an unknown token (RefreshTokenReuseException).
   */
  retiredRefresh?: Array<{ hash: string; untilMs: number }>;
  revoked?: boolean;
}

export type CodePurpose = 'signup' | 'forgot-password';

export interface CodeRecord {
  userPoolId: string;
  username: string;
  purpose: CodePurpose;
  code: string;
  issuedAt: number;
  expiresAt: number;
  attempts: number;
}

/** A started challenge (the `Session` of InitiateAuth / RespondToAuthChallenge). */
export interface ChallengeRecord {
  challenge: 'PASSWORD_VERIFIER' | 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP';
  userPoolId: string;
  clientId: string;
  username: string;
  expiresAt: number;
  srp?: { b: string; B: string; A: string; secretBlock: string };
  /** SOFTWARE_TOKEN_MFA: wrong codes given with this session so far. */
  attempts?: number;
  /** MFA_SETUP: how far the setup got (AssociateSoftwareToken, then VerifySoftwareToken). */
  mfaSetup?: 'associated' | 'verified';
}

/** AdminLinkProviderForUser: a federated identity that signs in as a native user. */
export interface LinkRecord {
  userPoolId: string;
  providerName: string;
  attributeName: string;
  attributeValue: string;
  username: string;
  createdAt: number;
}
