import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../../../src/errors/index.js';
import { assertValid, getModel, LINEAR_PATTERNS, validateInput, renderValue } from '../../../src/wire/index.js';

const iam = getModel('iam');
const sts = getModel('sts');
const ci = getModel('cognito-identity');
const idp = getModel('cognito-idp');
const DOC = '{"Version":"2012-10-17","Statement":[]}';

function messageOf(fn: () => void): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ServiceError);
    return { code: e.code, message: e.message };
  }
  assert.fail('expected a ServiceError');
}

test('valid input produces no violations', () => {
  assert.deepEqual(validateInput(iam, 'CreateRole', { RoleName: 'web-role', AssumeRolePolicyDocument: DOC, Path: '/app/' }), []);
});

test('a pattern violation is reported with the value, the lower-camel member path and the verbatim model pattern', () => {
  const e = messageOf(() => assertValid(iam, 'CreateRole', { RoleName: 'bad name', AssumeRolePolicyDocument: DOC }, 'iam'));
  assert.equal(e.code, 'ValidationError');
  assert.equal(
    e.message,
    "1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
  );
});

test('length violations use the max and min wording', () => {
  const long = 'r'.repeat(65);
  const e = messageOf(() => assertValid(iam, 'CreateRole', { RoleName: long, AssumeRolePolicyDocument: DOC }, 'iam'));
  assert.equal(e.message, `1 validation error detected: Value '${long}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64`);
  const e2 = messageOf(() => assertValid(iam, 'CreateRole', { RoleName: '', AssumeRolePolicyDocument: DOC }, 'iam'));
  assert.match(e2.message, /^2 validation errors detected: /);
  assert.ok(e2.message.includes("Value '' at 'roleName' failed to satisfy constraint: Member must have length greater than or equal to 1"));
});

test('length counts Unicode code points, so a supplementary-plane letter counts once', () => {
  assert.deepEqual(validateInput(sts, 'AssumeRole', { RoleArn: 'arn:aws:iam::123456789012:role/r', RoleSessionName: 'ab', Tags: [{ Key: 'k', Value: '𝐀'.repeat(256) }] }), []);
  assert.equal(validateInput(sts, 'AssumeRole', { RoleArn: 'arn:aws:iam::123456789012:role/r', RoleSessionName: 'ab', Tags: [{ Key: 'k', Value: '𝐀'.repeat(257) }] }).length, 1);
});

test('a missing required member is "Value null … Member must not be null"', () => {
  const e = messageOf(() => assertValid(iam, 'CreateRole', { RoleName: 'r' }, 'iam'));
  assert.equal(e.message, "1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null");
});

test('integer ranges use the "value less/greater than or equal to" wording', () => {
  const base = { RoleArn: 'arn:aws:iam::123456789012:role/r', RoleSessionName: 'session' };
  const hi = messageOf(() => assertValid(sts, 'AssumeRole', { ...base, DurationSeconds: 43201 }, 'sts'));
  assert.equal(hi.message, "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200");
  const lo = messageOf(() => assertValid(sts, 'AssumeRole', { ...base, DurationSeconds: 899 }, 'sts'));
  assert.equal(lo.message, "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
  assert.deepEqual(validateInput(sts, 'AssumeRole', { ...base, DurationSeconds: 43200 }), []);
});

test('enum violations list the allowed values in model order', () => {
  const e = messageOf(() =>
    assertValid(ci, 'SetIdentityPoolRoles', { IdentityPoolId: 'us-east-1:0a', Roles: {}, RoleMappings: { 'accounts.google.com': { Type: 'Magic' } } }, 'cognito-identity'),
  );
  assert.equal(e.code, 'ValidationException');
  assert.equal(e.message, "1 validation error detected: Value 'Magic' at 'roleMappings.accounts.google.com.type' failed to satisfy constraint: Member must satisfy enum value set: [Token, Rules]");
});

test('several violations are counted and joined with "; "', () => {
  const e = messageOf(() => assertValid(sts, 'AssumeRole', { RoleArn: 'short', RoleSessionName: 'bad name!', DurationSeconds: 1 }, 'sts'));
  assert.equal(
    e.message,
    '3 validation errors detected: ' +
      "Value 'short' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20; " +
      "Value 'bad name!' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; " +
      "Value '1' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
  );
});

test('structures inside lists are addressed as name.N.member.field (1-based)', () => {
  const v = validateInput(iam, 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: DOC, Tags: [{ Key: 'ok', Value: 'v' }, { Key: 'k'.repeat(129), Value: 'v' }] });
  assert.equal(v.length, 1);
  assert.equal(v[0]!.path, 'tags.2.member.key');
  assert.equal(v[0]!.constraint, 'Member must have length less than or equal to 128');
});

test('list size limits are reported as length on the list', () => {
  const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  const v = validateInput(iam, 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: DOC, Tags: tags });
  assert.deepEqual(v.map((x) => [x.path, x.constraint]), [['tags', 'Member must have length less than or equal to 50']]);
});

test('map key/value and size violations follow the aggregate map wording (Logins ≤ 10, key ≤ 128)', () => {
  const logins: Record<string, string> = {};
  for (let i = 0; i < 11; i++) logins[`p${i}`] = 'token';
  const v = validateInput(ci, 'GetId', { IdentityPoolId: 'us-east-1:00', Logins: logins });
  assert.deepEqual(v.map((x) => x.constraint), ['Member must have length less than or equal to 10']);
  const v2 = validateInput(ci, 'GetId', { IdentityPoolId: 'us-east-1:00', Logins: { ['x'.repeat(129)]: 'token' } });
  assert.deepEqual(v2.map((x) => [x.path, x.constraint]), [['logins', 'Map keys must satisfy constraint: [Member must have length less than or equal to 128]']]);
});

test('sensitive values (tokens, passwords) are never echoed in the message', () => {
  const e = messageOf(() => assertValid(ci, 'GetId', { IdentityPoolId: 'us-east-1:00', Logins: { 'accounts.google.com': '' } }, 'cognito-identity'));
  assert.equal(e.message, "1 validation error detected: Value at 'logins' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length greater than or equal to 1]");
  const p = messageOf(() => assertValid(idp, 'SignUp', { ClientId: 'abc', Username: 'alice', Password: 'has space' }, 'cognito-idp'));
  assert.equal(p.code, 'InvalidParameterException');
  assert.equal(p.message, "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+");
  const w = messageOf(() => assertValid(sts, 'AssumeRoleWithWebIdentity', { RoleArn: 'arn:aws:iam::123456789012:role/r', RoleSessionName: 'ab', WebIdentityToken: 'x' }, 'sts'));
  assert.ok(w.message.startsWith("1 validation error detected: Value at 'webIdentityToken'"));
});

test('the validation error code follows the protocol family of the service', () => {
  const bad = { IdentityPoolId: 'not a pool id' };
  assert.equal(messageOf(() => assertValid(ci, 'GetId', bad, 'cognito-identity')).code, 'ValidationException');
  assert.equal(messageOf(() => assertValid(iam, 'GetRole', { RoleName: 'a b' }, 'iam')).code, 'ValidationError');
  assert.equal(messageOf(() => assertValid(idp, 'SignUp', { ClientId: 'abc' }, 'cognito-idp')).code, 'InvalidParameterException');
});

test('the reason lists paths and constraints but no values', () => {
  try {
    assertValid(ci, 'GetId', { IdentityPoolId: 'x', Logins: { p: '' } }, 'cognito-identity');
    assert.fail('expected a throw');
  } catch (e) {
    assert.ok(e instanceof ServiceError);
    assert.equal(e.reason?.check, 'input.validation');
    assert.ok(!JSON.stringify(e.reason).includes('"value"'));
  }
});

test('long echoed values are cut to 100 characters', () => {
  const v = 'x y'.repeat(100);
  const e = messageOf(() => assertValid(iam, 'GetRole', { RoleName: v }, 'iam'));
  assert.ok(e.message.includes(`Value '${v.slice(0, 100)}...' at 'roleName'`));
  assert.equal(renderValue(['a', 'b'], 100), '[a, b]');
  assert.equal(renderValue({ k: 'v' }, 100), '{k=v}');
  assert.equal(renderValue(Array.from({ length: 100_000 }, () => 'abc'), 20).length, 23);
});

test('an overlong value is reported for its length only and is not run through the pattern', () => {
  const v = validateInput(iam, 'GetRole', { RoleName: 'a b'.repeat(30) });
  assert.deepEqual(v.map((x) => x.constraint), ['Member must have length less than or equal to 64']);
  const short = validateInput(iam, 'GetRole', { RoleName: 'a b' });
  assert.deepEqual(short.map((x) => x.constraint), ['Member must satisfy regular expression pattern: [\\w+=,.@-]+']);
});

test('hostile template text for a user pool is validated by the linear-time equivalent of its pattern', () => {
  // The raw pattern backtracks polynomially (pattern.test.ts counts it); validation must take the
  // linear-time equivalent instead, which it does for every pattern in LINEAR_PATTERNS.
  const shape = idp.shapes[idp.shapes.VerificationMessageTemplateType!.members!.EmailMessageByLink!.shape]!;
  assert.ok(LINEAR_PATTERNS.includes(shape.pattern!));
  const v = validateInput(idp, 'CreateUserPool', { PoolName: 'p', VerificationMessageTemplate: { EmailMessageByLink: '{####}'.repeat(3333) + '\u0000' } });
  assert.equal(v.length, 1);
  assert.equal(v[0]!.path, 'verificationMessageTemplate.emailMessageByLink');
});
