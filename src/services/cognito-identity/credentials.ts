/**
 * GetCredentialsForIdentity's second half: "functionally equivalent to calling GetOpenIdToken
 * followed by AssumeRoleWithWebIdentity" done server-side (CG:authentication-flow, aws-surface.md
 * §4.4, §4.6). The role comes from role resolution (pool roles, RoleMappings, CustomRoleArn);
 * its trust policy is then evaluated exactly as STS would evaluate it for a Tessera OpenID token
 * (principal Federated `cognito-identity.amazonaws.com`, keys `:aud`, `:sub`, `:amr`, §4.9);
 * guests get the unauthenticated scope-down session policy; mapped principal tags become
 * session tags (and need sts:TagSession in the trust policy, §4.7).
 */
import { roleSessionClaims } from '../../credentials/role-session.js';
import { ServiceError } from '../../errors/index.js';
import { evaluateTrust } from '../../authz/index.js';
import { resolveRole } from '../../policy/role-mapping.js';
import type { VerifiedLogin } from '../../tokens/logins/index.js';
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

export async function credentialsForIdentity(
  c: CognitoIdentityContext,
  args: { pool: PoolRecord; identity: IdentityRecord; verified: VerifiedLogin[]; customRoleArn?: string; requestContext: Record<string, string | string[]> },
) {
  const { pool, identity, verified } = args;
  const authenticated = verified.length > 0;
  const resolved = resolveRole({
    authenticated,
    roles: pool.roles,
    roleMappings: pool.roleMappings,
    logins: verified.map((v) => ({ roleMappingKeys: v.roleMappingKeys, providerKind: v.providerKind, claims: v.claims })),
    ...(args.customRoleArn !== undefined ? { customRoleArn: args.customRoleArn } : {}),
  });
  if (!resolved.ok) throw new ServiceError(resolved.code, resolved.message, { reason: resolved.reason });

  const role = await c.iam.getRoleByArn(resolved.roleArn);
  if (!role) {
    throw new ServiceError('InvalidIdentityPoolConfigurationException', MSG.invalidPoolConfig, {
      reason: { check: 'ci.role.exists', expected: 'an existing IAM role', actual: resolved.roleArn },
    });
  }

  // SAML logins name and time the session with their RoleSessionName / SessionDuration attributes.
  const samlSession = verified.find((v) => v.providerKind === 'saml')?.session;
  const sessionName = samlSession?.name ?? SESSION_NAME;
  const tags = authenticated ? principalTags(pool, verified) : {};
  const amr = amrFor(verified);
  const context: Record<string, string | string[]> = {
    ...args.requestContext,
    [`${COGNITO_IDENTITY_PROVIDER}:aud`]: pool.poolId,
    [`${COGNITO_IDENTITY_PROVIDER}:sub`]: identity.identityId,
    [`${COGNITO_IDENTITY_PROVIDER}:amr`]: amr,
    'sts:RoleSessionName': sessionName,
  };
  const tagKeys = Object.keys(tags);
  for (const k of tagKeys) context[`aws:RequestTag/${k}`] = tags[k]!;
  if (tagKeys.length) context['aws:TagKeys'] = tagKeys;

  let trust;
  try {
    trust = c.authorizer.cache.parse(role.assumeRolePolicyDocument, 'trust');
  } catch (err) {
    throw new ServiceError('InvalidIdentityPoolConfigurationException', MSG.trustPolicy, { reason: { check: 'ci.trust.parse', detail: (err as Error).message }, cause: err });
  }
  const actions = ['sts:AssumeRoleWithWebIdentity', ...(tagKeys.length ? ['sts:TagSession'] : [])];
  for (const action of actions) {
    const result = evaluateTrust({ trust, action, roleArn: role.arn, principal: { type: 'Federated', ids: [COGNITO_IDENTITY_PROVIDER] }, context });
    if (result.decision !== 'Allow') {
      throw new ServiceError('InvalidIdentityPoolConfigurationException', MSG.trustPolicy, { reason: { ...result.reason, detail: `${action}: ${result.reason.detail ?? result.decision}` } });
    }
  }

  const minted = await c.vault.mint(
    roleSessionClaims({
      accountId: c.accountId,
      role,
      sessionName,
      sessionPolicy: authenticated ? undefined : UNAUTHENTICATED_SCOPE_DOWN_POLICY,
      tags,
      federated: { provider: COGNITO_IDENTITY_PROVIDER, claims: { aud: pool.poolId, sub: identity.identityId, amr } },
      via: 'GetCredentialsForIdentity',
    }),
    Math.min(samlSession?.durationSeconds ?? CREDENTIALS_SECONDS, role.maxSessionDuration),
  );
  return {
    IdentityId: identity.identityId,
    Credentials: { AccessKeyId: minted.accessKeyId, SecretKey: minted.secretAccessKey, SessionToken: minted.sessionToken, Expiration: minted.expiration },
  };
}
