/**
 * Identity pool configuration: CreateIdentityPool / UpdateIdentityPool input → PoolRecord (with
 * the checks the model cannot express) and PoolRecord → the `IdentityPool` wire shape (M-CI).
 * UpdateIdentityPool is a full replace: "If you don't provide a value for a parameter, Amazon
 * Cognito sets it to its default value" (SMITHY-CI); DeveloperProviderName cannot change once set.
 */
import type { IamDirectory } from '../iam/directory.js';
import { invalidParameter, poolNotFound } from './errors.js';
import type { CognitoIdentityStore, CognitoProviderConfig, PoolRecord } from './store.js';

export interface PoolConfigInput {
  IdentityPoolName: string;
  AllowUnauthenticatedIdentities: boolean;
  AllowClassicFlow?: boolean;
  SupportedLoginProviders?: Record<string, string>;
  DeveloperProviderName?: string;
  OpenIdConnectProviderARNs?: string[];
  CognitoIdentityProviders?: Array<{ ProviderName?: string; ClientId?: string; ServerSideTokenCheck?: boolean }>;
  SamlProviderARNs?: string[];
  IdentityPoolTags?: Record<string, string>;
}

/** AWS quota: 50 tags per pool (M-CI TagResource). */
export const MAX_POOL_TAGS = 50;

export type PoolConfig = Pick<
  PoolRecord,
  'name' | 'allowUnauthenticated' | 'allowClassicFlow' | 'supportedLoginProviders' | 'developerProviderName' | 'openIdConnectProviderArns' | 'cognitoIdentityProviders' | 'samlProviderArns'
>;

/** Validates the provider configuration against IAM (providers must exist in this account). */
export async function poolConfig(input: PoolConfigInput, iam: IamDirectory): Promise<PoolConfig> {
  const oidc = unique(input.OpenIdConnectProviderARNs ?? [], 'OpenIdConnectProviderARNs');
  for (const arn of oidc) {
    if (!(await iam.getOidcProviderByArn(arn))) {
      throw invalidParameter(`Invalid OpenIdConnectProviderARN: ${arn} does not exist.`, { check: 'ci.pool.oidc-provider', actual: arn });
    }
  }
  const saml = unique(input.SamlProviderARNs ?? [], 'SamlProviderARNs');
  for (const arn of saml) {
    if (!(await iam.getSamlProviderByArn(arn))) {
      throw invalidParameter(`Invalid SamlProviderARN: ${arn} does not exist.`, { check: 'ci.pool.saml-provider', actual: arn });
    }
  }
  const cognito: CognitoProviderConfig[] = [];
  const seen = new Set<string>();
  for (const p of input.CognitoIdentityProviders ?? []) {
    if (!p.ProviderName) throw invalidParameter('CognitoIdentityProvider.ProviderName is required.', { check: 'ci.pool.cognito-provider' });
    if (!/^cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/[\w-]+_[0-9a-zA-Z]+$/.test(p.ProviderName)) {
      throw invalidParameter(`Invalid Cognito Identity Provider name: ${p.ProviderName}`, { check: 'ci.pool.cognito-provider', actual: p.ProviderName });
    }
    const key = `${p.ProviderName}:${p.ClientId ?? ''}`;
    if (seen.has(key)) throw invalidParameter(`Duplicate Cognito Identity Provider: ${key}`, { check: 'ci.pool.cognito-provider.duplicate', actual: key });
    seen.add(key);
    cognito.push({ ProviderName: p.ProviderName, ...(p.ClientId !== undefined ? { ClientId: p.ClientId } : {}), ...(p.ServerSideTokenCheck !== undefined ? { ServerSideTokenCheck: p.ServerSideTokenCheck } : {}) });
  }
  return {
    name: input.IdentityPoolName,
    allowUnauthenticated: input.AllowUnauthenticatedIdentities,
    ...(input.AllowClassicFlow !== undefined ? { allowClassicFlow: input.AllowClassicFlow } : {}),
    supportedLoginProviders: { ...(input.SupportedLoginProviders ?? {}) },
    ...(input.DeveloperProviderName !== undefined ? { developerProviderName: input.DeveloperProviderName } : {}),
    openIdConnectProviderArns: oidc,
    cognitoIdentityProviders: cognito,
    samlProviderArns: saml,
  };
}

export function checkTags(tags: Record<string, string>): Record<string, string> {
  if (Object.keys(tags).length > MAX_POOL_TAGS) {
    throw invalidParameter(`An identity pool can have at most ${MAX_POOL_TAGS} tags.`, { check: 'ci.pool.tags', expected: `<= ${MAX_POOL_TAGS}`, actual: Object.keys(tags).length });
  }
  return { ...tags };
}

function unique(list: string[], member: string): string[] {
  if (new Set(list).size !== list.length) throw invalidParameter(`${member} contains duplicates.`, { check: `ci.pool.${member}`, actual: list });
  return [...list];
}

export function poolToWire(p: PoolRecord) {
  return {
    IdentityPoolId: p.poolId,
    IdentityPoolName: p.name,
    AllowUnauthenticatedIdentities: p.allowUnauthenticated,
    ...(p.allowClassicFlow !== undefined ? { AllowClassicFlow: p.allowClassicFlow } : {}),
    SupportedLoginProviders: p.supportedLoginProviders,
    ...(p.developerProviderName !== undefined ? { DeveloperProviderName: p.developerProviderName } : {}),
    OpenIdConnectProviderARNs: p.openIdConnectProviderArns,
    CognitoIdentityProviders: p.cognitoIdentityProviders,
    SamlProviderARNs: p.samlProviderArns,
    IdentityPoolTags: p.tags,
  };
}

export async function getPool(store: CognitoIdentityStore, poolId: string): Promise<PoolRecord> {
  const pool = await store.pools.get(poolId);
  if (!pool) throw poolNotFound(poolId);
  return pool;
}

/**
 * Provider names a pool accepts as RoleMappings / principal-tag keys: SupportedLoginProviders
 * keys; user pools as `<ProviderName>` and `<ProviderName>:<ClientId>` (M-CI SetIdentityPoolRoles);
 * OIDC providers by ARN and by URL (the Logins key); SAML providers by ARN.
 */
export function poolProviderNames(p: PoolRecord): Set<string> {
  const names = new Set<string>(Object.keys(p.supportedLoginProviders));
  for (const c of p.cognitoIdentityProviders) {
    names.add(c.ProviderName);
    if (c.ClientId) names.add(`${c.ProviderName}:${c.ClientId}`);
  }
  for (const arn of p.openIdConnectProviderArns) {
    names.add(arn);
    const slash = arn.indexOf(':oidc-provider/');
    if (slash > 0) names.add(arn.slice(slash + ':oidc-provider/'.length));
  }
  for (const arn of p.samlProviderArns) names.add(arn);
  if (p.developerProviderName) names.add(p.developerProviderName);
  return names;
}

/** The LoginVerifier's view of a pool. */
export function loginConfig(p: PoolRecord) {
  return {
    identityPoolId: p.poolId,
    openIdConnectProviderArns: p.openIdConnectProviderArns,
    cognitoIdentityProviders: p.cognitoIdentityProviders.map((c) => ({
      providerName: c.ProviderName,
      ...(c.ClientId !== undefined ? { clientId: c.ClientId } : {}),
      ...(c.ServerSideTokenCheck !== undefined ? { serverSideTokenCheck: c.ServerSideTokenCheck } : {}),
    })),
    supportedLoginProviders: p.supportedLoginProviders,
    samlProviderArns: p.samlProviderArns,
    ...(p.developerProviderName !== undefined ? { developerProviderName: p.developerProviderName } : {}),
  };
}
