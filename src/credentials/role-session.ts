/**
 * The claims of a role session, built one way for every credential factory (STS AssumeRole,
 * AssumeRoleWithWebIdentity, Cognito Identity GetCredentialsForIdentity): optional parts that
 * are empty are left out, so the sealed token stays small and "no session policy" stays
 * distinguishable from an empty one.
 */
import type { MintClaims } from './vault.js';
import type { SessionClaims } from './principal.js';

export interface RoleSessionSpec {
  accountId: string;
  role: { arn: string; roleId: string; roleName: string };
  sessionName: string;
  sessionPolicy?: string | undefined;
  sessionPolicyArns?: string[] | undefined;
  tags?: Record<string, string> | undefined;
  transitiveTagKeys?: string[] | undefined;
  sourceIdentity?: string | undefined;
  federated?: SessionClaims['federated'];
  via: SessionClaims['via'];
}

export function roleSessionClaims(spec: RoleSessionSpec): MintClaims {
  const claims: MintClaims = {
    accountId: spec.accountId,
    roleArn: spec.role.arn,
    roleId: spec.role.roleId,
    roleName: spec.role.roleName,
    sessionName: spec.sessionName,
    via: spec.via,
  };
  if (spec.sessionPolicy !== undefined) claims.sessionPolicy = spec.sessionPolicy;
  if (spec.sessionPolicyArns?.length) claims.sessionPolicyArns = spec.sessionPolicyArns;
  if (spec.tags && Object.keys(spec.tags).length) claims.tags = spec.tags;
  if (spec.transitiveTagKeys?.length) claims.transitiveTagKeys = spec.transitiveTagKeys;
  if (spec.sourceIdentity !== undefined) claims.sourceIdentity = spec.sourceIdentity;
  if (spec.federated) claims.federated = spec.federated;
  return claims;
}
