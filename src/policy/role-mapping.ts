/**
 * Role resolution for identity pools (GetCredentialsForIdentity, enhanced flow; aws-surface.md
 * §4.6, CG:role-based-access-control, M-CI `RoleMapping`). Pure: the caller passes the pool's
 * roles and RoleMappings and the verified logins (in the order the client sent them).
 *
 *  1. Unauthenticated → the pool's unauthenticated role; none → InvalidIdentityPoolConfiguration.
 *  2. The logins that have a RoleMappings entry (under any of their roleMappingKeys) decide, the
 *     first in request order; Tessera's own tokens ('cognito-identity' kind: developer-
 *     authenticated identities) never have one and get the default authenticated role.
 *  3. Type Token (user pools): CustomRoleArn must be in cognito:roles, else deny; otherwise
 *     cognito:preferred_role; otherwise a single cognito:roles entry; otherwise ambiguous.
 *     cognito:roles may be a JSON array (what real ID tokens carry) or a comma-separated string
 *     (what the docs say).
 *  4. Type Rules: rules in order, first match wins; a NotEqual rule whose claim is absent is
 *     skipped; `custom:<name>` attributes are ordinary claim names. CustomRoleArn (semantics
 *     unconfirmed at AWS) may pick the role of any matching rule, else deny. No match → ambiguous.
 *  5. Ambiguous: AmbiguousRoleResolution AuthenticatedRole → default authenticated role; Deny (or
 *     absent, which the model forbids) → NotAuthorizedException "The ambiguous role mapping rules
 *     for: <provider> denied this request." (observed text, aws-amplify/amplify-js#3621).
 *  6. No mapping → default authenticated role; CustomRoleArn must then equal it — without a
 *     mapping the pool allows no other role, and letting a caller name any role would let the
 *     trust policy alone decide (documented choice; AWS behaviour unconfirmed).
 *  7. SAML logins: the assertion's Role attribute (`roleArn,providerArn` pairs) lists the roles;
 *     CustomRoleArn picks one, a single role is used, several without a pick is ambiguous.
 *
 * Claim matching: values are compared as strings (numbers and booleans by their JSON text);
 * when the claim is an array (e.g. cognito:groups) Equals, Contains and StartsWith match if ANY
 * element matches, and NotEqual matches if NO element equals the value. Contains is a substring
 * test, per element. Objects and null never match. Comparisons are case-sensitive.
 */
import type { Reason } from '../errors/index.js';

export interface RoleMappingRule {
  Claim: string;
  MatchType: 'Equals' | 'Contains' | 'StartsWith' | 'NotEqual';
  Value: string;
  RoleARN: string;
}

export interface RoleMapping {
  Type: 'Token' | 'Rules';
  AmbiguousRoleResolution?: 'AuthenticatedRole' | 'Deny';
  RulesConfiguration?: { Rules: RoleMappingRule[] };
}

export type RoleSource = 'unauthenticated' | 'authenticated-default' | 'token' | 'rules' | 'custom' | 'saml';

export type RoleResolution =
  | { ok: true; roleArn: string; source: RoleSource; reason: Reason }
  | { ok: false; code: 'InvalidIdentityPoolConfigurationException' | 'NotAuthorizedException'; message: string; reason: Reason };

export interface RoleResolutionInput {
  authenticated: boolean;
  roles: { authenticated?: string; unauthenticated?: string };
  roleMappings: Record<string, RoleMapping>;
  logins: Array<{ roleMappingKeys: string[]; providerKind: string; claims: Record<string, unknown> }>;
  customRoleArn?: string;
}

export const ROLE_MESSAGES = {
  invalidConfiguration: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.',
  ambiguousDenied: (provider: string) => `The ambiguous role mapping rules for: ${provider} denied this request.`,
  /** (Tessera) no AWS text known. */
  customRoleNotAllowed: (arn: string) => `The CustomRoleArn ${arn} is not a role this identity may assume.`,
} as const;

/** The SAML attribute carrying `roleArn,providerArn` pairs (IAMG:id_roles_providers_create_saml_assertions). */
export const SAML_ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role';

const ok = (roleArn: string, source: RoleSource, reason: Reason): RoleResolution => ({ ok: true, roleArn, source, reason });
const invalidConfiguration = (reason: Reason): RoleResolution => ({
  ok: false,
  code: 'InvalidIdentityPoolConfigurationException',
  message: ROLE_MESSAGES.invalidConfiguration,
  reason,
});
const denied = (message: string, reason: Reason): RoleResolution => ({ ok: false, code: 'NotAuthorizedException', message, reason });

function customNotAllowed(custom: string, allowed: string[], check: string): RoleResolution {
  return denied(ROLE_MESSAGES.customRoleNotAllowed(custom), { check, expected: allowed, actual: custom });
}

/** The default authenticated role, honouring CustomRoleArn (which must equal it). */
function defaultAuthenticated(input: RoleResolutionInput, why: string): RoleResolution {
  const role = input.roles.authenticated;
  if (!role) return invalidConfiguration({ check: 'role.authenticated', expected: 'an authenticated role', actual: 'absent', detail: why });
  if (input.customRoleArn !== undefined && input.customRoleArn !== role) return customNotAllowed(input.customRoleArn, [role], 'role.custom');
  return ok(role, 'authenticated-default', { check: 'role.authenticated', detail: why });
}

function ambiguous(input: RoleResolutionInput, key: string, mapping: RoleMapping, why: string): RoleResolution {
  if (mapping.AmbiguousRoleResolution === 'AuthenticatedRole') return defaultAuthenticated(input, `${key}: ${why}; AmbiguousRoleResolution AuthenticatedRole`);
  return denied(ROLE_MESSAGES.ambiguousDenied(key), { check: 'role.ambiguous', expected: 'a role from the mapping', actual: why, detail: `AmbiguousRoleResolution ${mapping.AmbiguousRoleResolution ?? 'absent (treated as Deny)'}` });
}

/** cognito:roles as a list: JSON array, or a comma-separated string (CG:role-based-access-control). */
export function tokenRoles(claims: Record<string, unknown>): string[] {
  const raw = claims['cognito:roles'];
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [];
  return list.filter((r): r is string => typeof r === 'string').map((r) => r.trim()).filter((r) => r.length > 0);
}

function resolveToken(input: RoleResolutionInput, key: string, mapping: RoleMapping, claims: Record<string, unknown>): RoleResolution {
  const roles = tokenRoles(claims);
  if (input.customRoleArn !== undefined) {
    if (roles.includes(input.customRoleArn)) return ok(input.customRoleArn, 'custom', { check: 'role.token.custom', expected: roles, actual: input.customRoleArn });
    return customNotAllowed(input.customRoleArn, roles, 'role.token.custom');
  }
  const preferred = claims['cognito:preferred_role'];
  if (typeof preferred === 'string' && preferred.length > 0) return ok(preferred, 'token', { check: 'role.token.preferred', actual: preferred, detail: key });
  if (roles.length === 1) return ok(roles[0]!, 'token', { check: 'role.token.single', actual: roles[0], detail: key });
  return ambiguous(input, key, mapping, roles.length === 0 ? 'the token carries no cognito:roles' : 'several cognito:roles and no cognito:preferred_role');
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  return undefined;
}

/** Whether `rule` matches `claims`; undefined when the rule does not apply (NotEqual on an absent claim). */
export function ruleMatches(rule: RoleMappingRule, claims: Record<string, unknown>): boolean | undefined {
  const raw = Object.hasOwn(claims, rule.Claim) ? claims[rule.Claim] : undefined;
  if (raw === undefined) return rule.MatchType === 'NotEqual' ? undefined : false;
  const values = (Array.isArray(raw) ? raw : [raw]).map(scalarText);
  const texts = values.filter((v): v is string => v !== undefined);
  switch (rule.MatchType) {
    case 'Equals':
      return texts.includes(rule.Value);
    case 'Contains':
      return texts.some((t) => t.includes(rule.Value));
    case 'StartsWith':
      return texts.some((t) => t.startsWith(rule.Value));
    case 'NotEqual':
      // An object or null claim is not comparable: it is neither equal nor unequal.
      if (texts.length !== values.length || texts.length === 0) return false;
      return !texts.includes(rule.Value);
    default:
      return false;
  }
}

function resolveRules(input: RoleResolutionInput, key: string, mapping: RoleMapping, claims: Record<string, unknown>): RoleResolution {
  const rules = mapping.RulesConfiguration?.Rules ?? [];
  const matched = rules.map((rule, index) => ({ rule, index })).filter(({ rule }) => ruleMatches(rule, claims) === true);
  if (input.customRoleArn !== undefined && matched.length > 0) {
    const pick = matched.find(({ rule }) => rule.RoleARN === input.customRoleArn);
    if (pick) return ok(pick.rule.RoleARN, 'custom', { check: 'role.rules.custom', actual: input.customRoleArn, detail: `${key}: rule ${pick.index + 1}` });
    return customNotAllowed(input.customRoleArn, matched.map(({ rule }) => rule.RoleARN), 'role.rules.custom');
  }
  const first = matched[0];
  if (first) {
    return ok(first.rule.RoleARN, 'rules', {
      check: 'role.rules.match',
      expected: `${first.rule.Claim} ${first.rule.MatchType} ${first.rule.Value}`,
      actual: claims[first.rule.Claim],
      detail: `${key}: rule ${first.index + 1}`,
    });
  }
  return ambiguous(input, key, mapping, 'no rule matched');
}

function resolveSaml(input: RoleResolutionInput, claims: Record<string, unknown>): RoleResolution {
  const raw = claims[SAML_ROLE_ATTRIBUTE];
  const pairs = (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []).filter((p): p is string => typeof p === 'string');
  // Each value is "roleArn,providerArn" in either order (IAMG:id_roles_providers_create_saml_assertions).
  const roles = pairs.map((p) => p.split(',').map((s) => s.trim()).find((s) => /^arn:[^:]+:iam::\d{12}:role\//.test(s))).filter((r): r is string => !!r);
  if (input.customRoleArn !== undefined) {
    if (roles.includes(input.customRoleArn)) return ok(input.customRoleArn, 'custom', { check: 'role.saml.custom', expected: roles, actual: input.customRoleArn });
    return customNotAllowed(input.customRoleArn, roles, 'role.saml.custom');
  }
  if (roles.length === 1) return ok(roles[0]!, 'saml', { check: 'role.saml', actual: roles[0] });
  return denied(ROLE_MESSAGES.ambiguousDenied('SAML'), { check: 'role.saml', expected: 'exactly one role in the assertion, or a CustomRoleArn', actual: roles });
}

export function resolveRole(input: RoleResolutionInput): RoleResolution {
  if (!input.authenticated) {
    const role = input.roles.unauthenticated;
    if (!role) return invalidConfiguration({ check: 'role.unauthenticated', expected: 'an unauthenticated role', actual: 'absent' });
    if (input.customRoleArn !== undefined && input.customRoleArn !== role) return customNotAllowed(input.customRoleArn, [role], 'role.custom');
    return ok(role, 'unauthenticated', { check: 'role.unauthenticated' });
  }

  const saml = input.logins.find((l) => l.providerKind === 'saml');
  if (saml) return resolveSaml(input, saml.claims);

  for (const login of input.logins) {
    if (login.providerKind === 'cognito-identity') continue;
    const key = login.roleMappingKeys.find((k) => Object.hasOwn(input.roleMappings, k));
    if (key === undefined) continue;
    const mapping = input.roleMappings[key]!;
    if (mapping.Type === 'Token') return resolveToken(input, key, mapping, login.claims);
    if (mapping.Type === 'Rules') return resolveRules(input, key, mapping, login.claims);
    return invalidConfiguration({ check: 'role.mapping.type', expected: ['Token', 'Rules'], actual: (mapping as { Type: unknown }).Type, detail: key });
  }
  const developer = input.logins.some((l) => l.providerKind === 'cognito-identity');
  return defaultAuthenticated(input, developer ? 'developer-authenticated identity' : 'no role mapping for the providers');
}
