/**
 * Records → the AWS output shapes of aws-surface.md §7.1 (UserPoolType, UserPoolClientType,
 * IdentityProviderType, GroupType, UserType, DomainDescriptionType, ResourceServerType). Only
 * what is listed here reaches the wire: hashes, verifiers and internal fields never do.
 */
import type { Operation, OperationContext } from '../../../wire/operation.js';
import type { DomainRecord, GroupRecord, IdentityProviderRecord, ResourceServerRecord, UserPoolClientRecord, UserPoolRecord, UserRecord } from '../records.js';
import type { UserPools } from '../user-pools.js';

const date = (s: number) => new Date(s * 1000);

export function userPoolShape(p: UserPoolRecord, estimatedUsers?: number) {
  const { SignInPolicy, ...echo } = p.echo as Record<string, unknown> & { SignInPolicy?: unknown };
  return {
    ...echo,
    Id: p.id,
    Name: p.name,
    Arn: p.arn,
    Status: 'Enabled',
    CreationDate: date(p.createdAt),
    LastModifiedDate: date(p.lastModifiedAt),
    Policies: { PasswordPolicy: p.passwordPolicy, ...(SignInPolicy ? { SignInPolicy } : {}) },
    DeletionProtection: p.deletionProtection,
    SchemaAttributes: p.schema,
    AutoVerifiedAttributes: p.autoVerifiedAttributes,
    ...(p.aliasAttributes.length ? { AliasAttributes: p.aliasAttributes } : {}),
    ...(p.usernameAttributes.length ? { UsernameAttributes: p.usernameAttributes } : {}),
    UsernameConfiguration: { CaseSensitive: p.usernameCaseSensitive },
    MfaConfiguration: p.mfaConfiguration,
    UserPoolTags: p.tags,
    ...(p.domain ? { Domain: p.domain } : {}),
    ...(p.customDomain ? { CustomDomain: p.customDomain } : {}),
    ...(estimatedUsers !== undefined ? { EstimatedNumberOfUsers: estimatedUsers } : {}),
    LambdaConfig: (p.echo.LambdaConfig as object | undefined) ?? {},
  };
}

export function userPoolClientShape(c: UserPoolClientRecord & { userPoolId: string }) {
  return {
    ...c.echo,
    UserPoolId: c.userPoolId,
    ClientName: c.clientName,
    ClientId: c.clientId,
    ...(c.clientSecret ? { ClientSecret: c.clientSecret } : {}),
    CreationDate: date(c.createdAt),
    LastModifiedDate: date(c.lastModifiedAt),
    RefreshTokenValidity: c.refreshTokenValidity,
    AccessTokenValidity: c.accessTokenValidity,
    IdTokenValidity: c.idTokenValidity,
    TokenValidityUnits: c.tokenValidityUnits,
    ...(c.readAttributes ? { ReadAttributes: c.readAttributes } : {}),
    ...(c.writeAttributes ? { WriteAttributes: c.writeAttributes } : {}),
    ExplicitAuthFlows: c.explicitAuthFlows,
    ...(c.supportedIdentityProviders.length ? { SupportedIdentityProviders: c.supportedIdentityProviders } : {}),
    ...(c.callbackURLs.length ? { CallbackURLs: c.callbackURLs } : {}),
    ...(c.logoutURLs.length ? { LogoutURLs: c.logoutURLs } : {}),
    ...(c.defaultRedirectURI ? { DefaultRedirectURI: c.defaultRedirectURI } : {}),
    ...(c.allowedOAuthFlows.length ? { AllowedOAuthFlows: c.allowedOAuthFlows } : {}),
    ...(c.allowedOAuthScopes.length ? { AllowedOAuthScopes: c.allowedOAuthScopes } : {}),
    AllowedOAuthFlowsUserPoolClient: c.allowedOAuthFlowsUserPoolClient,
    PreventUserExistenceErrors: c.preventUserExistenceErrors,
    EnableTokenRevocation: c.enableTokenRevocation,
    AuthSessionValidity: c.authSessionValidity,
  };
}

export function identityProviderShape(p: IdentityProviderRecord) {
  return {
    UserPoolId: p.userPoolId,
    ProviderName: p.providerName,
    ProviderType: p.providerType,
    // SignInWithApple's private key is never echoed (aws-surface.md §7.2).
    ProviderDetails: Object.fromEntries(Object.entries(p.providerDetails).filter(([k]) => k !== 'private_key')),
    AttributeMapping: p.attributeMapping,
    IdpIdentifiers: p.idpIdentifiers,
    CreationDate: date(p.createdAt),
    LastModifiedDate: date(p.lastModifiedAt),
  };
}

export function resourceServerShape(r: ResourceServerRecord) {
  return { UserPoolId: r.userPoolId, Identifier: r.identifier, Name: r.name, Scopes: r.scopes };
}

export function groupShape(g: GroupRecord) {
  return {
    GroupName: g.groupName,
    UserPoolId: g.userPoolId,
    ...(g.description !== undefined ? { Description: g.description } : {}),
    ...(g.roleArn !== undefined ? { RoleArn: g.roleArn } : {}),
    ...(g.precedence !== undefined ? { Precedence: g.precedence } : {}),
    CreationDate: date(g.createdAt),
    LastModifiedDate: date(g.lastModifiedAt),
  };
}

export function attributeList(u: UserRecord, only?: string[]) {
  return Object.entries(u.attributes)
    .filter(([name]) => !only || only.includes(name))
    .map(([Name, Value]) => ({ Name, Value }));
}

export function userShape(u: UserRecord, only?: string[]) {
  return {
    Username: u.username,
    Attributes: attributeList(u, only),
    UserCreateDate: date(u.createdAt),
    UserLastModifiedDate: date(u.lastModifiedAt),
    Enabled: u.enabled,
    UserStatus: u.status,
  };
}

export function domainShape(d: DomainRecord, accountId: string) {
  return {
    UserPoolId: d.userPoolId,
    AWSAccountId: accountId,
    Domain: d.domain,
    Version: '1',
    Status: 'ACTIVE',
    ...(d.customDomainConfig ? { CustomDomainConfig: d.customDomainConfig } : {}),
    ...(d.managedLoginVersion !== undefined ? { ManagedLoginVersion: d.managedLoginVersion } : {}),
  };
}

export interface OpsDeps {
  userPools: UserPools;
  accountId: string;
  region: string;
}

/** Admin operations are authorised against the pool's ARN (cognito-idp resource type `userpool`). */
export function poolResource(deps: OpsDeps) {
  return (input: any, _ctx: OperationContext): string =>
    input.UserPoolId ? `arn:aws:cognito-idp:${deps.region}:${deps.accountId}:userpool/${input.UserPoolId}` : '*';
}

export type Ops = Operation[];
