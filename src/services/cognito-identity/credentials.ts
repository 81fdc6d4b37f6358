/**
 * GetCredentialsForIdentity's second half: "functionally equivalent to calling GetOpenIdToken
 * followed by AssumeRoleWithWebIdentity" done server-side (CG:authentication-flow, aws-surface.md
 * §4.4, §4.6). The role comes from role resolution (pool roles, RoleMappings, CustomRoleArn);
 * its trust policy is then evaluated exactly as STS would evaluate it for a Tessera OpenID token
 * (principal Federated `cognito-identity.amazonaws.com`, keys `:aud`, `:sub`, `:amr`, §4.9);
 * guests get the unauthenticated scope-down session policy; mapped principal tags become
 * session tags (and need sts:TagSession in the trust policy, §4.7).
 */
import { ServiceError, type Reason } from '../../errors/index.js';
import type { RoleResolutionInput } from '../../policy/role-mapping.js';
import { evaluateTrust } from '../../authz/index.js';
import type { VerifiedLogin } from '../../tokens/logins/index.js';
import { chooseRole, mintFederated } from '../federation/credentials.js';
import type { CognitoIdentityContext } from './deps.js';
import { MSG } from './errors.js';
import { COGNITO_IDENTITY_PROVIDER } from './logins.js';
import { amrFor } from './openid-token.js';
import { principalTags } from './principal-tags.js';
import { UNAUTHENTICATED_SCOPE_DOWN_POLICY } from './scope-down.js';
import type { IdentityRecord, PoolRecord } from './store.js';

/** "Credentials … valid for a maximum of one hour" (M-CI). */
export const CREDENTIALS_SECONDS = 3600;
/** The role session name Cognito uses for enhanced-flow credentials. */
export const SESSION_NAME = 'CognitoIdentityCredentials';

/** What GetCredentialsForIdentity asks of the federation path for this identity and these logins (shared with the token doctor). */
export function federationRequest(
  c: CognitoIdentityContext,
  args: { pool: PoolRecord; identityId: string; verified: VerifiedLogin[]; customRoleArn?: string; requestContext: Record<string, string | string[]> },
) {
  const { pool, verified } = args;
  const authenticated = verified.length > 0;
  const resolve: RoleResolutionInput = {
    authenticated,
    roles: pool.roles,
    roleMappings: pool.roleMappings,
    logins: verified.map((v) => ({ roleMappingKeys: v.roleMappingKeys, providerKind: v.providerKind, claims: v.claims })),
    ...(args.customRoleArn !== undefined ? { customRoleArn: args.customRoleArn } : {}),
  };
  const amr = amrFor(verified);
  // SAML logins name and time the session with their RoleSessionName / SessionDuration attributes.
  const samlSession = verified.find((v) => v.providerKind === 'saml')?.session;
  const sessionName = samlSession?.name ?? SESSION_NAME;
  return {
    authenticated,
    sessionName,
    samlDurationSeconds: samlSession?.durationSeconds,
    resolve,
    amr,
    principal: COGNITO_IDENTITY_PROVIDER,
    tags: authenticated ? principalTags(pool, verified) : {},
    context: {
      ...args.requestContext,
      [`${COGNITO_IDENTITY_PROVIDER}:aud`]: pool.poolId,
      [`${COGNITO_IDENTITY_PROVIDER}:sub`]: args.identityId,
      [`${COGNITO_IDENTITY_PROVIDER}:amr`]: amr,
      'sts:RoleSessionName': sessionName,
    } as Record<string, string | string[]>,
  };
}

export const refuseTrustParse = (err: unknown) =>
  new ServiceError('InvalidIdentityPoolConfigurationException', MSG.trustPolicy, { reason: { check: 'ci.trust.parse', detail: (err as Error).message }, cause: err });
export const refuseMissingRole = (reason: Reason) => new ServiceError('InvalidIdentityPoolConfigurationException', MSG.invalidPoolConfig, { reason: { ...reason, check: 'ci.role.exists' } });

export async function credentialsForIdentity(
  c: CognitoIdentityContext,
  args: { pool: PoolRecord; identity: IdentityRecord; verified: VerifiedLogin[]; customRoleArn?: string; requestContext: Record<string, string | string[]> },
) {
  const { pool, identity } = args;
  const federation = { accountId: c.accountId, iam: c.iam, authorizer: c.authorizer, evaluateTrust, vault: c.vault };
  const req = federationRequest(c, { ...args, identityId: identity.identityId });
  // The one path from a verified login to credentials (services/federation/credentials.ts).
  const role = await chooseRole(federation, { resolve: req.resolve }, refuseMissingRole);
  const minted = await mintFederated(federation, {
    role,
    principal: req.principal,
    context: req.context,
    tags: req.tags,
    durationSeconds: Math.min(req.samlDurationSeconds ?? CREDENTIALS_SECONDS, role.maxSessionDuration),
    session: {
      sessionName: req.sessionName,
      sessionPolicy: req.authenticated ? undefined : UNAUTHENTICATED_SCOPE_DOWN_POLICY,
      federated: { provider: COGNITO_IDENTITY_PROVIDER, claims: { aud: pool.poolId, sub: identity.identityId, amr: req.amr } },
      via: 'GetCredentialsForIdentity',
    },
    refuse: {
      unparseable: refuseTrustParse,
      denied: (reason, action, decision) => new ServiceError('InvalidIdentityPoolConfigurationException', MSG.trustPolicy, { reason: { ...reason, detail: `${action}: ${reason.detail ?? decision}` } }),
    },
  });
  return {
    IdentityId: identity.identityId,
    Credentials: { AccessKeyId: minted.accessKeyId, SecretKey: minted.secretAccessKey, SessionToken: minted.sessionToken, Expiration: minted.expiration },
  };
}
