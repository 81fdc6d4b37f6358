/** Role resolution for identity pools (aws-surface.md §4.6), table-driven. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRole, ruleMatches, tokenRoles, type RoleMapping, type RoleMappingRule, type RoleResolutionInput } from '../../../src/policy/index.js';

const AUTH = 'arn:aws:iam::123456789012:role/Auth';
const UNAUTH = 'arn:aws:iam::123456789012:role/Unauth';
const ADMIN = 'arn:aws:iam::123456789012:role/Admin';
const READER = 'arn:aws:iam::123456789012:role/Reader';
const EDITOR = 'arn:aws:iam::123456789012:role/Editor';
const UP = 'cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123';
const UP_KEY = `${UP}:client-1`;
const OIDC_ARN = 'arn:aws:iam::123456789012:oidc-provider/idp.example.com';

const upLogin = (claims: Record<string, unknown>) => ({ roleMappingKeys: [UP_KEY, `tessera.test/us-east-1_AbCdEf123:client-1`], providerKind: 'user-pool', claims });
const oidcLogin = (claims: Record<string, unknown>) => ({ roleMappingKeys: [OIDC_ARN, 'idp.example.com'], providerKind: 'oidc', claims });
const devLogin = { roleMappingKeys: ['cognito-identity.amazonaws.com'], providerKind: 'cognito-identity', claims: { sub: 'us-east-1:x', amr: ['authenticated'] } };

const token = (ambiguous?: 'AuthenticatedRole' | 'Deny'): RoleMapping => ({ Type: 'Token', ...(ambiguous ? { AmbiguousRoleResolution: ambiguous } : {}) });
const rules = (list: RoleMappingRule[], ambiguous: 'AuthenticatedRole' | 'Deny' = 'Deny'): RoleMapping => ({ Type: 'Rules', AmbiguousRoleResolution: ambiguous, RulesConfiguration: { Rules: list } });
const rule = (Claim: string, MatchType: RoleMappingRule['MatchType'], Value: string, RoleARN: string): RoleMappingRule => ({ Claim, MatchType, Value, RoleARN });

type Expected = { role: string; source: string } | { code: string; message?: string };

const base = { roles: { authenticated: AUTH, unauthenticated: UNAUTH }, roleMappings: {}, logins: [] } satisfies Partial<RoleResolutionInput>;

const cases: Array<[string, RoleResolutionInput, Expected]> = [
  // ---- unauthenticated ----
  ['a guest gets the unauthenticated role', { ...base, authenticated: false }, { role: UNAUTH, source: 'unauthenticated' }],
  ['a guest without an unauthenticated role is an invalid pool configuration', { ...base, roles: { authenticated: AUTH }, authenticated: false },
    { code: 'InvalidIdentityPoolConfigurationException', message: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.' }],
  ['a guest may not pick another role with CustomRoleArn', { ...base, authenticated: false, customRoleArn: ADMIN }, { code: 'NotAuthorizedException' }],
  // ---- no mapping ----
  ['an authenticated login without a mapping gets the default authenticated role', { ...base, authenticated: true, logins: [oidcLogin({ sub: 'u' })] }, { role: AUTH, source: 'authenticated-default' }],
  ['no authenticated role and no mapping is an invalid pool configuration', { ...base, roles: { unauthenticated: UNAUTH }, authenticated: true, logins: [oidcLogin({})] },
    { code: 'InvalidIdentityPoolConfigurationException' }],
  ['CustomRoleArn without a mapping must be the default authenticated role', { ...base, authenticated: true, logins: [oidcLogin({})], customRoleArn: ADMIN }, { code: 'NotAuthorizedException' }],
  ['CustomRoleArn equal to the default authenticated role is accepted', { ...base, authenticated: true, logins: [oidcLogin({})], customRoleArn: AUTH }, { role: AUTH, source: 'authenticated-default' }],
  ['a developer-authenticated identity gets the default authenticated role even if another provider is mapped',
    { ...base, authenticated: true, roleMappings: { [UP_KEY]: token('Deny') }, logins: [devLogin] }, { role: AUTH, source: 'authenticated-default' }],
  // ---- Token ----
  ['Token: cognito:preferred_role wins', { ...base, authenticated: true, roleMappings: { [UP_KEY]: token('Deny') }, logins: [upLogin({ 'cognito:roles': [ADMIN, READER], 'cognito:preferred_role': READER })] },
    { role: READER, source: 'token' }],
  ['Token: a single cognito:roles entry is used', { ...base, authenticated: true, roleMappings: { [UP_KEY]: token('Deny') }, logins: [upLogin({ 'cognito:roles': [EDITOR] })] }, { role: EDITOR, source: 'token' }],
  ['Token: several roles and no preferred role with Deny is refused with the ambiguous-rules text',
    { ...base, authenticated: true, roleMappings: { [UP_KEY]: token('Deny') }, logins: [upLogin({ 'cognito:roles': [ADMIN, READER] })] },
    { code: 'NotAuthorizedException', message: `The ambiguous role mapping rules for: ${UP_KEY} denied this request.` }],
  ['Token: several roles and no preferred role with AuthenticatedRole falls back to the default',
    { ...base, authenticated: true, roleMappings: { [UP_KEY]: token('AuthenticatedRole') }, logins: [upLogin({ 'cognito:roles': [ADMIN, READER] })] }, { role: AUTH, source: 'authenticated-default' }],
  ['Token: no roles at all is ambiguous', { ...base, authenticated: true, roleMappings: { [UP_KEY]: token('Deny') }, logins: [upLogin({})] }, { code: 'NotAuthorizedException' }],
  ['Token: AmbiguousRoleResolution absent is treated as Deny', { ...base, authenticated: true, roleMappings: { [UP_KEY]: token() }, logins: [upLogin({})] }, { code: 'NotAuthorizedException' }],
  ['Token: CustomRoleArn in cognito:roles is used, even over the preferred role',
    { ...base, authenticated: true, roleMappings: { [UP_KEY]: token('Deny') }, logins: [upLogin({ 'cognito:roles': [ADMIN, READER], 'cognito:preferred_role': READER })], customRoleArn: ADMIN },
    { role: ADMIN, source: 'custom' }],
  ['Token: CustomRoleArn not in cognito:roles is denied even with AuthenticatedRole',
    { ...base, authenticated: true, roleMappings: { [UP_KEY]: token('AuthenticatedRole') }, logins: [upLogin({ 'cognito:roles': [READER] })], customRoleArn: ADMIN }, { code: 'NotAuthorizedException' }],
  ['Token: cognito:roles as a comma-separated string', { ...base, authenticated: true, roleMappings: { [UP_KEY]: token('Deny') }, logins: [upLogin({ 'cognito:roles': `${READER}, ${ADMIN}` })], customRoleArn: ADMIN },
    { role: ADMIN, source: 'custom' }],
  ['Token: the mapping may be keyed by the other user-pool spelling', { ...base, authenticated: true, roleMappings: { 'tessera.test/us-east-1_AbCdEf123:client-1': token('Deny') }, logins: [upLogin({ 'cognito:roles': [EDITOR] })] },
    { role: EDITOR, source: 'token' }],
  // ---- Rules ----
  ['Rules: the first matching rule wins', { ...base, authenticated: true, roleMappings: { [OIDC_ARN]: rules([rule('dept', 'Equals', 'eng', EDITOR), rule('email', 'Contains', '@', READER)]) }, logins: [oidcLogin({ dept: 'eng', email: 'a@b' })] },
    { role: EDITOR, source: 'rules' }],
  ['Rules: the mapping may be keyed by the bare OIDC provider URL', { ...base, authenticated: true, roleMappings: { 'idp.example.com': rules([rule('dept', 'Equals', 'eng', EDITOR)]) }, logins: [oidcLogin({ dept: 'eng' })] },
    { role: EDITOR, source: 'rules' }],
  ['Rules: no match with Deny is refused', { ...base, authenticated: true, roleMappings: { [OIDC_ARN]: rules([rule('dept', 'Equals', 'eng', EDITOR)]) }, logins: [oidcLogin({ dept: 'ops' })] },
    { code: 'NotAuthorizedException', message: `The ambiguous role mapping rules for: ${OIDC_ARN} denied this request.` }],
  ['Rules: no match with AuthenticatedRole falls back to the default', { ...base, authenticated: true, roleMappings: { [OIDC_ARN]: rules([rule('dept', 'Equals', 'eng', EDITOR)], 'AuthenticatedRole') }, logins: [oidcLogin({})] },
    { role: AUTH, source: 'authenticated-default' }],
  ['Rules: no match with AuthenticatedRole but no authenticated role is an invalid configuration',
    { ...base, roles: {}, authenticated: true, roleMappings: { [OIDC_ARN]: rules([rule('dept', 'Equals', 'eng', EDITOR)], 'AuthenticatedRole') }, logins: [oidcLogin({})] },
    { code: 'InvalidIdentityPoolConfigurationException' }],
  ['Rules: NotEqual on an absent claim is skipped, not a match', { ...base, authenticated: true, roleMappings: { [OIDC_ARN]: rules([rule('dept', 'NotEqual', 'eng', ADMIN), rule('sub', 'StartsWith', 'u-', READER)]) }, logins: [oidcLogin({ sub: 'u-1' })] },
    { role: READER, source: 'rules' }],
  ['Rules: custom: attributes are ordinary claims', { ...base, authenticated: true, roleMappings: { [UP_KEY]: rules([rule('custom:tier', 'Equals', 'gold', ADMIN)]) }, logins: [upLogin({ 'custom:tier': 'gold' })] },
    { role: ADMIN, source: 'rules' }],
  ['Rules: CustomRoleArn may pick any matching rule\'s role', { ...base, authenticated: true, roleMappings: { [OIDC_ARN]: rules([rule('dept', 'Equals', 'eng', EDITOR), rule('dept', 'StartsWith', 'e', READER)]) }, logins: [oidcLogin({ dept: 'eng' })], customRoleArn: READER },
    { role: READER, source: 'custom' }],
  ['Rules: CustomRoleArn of a rule that does not match is denied', { ...base, authenticated: true, roleMappings: { [OIDC_ARN]: rules([rule('dept', 'Equals', 'eng', EDITOR), rule('dept', 'Equals', 'ops', ADMIN)]) }, logins: [oidcLogin({ dept: 'eng' })], customRoleArn: ADMIN },
    { code: 'NotAuthorizedException' }],
  ['Rules: the first mapped login in request order decides', {
    ...base, authenticated: true,
    roleMappings: { [OIDC_ARN]: rules([rule('sub', 'StartsWith', '', READER)]), [UP_KEY]: rules([rule('sub', 'StartsWith', '', ADMIN)]) },
    logins: [devLogin, upLogin({ sub: 'x' }), oidcLogin({ sub: 'y' })],
  }, { role: ADMIN, source: 'rules' }],
  // ---- SAML ----
  ['SAML: a single role in the assertion is used', { ...base, authenticated: true, logins: [{ roleMappingKeys: [], providerKind: 'saml', claims: { 'https://aws.amazon.com/SAML/Attributes/Role': [`${READER},arn:aws:iam::123456789012:saml-provider/Corp`] } }] },
    { role: READER, source: 'saml' }],
  ['SAML: several roles need a CustomRoleArn among them', { ...base, authenticated: true, customRoleArn: ADMIN, logins: [{ roleMappingKeys: [], providerKind: 'saml', claims: { 'https://aws.amazon.com/SAML/Attributes/Role': [`arn:aws:iam::123456789012:saml-provider/Corp,${ADMIN}`, `${READER},arn:aws:iam::123456789012:saml-provider/Corp`] } }] },
    { role: ADMIN, source: 'custom' }],
  ['SAML: several roles without a CustomRoleArn are refused', { ...base, authenticated: true, logins: [{ roleMappingKeys: [], providerKind: 'saml', claims: { 'https://aws.amazon.com/SAML/Attributes/Role': [`${ADMIN},p`, `${READER},p`] } }] },
    { code: 'NotAuthorizedException' }],
];

for (const [name, input, expected] of cases) {
  test(name, () => {
    const out = resolveRole(input);
    if ('role' in expected) {
      assert.ok(out.ok, `expected ${expected.role}, got ${JSON.stringify(out)}`);
      assert.equal(out.roleArn, expected.role);
      assert.equal(out.source, expected.source);
    } else {
      assert.ok(!out.ok, `expected ${expected.code}, got ${JSON.stringify(out)}`);
      assert.equal(out.code, expected.code);
      if (expected.message) assert.equal(out.message, expected.message);
      assert.ok(out.reason.check.startsWith('role.'), `reason ${JSON.stringify(out.reason)}`);
    }
  });
}

test('rule matching over scalars and arrays (any element for Equals/Contains/StartsWith, none equal for NotEqual)', () => {
  const table: Array<[RoleMappingRule['MatchType'], string, unknown, boolean | undefined]> = [
    ['Equals', 'eng', 'eng', true],
    ['Equals', 'eng', 'Eng', false],
    ['Equals', 'eng', ['ops', 'eng'], true],
    ['Equals', 'true', true, true],
    ['Equals', '42', 42, true],
    ['Contains', 'admin', 'superadmin', true],
    ['Contains', 'admin', ['users', 'superadmin'], true],
    ['Contains', 'admin', ['users'], false],
    ['StartsWith', 'arn:', ['x', 'arn:aws'], true],
    ['StartsWith', 'arn:', 'xarn:', false],
    ['NotEqual', 'eng', 'ops', true],
    ['NotEqual', 'eng', 'eng', false],
    ['NotEqual', 'eng', ['ops', 'eng'], false],
    ['NotEqual', 'eng', ['ops'], true],
    ['NotEqual', 'eng', undefined, undefined],
    ['Equals', 'eng', undefined, false],
    ['Equals', '{}', {}, false],
    ['NotEqual', 'eng', { a: 1 }, false],
    ['NotEqual', 'eng', null, false],
  ];
  for (const [MatchType, Value, claim, expected] of table) {
    const claims = claim === undefined ? {} : { c: claim };
    assert.equal(ruleMatches({ Claim: 'c', MatchType, Value, RoleARN: READER }, claims), expected, `${MatchType} ${Value} vs ${JSON.stringify(claim)}`);
  }
});

test('a claim named like an Object prototype member is absent unless the token carries it', () => {
  assert.equal(ruleMatches({ Claim: 'constructor', MatchType: 'NotEqual', Value: 'x', RoleARN: READER }, {}), undefined);
  assert.equal(ruleMatches({ Claim: 'toString', MatchType: 'Contains', Value: 'function', RoleARN: READER }, {}), false);
});

test('cognito:roles reads a JSON array or a comma-separated string and ignores non-strings', () => {
  assert.deepEqual(tokenRoles({ 'cognito:roles': [ADMIN, 7, READER] }), [ADMIN, READER]);
  assert.deepEqual(tokenRoles({ 'cognito:roles': `${ADMIN},${READER}` }), [ADMIN, READER]);
  assert.deepEqual(tokenRoles({}), []);
});
