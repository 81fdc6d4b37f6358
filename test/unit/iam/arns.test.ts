import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isServiceError } from '../../../src/errors/index.js';
import { nameFromRest, oidcProviderArn, oidcUrlWithoutScheme, parseIamArn, policyArn, requireIamArn, roleArn } from '../../../src/services/iam/arns.js';

const acct = '123456789012';

function invalidUrl(url: string): void {
  assert.throws(() => oidcUrlWithoutScheme(url), (e: unknown) => isServiceError(e) && e.code === 'InvalidInput', url);
}

test('an OIDC provider ARN is the URL without its scheme, host and path verbatim', () => {
  assert.equal(oidcProviderArn(acct, oidcUrlWithoutScheme('https://token.actions.githubusercontent.com')), 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');
  assert.equal(oidcUrlWithoutScheme('https://idp.example.com/realms/main'), 'idp.example.com/realms/main');
});

test('keeps a port in the OIDC provider URL and ARN, unlike AWS', () => {
  assert.equal(oidcUrlWithoutScheme('https://127.0.0.1:8443/idp'), '127.0.0.1:8443/idp');
  assert.equal(oidcProviderArn(acct, '127.0.0.1:8443/idp'), 'arn:aws:iam::123456789012:oidc-provider/127.0.0.1:8443/idp');
});

test('treats a trailing slash as significant, since STS compares iss exactly', () => {
  assert.equal(oidcUrlWithoutScheme('https://auth.example.auth0.com/'), 'auth.example.auth0.com/');
  assert.notEqual(oidcUrlWithoutScheme('https://a.example.com/'), oidcUrlWithoutScheme('https://a.example.com'));
});

test('rejects OIDC URLs that are not https, or carry a query, fragment or user info', () => {
  invalidUrl('http://idp.example.com');
  invalidUrl('HTTPS://idp.example.com');
  invalidUrl('idp.example.com');
  invalidUrl('https://idp.example.com/?a=b');
  invalidUrl('https://idp.example.com/#frag');
  invalidUrl('https://user@idp.example.com/');
  invalidUrl('https://');
  invalidUrl('https:///path');
  invalidUrl('https://idp example.com');
  invalidUrl('https://idp.example.com:99999/');
});

test('builds role and policy ARNs with their path', () => {
  assert.equal(roleArn(acct, '/', 'Admin'), 'arn:aws:iam::123456789012:role/Admin');
  assert.equal(roleArn(acct, '/team/a/', 'Admin'), 'arn:aws:iam::123456789012:role/team/a/Admin');
  assert.equal(policyArn(acct, '/x/', 'P'), 'arn:aws:iam::123456789012:policy/x/P');
});

test('parses IAM ARNs, including AWS-managed policies, and takes the name from the last segment', () => {
  assert.deepEqual(parseIamArn('arn:aws:iam::aws:policy/ReadOnlyAccess'), { partition: 'aws', account: 'aws', type: 'policy', rest: 'ReadOnlyAccess' });
  const p = parseIamArn('arn:aws:iam::123456789012:role/team/Admin');
  assert.equal(p?.type, 'role');
  assert.equal(nameFromRest(p!.rest), 'Admin');
  assert.equal(parseIamArn('arn:aws:s3:::bucket'), undefined);
  assert.equal(parseIamArn('arn:aws:iam::12345:role/x'), undefined);
});

test('refuses an ARN of the wrong type with InvalidInput naming the ARN', () => {
  assert.throws(
    () => requireIamArn('arn:aws:iam::123456789012:role/x', 'policy'),
    (e: unknown) => isServiceError(e) && e.code === 'InvalidInput' && e.message === 'ARN arn:aws:iam::123456789012:role/x is not valid.',
  );
});
