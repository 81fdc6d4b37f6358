/**
 * SetIdentityPoolRoles / GetIdentityPoolRoles (M-CI; aws-surface.md §3, §4.6). Roles values must
 * be IAM role ARNs of this account; RoleMappings keys must be providers the pool has;
 * `AmbiguousRoleResolution` "is required" for Token and Rules, `RulesConfiguration` for Rules;
 * "up to 25 rules per identity provider" (the model allows 400).
 */
import { defineOperation } from '../../../wire/operation.js';
import type { CognitoIdentityContext } from '../deps.js';
import { invalidParameter } from '../errors.js';
import { getPool, poolProviderNames } from '../pools.js';
import type { RoleMappingConfig } from '../store.js';
import { poolResource } from './shared.js';

export const MAX_RULES_PER_PROVIDER = 25;

interface SetInput {
  IdentityPoolId: string;
  Roles: Record<string, string>;
  RoleMappings?: Record<string, RoleMappingConfig>;
}

export function roleOperations(c: CognitoIdentityContext) {
  const roleArn = new RegExp(`^arn:aws:iam::${c.accountId}:role/[\\w+=,.@/-]{1,512}$`);
  const checkRoleArn = (arn: string, where: string) => {
    if (!roleArn.test(arn)) throw invalidParameter(`${where} is not a valid IAM role ARN of this account: ${arn.slice(0, 300)}`, { check: 'ci.roles.arn', expected: `arn:aws:iam::${c.accountId}:role/<name>`, actual: arn });
  };
  return [
    defineOperation<SetInput>({
      service: 'cognito-identity',
      name: 'SetIdentityPoolRoles',
      auth: 'sigv4',
      authorize: { resource: poolResource(c) },
      async handler(input) {
        const pool = await getPool(c.store, input.IdentityPoolId);
        for (const [type, arn] of Object.entries(input.Roles)) checkRoleArn(arn, `Roles.${type}`);
        const providers = poolProviderNames(pool);
        const mappings: Record<string, RoleMappingConfig> = {};
        for (const [key, m] of Object.entries(input.RoleMappings ?? {})) {
          if (!providers.has(key)) {
            throw invalidParameter(`RoleMappings key ${key.slice(0, 300)} is not a provider of this identity pool.`, { check: 'ci.role-mappings.key', expected: [...providers], actual: key });
          }
          if (m.AmbiguousRoleResolution === undefined) {
            throw invalidParameter(`AmbiguousRoleResolution is required for the role mapping of ${key}.`, { check: 'ci.role-mappings.ambiguous', actual: key });
          }
          if (m.Type === 'Rules') {
            const rules = m.RulesConfiguration?.Rules;
            if (!rules) throw invalidParameter(`RulesConfiguration is required for the role mapping of ${key} of Type Rules.`, { check: 'ci.role-mappings.rules', actual: key });
            if (rules.length > MAX_RULES_PER_PROVIDER) {
              throw invalidParameter(`At most ${MAX_RULES_PER_PROVIDER} rules are allowed per identity provider.`, { check: 'ci.role-mappings.rules.count', expected: `<= ${MAX_RULES_PER_PROVIDER}`, actual: rules.length });
            }
            rules.forEach((r, i) => checkRoleArn(r.RoleARN, `RoleMappings.${key}.Rules.${i + 1}.RoleARN`));
          } else if (m.RulesConfiguration !== undefined) {
            throw invalidParameter(`RulesConfiguration is only allowed for Type Rules (role mapping of ${key}).`, { check: 'ci.role-mappings.token-rules', actual: key });
          }
          mappings[key] = {
            Type: m.Type,
            AmbiguousRoleResolution: m.AmbiguousRoleResolution,
            ...(m.RulesConfiguration ? { RulesConfiguration: { Rules: m.RulesConfiguration.Rules.map((r) => ({ Claim: r.Claim, MatchType: r.MatchType, Value: r.Value, RoleARN: r.RoleARN })) } } : {}),
          };
        }
        const roles: { authenticated?: string; unauthenticated?: string } = {};
        if (input.Roles.authenticated !== undefined) roles.authenticated = input.Roles.authenticated;
        if (input.Roles.unauthenticated !== undefined) roles.unauthenticated = input.Roles.unauthenticated;
        await c.store.pools.update(pool.poolId, (cur) => ({ ...cur, roles, roleMappings: mappings }));
        return {};
      },
    }),
    defineOperation<{ IdentityPoolId: string }>({
      service: 'cognito-identity',
      name: 'GetIdentityPoolRoles',
      auth: 'sigv4',
      authorize: { resource: poolResource(c) },
      async handler(input) {
        const pool = await getPool(c.store, input.IdentityPoolId);
        return {
          IdentityPoolId: pool.poolId,
          Roles: pool.roles,
          ...(Object.keys(pool.roleMappings).length ? { RoleMappings: pool.roleMappings } : {}),
        };
      },
    }),
  ];
}
