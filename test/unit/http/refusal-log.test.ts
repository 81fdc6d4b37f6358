/**
 * The refusal log line's reason (src/http/refusal-log.ts): the target a call named, and nothing
 * token-like — JWTs and very long strings are redacted wherever they sit in the reason, and the
 * input members that carry tokens, assertions or secrets are never read.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logSafe, refusalLogReason, refusalTarget } from '../../../src/http/refusal-log.js';

const jwt = (claims: Record<string, unknown>) => ['eyJhbGciOiJSUzI1NiJ9', Buffer.from(JSON.stringify(claims)).toString('base64url'), 'c2lnbmF0dXJlLWJ5dGVz'].join('.');

describe('the refusal log reason', () => {
  it('names the target: pool, identity, role, SAML provider, Logins keys, user pool, client, an access token issuer', () => {
    assert.deepEqual(refusalTarget({ IdentityPoolId: 'us-east-1:1', Logins: { 'accounts.google.com': jwt({ sub: 'a' }) } }), { IdentityPoolId: 'us-east-1:1', Logins: ['accounts.google.com'] });
    assert.deepEqual(refusalTarget({ RoleArn: 'arn:aws:iam::000000000000:role/r', PrincipalArn: 'arn:aws:iam::000000000000:saml-provider/p', SAMLAssertion: 'PHNhbWw+' }), {
      RoleArn: 'arn:aws:iam::000000000000:role/r',
      PrincipalArn: 'arn:aws:iam::000000000000:saml-provider/p',
    });
    assert.deepEqual(refusalTarget({ AccessToken: jwt({ iss: 'https://tessera.test/us-east-1_A' }) }), { issuer: 'https://tessera.test/us-east-1_A' });
    assert.deepEqual(refusalTarget({ ClientId: 'c', UserPoolId: 'us-east-1_A', Password: 'hunter2', SecretHash: 'x' }), { UserPoolId: 'us-east-1_A', ClientId: 'c' });
    assert.equal(refusalTarget({ Password: 'hunter2' }), undefined);
    assert.equal(refusalTarget(undefined), undefined);
  });

  it('redacts JWTs and long strings anywhere in the reason, and keeps the explanation', () => {
    const token = jwt({ sub: 'alice' });
    const safe = logSafe({ check: 'jwt.aud', expected: ['my-app'], actual: token, detail: { nested: [token, 'x'.repeat(600), 'short'] } });
    assert.deepEqual(safe, { check: 'jwt.aud', expected: ['my-app'], actual: '[redacted]', detail: { nested: ['[redacted]', '[redacted]', 'short'] } });
    const reason = refusalLogReason({ check: 'saml.audience', expected: 'urn:amazon:webservices', actual: 'urn:x' }, { RoleArn: 'arn:aws:iam::000000000000:role/r', SAMLAssertion: 'PHNhbWw+' });
    assert.deepEqual(reason, { check: 'saml.audience', expected: 'urn:amazon:webservices', actual: 'urn:x', target: { RoleArn: 'arn:aws:iam::000000000000:role/r' } });
    assert.ok(!JSON.stringify(reason).includes('PHNhbWw+'));
    // A call that carried no token (a password sign-in, an admin call) keeps its reason as it was.
    assert.deepEqual(refusalLogReason({ check: 'idp.user.locked-out' }, { ClientId: 'c', AuthParameters: { USERNAME: 'u' } }), { check: 'idp.user.locked-out' });
  });
});
