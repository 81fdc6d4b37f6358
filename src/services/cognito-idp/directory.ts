/**
 * The configuration side of user pools: pools, app clients, domains, identity providers and
 * groups — creation with AWS's defaults and checks (aws-surface.md §7.1–7.3), updates, listing
 * and cascading deletion. Inputs are the AWS request shapes, already validated against the model.
 */
import { AlreadyExistsError } from '../../storage/contract.js';
import { idpError, invalidParameter, MSG, poolNotFound, clientNotFound } from './errors.js';
import { newClientId, newClientSecret, newUserPoolId, type Random } from './ids.js';
import { DEFAULT_PASSWORD_POLICY } from './passwords.js';
import type { DomainRecord, GroupRecord, IdentityProviderRecord, SchemaAttribute, TokenValidityUnits, UserPoolClientRecord, UserPoolRecord } from './records.js';
import { buildSchema } from './schema.js';
import { checkSamlMetadata, fetchSamlMetadata } from './saml-metadata.js';
import { fetchDocument as defaultFetchDocument, type FetchDocument } from '../../tokens/fetch.js';
import { ids, listAll, pageOf, type Stores } from './store.js';

export interface DirectoryContext {
  stores: Stores;
  clock: () => Date;
  random: Random;
  region: string;
  accountId: string;
  /** The pool's custom scopes (resource-servers.ts), which AllowedOAuthScopes may name. */
  customScopes: (userPoolId: string) => Promise<Set<string>>;
  /** The bounded HTTPS GET SAML MetadataURL documents are fetched with (default src/tokens/fetch.ts). */
  fetchDocument?: FetchDocument;
}

type Input = Record<string, any>;

const POOL_ECHO = [
  'LambdaConfig',
  'VerificationMessageTemplate',
  'UserAttributeUpdateSettings',
  'DeviceConfiguration',
  'EmailConfiguration',
  'SmsConfiguration',
  'AdminCreateUserConfig',
  'UserPoolAddOns',
  'AccountRecoverySetting',
  'UserPoolTier',
  'SmsVerificationMessage',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
  'SmsAuthenticationMessage',
  'SignInPolicy',
] as const;

const CLIENT_ECHO = ['AnalyticsConfiguration', 'EnablePropagateAdditionalUserContextData', 'RefreshTokenRotation'] as const;

const pick = (input: Input, keys: readonly string[]) => Object.fromEntries(keys.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

export function createDirectory(ctx: DirectoryContext) {
  const { stores } = ctx;
  const now = () => seconds(ctx.clock());

  async function requirePool(userPoolId: string): Promise<UserPoolRecord> {
    const pool = await stores.pools.get(userPoolId);
    if (!pool) throw poolNotFound(userPoolId);
    return pool;
  }

  function poolSettings(input: Input): Pick<UserPoolRecord, 'passwordPolicy' | 'autoVerifiedAttributes' | 'mfaConfiguration' | 'deletionProtection' | 'echo'> {
    const pp = input.Policies?.PasswordPolicy ?? {};
    return {
      passwordPolicy: { ...DEFAULT_PASSWORD_POLICY, ...Object.fromEntries(Object.entries(pp).filter(([, v]) => v !== undefined)) },
      autoVerifiedAttributes: input.AutoVerifiedAttributes ?? [],
      mfaConfiguration: input.MfaConfiguration ?? 'OFF',
      deletionProtection: input.DeletionProtection ?? 'INACTIVE',
      echo: { ...pick(input, POOL_ECHO), ...(input.Policies?.SignInPolicy ? { SignInPolicy: input.Policies.SignInPolicy } : {}) },
    };
  }

  // ---- pools -----------------------------------------------------------------------------
  async function createPool(input: Input): Promise<UserPoolRecord> {
    if (input.AliasAttributes?.length && input.UsernameAttributes?.length) {
      throw invalidParameter('Only one of the aliasAttributes or usernameAttributes can be set in a User Pool', 'idp.pool.username');
    }
    if (input.MfaConfiguration === 'ON') throw invalidParameter('SMS configuration and Auth Roles are required when MFA is required.', 'idp.pool.mfa');
    const t = now();
    for (;;) {
      const id = newUserPoolId(ctx.region, ctx.random);
      const pool: UserPoolRecord = {
        id,
        name: input.PoolName,
        arn: `arn:aws:cognito-idp:${ctx.region}:${ctx.accountId}:userpool/${id}`,
        createdAt: t,
        lastModifiedAt: t,
        schema: buildSchema(input.Schema as SchemaAttribute[] | undefined),
        aliasAttributes: input.AliasAttributes ?? [],
        usernameAttributes: input.UsernameAttributes ?? [],
        usernameCaseSensitive: input.UsernameConfiguration?.CaseSensitive ?? true,
        tags: input.UserPoolTags ?? {},
        ...poolSettings(input),
      };
      try {
        await stores.pools.create(id, pool);
        return pool;
      } catch (err) {
        if (!(err instanceof AlreadyExistsError)) throw err;
      }
    }
  }

  /** UpdateUserPool: settings the request omits return to their defaults (M-IDP UpdateUserPool). */
  async function updatePool(input: Input): Promise<void> {
    await requirePool(input.UserPoolId);
    const t = now();
    await stores.pools.update(input.UserPoolId, (p) => ({
      ...p,
      ...poolSettings(input),
      ...(input.UserPoolTags ? { tags: input.UserPoolTags } : {}),
      lastModifiedAt: t,
    }));
  }

  /**
   * SetUserPoolMfaConfig: software-token (TOTP) MFA on or off and MfaConfiguration; an omitted
   * member keeps its value. MFA OPTIONAL or ON needs an MFA type enabled, and only TOTP is served:
   * SMS, email and WebAuthn configurations are refused (Tessera sends no messages).
   */
  async function setMfaConfig(input: Input): Promise<UserPoolRecord> {
    const pool = await requirePool(input.UserPoolId);
    for (const member of ['SmsMfaConfiguration', 'EmailMfaConfiguration', 'WebAuthnConfiguration'] as const) {
      if (input[member] !== undefined) throw invalidParameter(`${member} is not supported by Tessera: only software token (TOTP) MFA is served.`, 'idp.pool.mfa-type', member);
    }
    const totp: boolean = input.SoftwareTokenMfaConfiguration !== undefined ? input.SoftwareTokenMfaConfiguration.Enabled === true : pool.softwareTokenMfa === true;
    const mode: string = input.MfaConfiguration ?? pool.mfaConfiguration;
    if (mode !== 'OFF' && !totp) throw invalidParameter("Invalid MFA configuration given, can't turn on MFA without any valid MFA type enabled.", 'idp.pool.mfa', mode);
    const t = now();
    return stores.pools.update(pool.id, (p) => ({ ...p, softwareTokenMfa: totp, mfaConfiguration: mode, lastModifiedAt: t }));
  }

  async function deletePool(userPoolId: string): Promise<void> {
    const pool = await requirePool(userPoolId);
    if (pool.deletionProtection === 'ACTIVE') {
      throw invalidParameter('The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactive first.', 'idp.pool.deletion-protection');
    }
    const prefix = ids.poolPrefix(userPoolId);
    for (const { id, doc } of await listAll(stores.clients, prefix)) {
      await stores.clientIndex.delete(doc.clientId);
      await stores.clients.delete(id);
    }
    if (pool.domain) await stores.domains.delete(pool.domain);
    for (const c of [stores.idps, stores.resourceServers, stores.groups, stores.users, stores.userSubs, stores.aliases, stores.links, stores.codes] as const) {
      for (const { id } of await listAll<unknown>(c as never, prefix)) await (c as { delete(id: string): Promise<boolean> }).delete(id);
    }
    await stores.pools.delete(userPoolId);
  }

  async function listPools(maxResults: number, nextToken: string | undefined) {
    return pageOf(stores.pools, '', maxResults, nextToken);
  }

  // ---- app clients -----------------------------------------------------------------------
  async function clientSettings(pool: UserPoolRecord, input: Input, existing?: UserPoolClientRecord) {
    const flows: string[] = input.ExplicitAuthFlows ?? ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH'];
    const modern = flows.filter((f) => f.startsWith('ALLOW_'));
    if (modern.length > 0 && modern.length !== flows.length) {
      throw invalidParameter('ExplicitAuthFlows cannot mix legacy values with ALLOW_ values.', 'idp.client.flows', flows);
    }
    if (modern.length > 0 && !modern.includes('ALLOW_REFRESH_TOKEN_AUTH')) throw invalidParameter(MSG.refreshRequired, 'idp.client.flows', flows);

    const units: TokenValidityUnits = { AccessToken: 'hours', IdToken: 'hours', RefreshToken: 'days', ...(input.TokenValidityUnits ?? {}) };
    const access = input.AccessTokenValidity ?? (units.AccessToken === 'minutes' ? 60 : units.AccessToken === 'seconds' ? 3600 : 1);
    const id = input.IdTokenValidity ?? (units.IdToken === 'minutes' ? 60 : units.IdToken === 'seconds' ? 3600 : 1);
    let refresh = input.RefreshTokenValidity ?? 30;
    if (refresh === 0) {
      refresh = 30;
      units.RefreshToken = 'days';
    }
    checkRange('AccessTokenValidity', toSeconds(access, units.AccessToken), 300, 86_400, '5 minutes', '1 day');
    checkRange('IdTokenValidity', toSeconds(id, units.IdToken), 300, 86_400, '5 minutes', '1 day');
    checkRange('RefreshTokenValidity', toSeconds(refresh, units.RefreshToken), 3600, 3650 * 86_400, '60 minutes', '10 years');

    const oauthEnabled = input.AllowedOAuthFlowsUserPoolClient === true;
    const oauthFlows: string[] = input.AllowedOAuthFlows ?? [];
    const scopes: string[] = input.AllowedOAuthScopes ?? [];
    const callbacks: string[] = input.CallbackURLs ?? [];
    const logouts: string[] = input.LogoutURLs ?? [];
    const hasSecret = Boolean(existing?.clientSecret) || input.GenerateSecret === true || input.ClientSecret !== undefined;
    if (oauthEnabled) {
      if (oauthFlows.length === 0) throw invalidParameter('AllowedOAuthFlows are required if user pool client is allowed to use OAuth flows.', 'idp.client.oauth');
      if (scopes.length === 0) throw invalidParameter('AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.', 'idp.client.oauth');
      if (oauthFlows.includes('client_credentials') && oauthFlows.length > 1) {
        throw idpError('InvalidOAuthFlowException', 'client_credentials flow can not be selected along with code flow or implicit flow.', { check: 'idp.client.oauth', actual: oauthFlows });
      }
      if (oauthFlows.includes('client_credentials') && !hasSecret) {
        throw idpError('InvalidOAuthFlowException', 'client_credentials flow can not be selected if client does not have a client secret.', { check: 'idp.client.oauth' });
      }
      if ((oauthFlows.includes('code') || oauthFlows.includes('implicit')) && callbacks.length === 0) {
        throw invalidParameter('CallbackURLs are required for the code and implicit OAuth flows.', 'idp.client.callbacks');
      }
    }
    for (const url of [...callbacks, ...logouts, ...(input.DefaultRedirectURI ? [input.DefaultRedirectURI] : [])]) checkRedirectUrl(url);
    if (input.DefaultRedirectURI && !callbacks.includes(input.DefaultRedirectURI)) {
      throw invalidParameter('DefaultRedirectURI must be one of the CallbackURLs.', 'idp.client.default-redirect', input.DefaultRedirectURI);
    }
    // Reserved scopes, or `<identifier>/<scope>` of one of the pool's resource servers (M-IDP
    // AllowedOAuthScopes; ScopeDoesNotExistException otherwise).
    const custom = scopes.some((s) => !RESERVED_SCOPES.has(s)) ? await ctx.customScopes(pool.id) : new Set<string>();
    for (const s of scopes) {
      if (!RESERVED_SCOPES.has(s) && !custom.has(s)) throw idpError('ScopeDoesNotExistException', `Invalid scope requested: ${s}`, { check: 'idp.client.scope', actual: s });
    }
    const providers: string[] = input.SupportedIdentityProviders ?? [];
    for (const p of providers) {
      if (p === 'COGNITO') continue;
      if (!(await stores.idps.get(ids.inPool(pool.id, p)))) {
        throw invalidParameter(`The provider ${p} does not exist for User Pool ${pool.id}`, 'idp.client.providers', p);
      }
    }
    return {
      clientName: input.ClientName ?? existing?.clientName,
      refreshTokenValidity: refresh,
      accessTokenValidity: access,
      idTokenValidity: id,
      tokenValidityUnits: units,
      ...(input.ReadAttributes ? { readAttributes: input.ReadAttributes } : {}),
      ...(input.WriteAttributes ? { writeAttributes: input.WriteAttributes } : {}),
      explicitAuthFlows: flows,
      supportedIdentityProviders: providers,
      callbackURLs: callbacks,
      logoutURLs: logouts,
      ...(input.DefaultRedirectURI ? { defaultRedirectURI: input.DefaultRedirectURI } : {}),
      allowedOAuthFlows: oauthFlows,
      allowedOAuthScopes: scopes,
      allowedOAuthFlowsUserPoolClient: oauthEnabled,
      preventUserExistenceErrors: (input.PreventUserExistenceErrors ?? 'LEGACY') as 'LEGACY' | 'ENABLED',
      enableTokenRevocation: input.EnableTokenRevocation ?? true,
      authSessionValidity: input.AuthSessionValidity ?? 3,
      echo: pick(input, CLIENT_ECHO),
    };
  }

  async function createClient(input: Input): Promise<UserPoolClientRecord & { userPoolId: string }> {
    const pool = await requirePool(input.UserPoolId);
    const settings = await clientSettings(pool, input);
    const t = now();
    for (;;) {
      const clientId = newClientId(ctx.random);
      const secret = input.ClientSecret ?? (input.GenerateSecret ? newClientSecret(ctx.random) : undefined);
      const record = { userPoolId: pool.id, clientId, ...settings, ...(secret ? { clientSecret: secret } : {}), createdAt: t, lastModifiedAt: t } as UserPoolClientRecord & { userPoolId: string };
      try {
        await stores.clientIndex.create(clientId, { userPoolId: pool.id });
      } catch (err) {
        if (err instanceof AlreadyExistsError) continue;
        throw err;
      }
      await stores.clients.create(ids.inPool(pool.id, clientId), record);
      return record;
    }
  }

  async function getClientInPool(userPoolId: string, clientId: string) {
    await requirePool(userPoolId);
    const c = await stores.clients.get(ids.inPool(userPoolId, clientId));
    if (!c) throw clientNotFound(clientId);
    return c;
  }

  /** UpdateUserPoolClient: like AWS, omitted settings return to their defaults; the secret stays. */
  async function updateClient(input: Input) {
    const existing = await getClientInPool(input.UserPoolId, input.ClientId);
    const pool = await requirePool(input.UserPoolId);
    const settings = await clientSettings(pool, input, existing);
    const t = now();
    return stores.clients.update(ids.inPool(input.UserPoolId, input.ClientId), (c) => ({
      ...settings,
      userPoolId: c.userPoolId,
      clientId: c.clientId,
      ...(c.clientSecret ? { clientSecret: c.clientSecret } : {}),
      createdAt: c.createdAt,
      lastModifiedAt: t,
    }) as UserPoolClientRecord & { userPoolId: string });
  }

  async function deleteClient(userPoolId: string, clientId: string) {
    await getClientInPool(userPoolId, clientId);
    await stores.clients.delete(ids.inPool(userPoolId, clientId));
    await stores.clientIndex.delete(clientId);
  }

  async function listClients(userPoolId: string, limit: number, token: string | undefined) {
    await requirePool(userPoolId);
    return pageOf(stores.clients, ids.poolPrefix(userPoolId), limit, token);
  }

  // ---- domains ---------------------------------------------------------------------------
  async function createDomain(input: Input): Promise<DomainRecord> {
    const pool = await requirePool(input.UserPoolId);
    if (pool.domain) throw invalidParameter(`User pool ${pool.id} already has a domain configured.`, 'idp.domain.exists', pool.domain);
    if (!input.CustomDomainConfig && /aws|amazon|cognito/.test(input.Domain)) {
      throw invalidParameter('Domain cannot contain reserved word: aws, amazon or cognito.', 'idp.domain.reserved', input.Domain);
    }
    const record: DomainRecord = {
      domain: input.Domain,
      userPoolId: pool.id,
      createdAt: now(),
      ...(input.CustomDomainConfig ? { customDomainConfig: input.CustomDomainConfig } : {}),
      ...(input.ManagedLoginVersion !== undefined ? { managedLoginVersion: input.ManagedLoginVersion } : {}),
    };
    try {
      await stores.domains.create(input.Domain, record);
    } catch (err) {
      if (err instanceof AlreadyExistsError) throw invalidParameter('Domain already exists.', 'idp.domain.taken', input.Domain);
      throw err;
    }
    await stores.pools.update(pool.id, (p) => ({ ...p, ...(input.CustomDomainConfig ? { customDomain: input.Domain } : { domain: input.Domain }) }));
    return record;
  }

  async function deleteDomain(userPoolId: string, domain: string) {
    await requirePool(userPoolId);
    const record = await stores.domains.get(domain);
    if (!record || record.userPoolId !== userPoolId) throw invalidParameter('No such domain or user pool exists.', 'idp.domain', domain);
    await stores.domains.delete(domain);
    await stores.pools.update(userPoolId, (p) => {
      const { domain: d, customDomain: c, ...rest } = p;
      return { ...rest, ...(d && d !== domain ? { domain: d } : {}), ...(c && c !== domain ? { customDomain: c } : {}) };
    });
  }

  // ---- identity providers ------------------------------------------------------------------
  /**
   * SAML metadata (saml-metadata.ts): the MetadataFile given is checked, the MetadataURL given is
   * fetched and checked; `document` is what the record keeps besides ProviderDetails (the fetched
   * document), undefined for a MetadataFile provider. Only for details that carry metadata.
   */
  async function samlMetadataOf(details: Record<string, string>): Promise<{ document?: string }> {
    if (details.MetadataURL && details.MetadataFile) {
      throw invalidParameter('Only one of MetadataURL or MetadataFile can be provided.', 'idp.saml.metadata-source');
    }
    if (details.MetadataFile) {
      checkSamlMetadata(details.MetadataFile, ctx.clock(), 'MetadataFile');
      return {};
    }
    return { document: await fetchSamlMetadata(ctx.fetchDocument ?? defaultFetchDocument, details.MetadataURL!, ctx.clock()) };
  }

  async function createIdentityProvider(input: Input): Promise<IdentityProviderRecord> {
    const pool = await requirePool(input.UserPoolId);
    const name: string = input.ProviderName;
    if (/^cognito$/i.test(name)) throw invalidParameter('ProviderName cannot be Cognito.', 'idp.provider.name', name);
    const details = providerDetails(input.ProviderType, input.ProviderDetails ?? {});
    await checkIdentifiers(pool.id, name, input.IdpIdentifiers ?? []);
    const saml = input.ProviderType === 'SAML' ? await samlMetadataOf(details) : {};
    const t = now();
    const record: IdentityProviderRecord = {
      userPoolId: pool.id,
      providerName: name,
      providerType: input.ProviderType,
      providerDetails: details,
      attributeMapping: input.AttributeMapping ?? (input.ProviderType === 'SAML' ? {} : { username: input.ProviderType === 'Facebook' ? 'id' : input.ProviderType === 'LoginWithAmazon' ? 'user_id' : 'sub' }),
      idpIdentifiers: input.IdpIdentifiers ?? [],
      ...(saml.document !== undefined ? { samlMetadata: saml.document } : {}),
      createdAt: t,
      lastModifiedAt: t,
    };
    try {
      await stores.idps.create(ids.inPool(pool.id, name), record);
    } catch (err) {
      if (err instanceof AlreadyExistsError) {
        throw idpError('DuplicateProviderException', `A provider with the name ${name} already exists in this user pool.`, { check: 'idp.provider.duplicate', actual: name });
      }
      throw err;
    }
    return record;
  }

  async function requireIdentityProvider(userPoolId: string, providerName: string) {
    await requirePool(userPoolId);
    const idp = await stores.idps.get(ids.inPool(userPoolId, providerName));
    if (!idp) throw idpError('ResourceNotFoundException', `Identity provider ${providerName} does not exist.`, { check: 'idp.provider', actual: providerName });
    return idp;
  }

  async function updateIdentityProvider(input: Input): Promise<IdentityProviderRecord> {
    const existing = await requireIdentityProvider(input.UserPoolId, input.ProviderName);
    const given: Record<string, string> | undefined = input.ProviderDetails;
    let merged = given ? { ...existing.providerDetails, ...given } : undefined;
    if (merged && given && existing.providerType === 'SAML') {
      // A new metadata source replaces the old one (a URL provider can become a file provider and back).
      if (given.MetadataURL && !given.MetadataFile) delete merged.MetadataFile;
      if (given.MetadataFile && !given.MetadataURL) delete merged.MetadataURL;
    }
    const details = merged ? providerDetails(existing.providerType, merged) : undefined;
    if (input.IdpIdentifiers) await checkIdentifiers(input.UserPoolId, input.ProviderName, input.IdpIdentifiers);
    // SAML: updated ProviderDetails re-read the metadata (a MetadataURL is fetched again), before anything is stored.
    const saml = details && existing.providerType === 'SAML' ? await samlMetadataOf(details) : undefined;
    const t = now();
    return stores.idps.update(ids.inPool(input.UserPoolId, input.ProviderName), (p) => {
      const { samlMetadata: _previous, ...rest } = p;
      return {
        ...(saml ? rest : p),
        ...(saml?.document !== undefined ? { samlMetadata: saml.document } : {}),
        ...(details ? { providerDetails: details } : {}),
        ...(input.AttributeMapping ? { attributeMapping: input.AttributeMapping } : {}),
        ...(input.IdpIdentifiers ? { idpIdentifiers: input.IdpIdentifiers } : {}),
        lastModifiedAt: t,
      };
    });
  }

  async function deleteIdentityProvider(userPoolId: string, providerName: string) {
    await requireIdentityProvider(userPoolId, providerName);
    await stores.idps.delete(ids.inPool(userPoolId, providerName));
  }

  async function checkIdentifiers(userPoolId: string, providerName: string, identifiers: string[]) {
    if (new Set(identifiers).size !== identifiers.length) throw invalidParameter('Duplicate IdpIdentifiers.', 'idp.provider.identifiers', identifiers);
    if (identifiers.length === 0) return;
    for (const { doc } of await listAll(stores.idps, ids.poolPrefix(userPoolId))) {
      if (doc.providerName === providerName) continue;
      const clash = identifiers.find((i) => doc.idpIdentifiers.includes(i));
      if (clash) throw invalidParameter(`Identifier ${clash} is already used by provider ${doc.providerName}.`, 'idp.provider.identifiers', clash);
    }
  }

  // ---- groups ------------------------------------------------------------------------------
  async function createGroup(input: Input): Promise<GroupRecord> {
    await requirePool(input.UserPoolId);
    const t = now();
    const group: GroupRecord = {
      userPoolId: input.UserPoolId,
      groupName: input.GroupName,
      ...(input.Description !== undefined ? { description: input.Description } : {}),
      ...(input.RoleArn !== undefined ? { roleArn: input.RoleArn } : {}),
      ...(input.Precedence !== undefined ? { precedence: input.Precedence } : {}),
      createdAt: t,
      lastModifiedAt: t,
    };
    try {
      await stores.groups.create(ids.inPool(input.UserPoolId, input.GroupName), group);
    } catch (err) {
      if (err instanceof AlreadyExistsError) {
        throw idpError('GroupExistsException', 'A group with the name already exists.', { check: 'idp.group.exists', actual: input.GroupName });
      }
      throw err;
    }
    return group;
  }

  async function requireGroup(userPoolId: string, groupName: string): Promise<GroupRecord> {
    await requirePool(userPoolId);
    const g = await stores.groups.get(ids.inPool(userPoolId, groupName));
    if (!g) throw idpError('ResourceNotFoundException', 'Group not found.', { check: 'idp.group', actual: groupName });
    return g;
  }

  async function updateGroup(input: Input): Promise<GroupRecord> {
    await requireGroup(input.UserPoolId, input.GroupName);
    const t = now();
    return stores.groups.update(ids.inPool(input.UserPoolId, input.GroupName), (g) => ({
      ...g,
      ...(input.Description !== undefined ? { description: input.Description } : {}),
      ...(input.RoleArn !== undefined ? { roleArn: input.RoleArn } : {}),
      ...(input.Precedence !== undefined ? { precedence: input.Precedence } : {}),
      lastModifiedAt: t,
    }));
  }

  async function deleteGroup(userPoolId: string, groupName: string) {
    await requireGroup(userPoolId, groupName);
    await stores.groups.delete(ids.inPool(userPoolId, groupName));
    for (const { id, doc } of await listAll(stores.users, ids.poolPrefix(userPoolId))) {
      if (doc.groups.includes(groupName)) await stores.users.update(id, (u) => ({ ...u, groups: u.groups.filter((g) => g !== groupName) }));
    }
  }

  async function listGroups(userPoolId: string, limit: number, token: string | undefined) {
    await requirePool(userPoolId);
    return pageOf(stores.groups, ids.poolPrefix(userPoolId), limit, token);
  }

  return {
    requirePool,
    createPool,
    updatePool,
    setMfaConfig,
    deletePool,
    listPools,
    createClient,
    getClientInPool,
    updateClient,
    deleteClient,
    listClients,
    createDomain,
    deleteDomain,
    createIdentityProvider,
    requireIdentityProvider,
    updateIdentityProvider,
    deleteIdentityProvider,
    createGroup,
    requireGroup,
    updateGroup,
    deleteGroup,
    listGroups,
  };
}

export type Directory = ReturnType<typeof createDirectory>;

export const RESERVED_SCOPES = new Set(['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin']);

const UNIT_SECONDS = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 } as const;
export const toSeconds = (value: number, unit: keyof typeof UNIT_SECONDS) => value * UNIT_SECONDS[unit];

function checkRange(name: string, value: number, min: number, max: number, minText: string, maxText: string) {
  if (value < min || value > max) throw invalidParameter(`${name} must be between ${minText} and ${maxText}.`, 'idp.client.validity', value);
}

/**
 * Redirect URLs (M-IDP CallbackURLs): absolute, no fragment; HTTPS except http://localhost,
 * http://127.0.0.1 and http://[::1]; app schemes (myapp://) allowed.
 */
export function checkRedirectUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalidParameter(`Invalid redirect URL: ${url}`, 'idp.client.redirect', url);
  }
  if (u.hash || url.includes('#')) throw invalidParameter(`Redirect URL must not contain a fragment: ${url}`, 'idp.client.redirect', url);
  if (u.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) {
    throw invalidParameter(`Redirect URL must use HTTPS unless it points at localhost: ${url}`, 'idp.client.redirect', url);
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const SOCIAL_DEFAULTS: Record<string, Record<string, string>> = {
  Google: {
    attributes_url: 'https://people.googleapis.com/v1/people/me?personFields=',
    attributes_url_add_attributes: 'true',
    authorize_url: 'https://accounts.google.com/o/oauth2/v2/auth',
    oidc_issuer: 'https://accounts.google.com',
    token_request_method: 'POST',
    token_url: 'https://www.googleapis.com/oauth2/v4/token',
  },
  LoginWithAmazon: {
    attributes_url: 'https://api.amazon.com/user/profile',
    attributes_url_add_attributes: 'false',
    authorize_url: 'https://www.amazon.com/ap/oa',
    token_request_method: 'POST',
    token_url: 'https://api.amazon.com/auth/o2/token',
  },
  SignInWithApple: {
    authorize_url: 'https://appleid.apple.com/auth/authorize',
    oidc_issuer: 'https://appleid.apple.com',
    token_request_method: 'POST',
    token_url: 'https://appleid.apple.com/auth/token',
  },
};

/**
 * ProviderDetails per type (aws-surface.md §7.2). OIDC: client_id, authorize_scopes (with openid)
 * and oidc_issuer (https, or http on loopback for local test IdPs) are required;
 * attributes_request_method defaults to GET; discovery is left to the hosted endpoints (the
 * explicit authorize_url/token_url/attributes_url/jwks_uri, when given, are kept as given).
 * SAML: MetadataURL or MetadataFile (their content is checked by the directory, saml-metadata.ts).
 * Social types get AWS's fixed endpoint URLs.
 */
export function providerDetails(type: string, given: Record<string, string>): Record<string, string> {
  const need = (key: string) => {
    if (!given[key]) throw invalidParameter(`${key} is required for ${type} identity providers.`, 'idp.provider.details', key);
  };
  if (type === 'OIDC') {
    need('client_id');
    need('authorize_scopes');
    need('oidc_issuer');
    for (const key of ['oidc_issuer', 'authorize_url', 'token_url', 'attributes_url', 'jwks_uri']) {
      const v = given[key];
      if (v === undefined) continue;
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        throw invalidParameter(`${key} must be a URL.`, 'idp.provider.details', key);
      }
      if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname))) throw invalidParameter(`${key} must use https.`, 'idp.provider.details', v);
    }
    if (!given.authorize_scopes!.split(/\s+/).includes('openid')) throw invalidParameter('authorize_scopes must contain openid.', 'idp.provider.details', given.authorize_scopes);
    const method = given.attributes_request_method ?? 'GET';
    if (method !== 'GET' && method !== 'POST') throw invalidParameter('attributes_request_method must be GET or POST.', 'idp.provider.details', method);
    return { attributes_url_add_attributes: 'false', ...given, attributes_request_method: method, oidc_issuer: given.oidc_issuer!.replace(/\/+$/, '') };
  }
  if (type === 'SAML') {
    if (!given.MetadataURL && !given.MetadataFile) throw invalidParameter('At least one of the MetadataURL or MetadataFile should be provided.', 'idp.provider.details');
    return { ...given };
  }
  need('client_id');
  if (type === 'Facebook') {
    const v = given.api_version ?? 'v17.0';
    return {
      attributes_url: `https://graph.facebook.com/${v}/me?fields=`,
      attributes_url_add_attributes: 'true',
      authorize_url: `https://www.facebook.com/${v}/dialog/oauth`,
      token_request_method: 'GET',
      token_url: `https://graph.facebook.com/${v}/oauth/access_token`,
      ...given,
    };
  }
  return { ...(SOCIAL_DEFAULTS[type] ?? {}), ...given };
}
