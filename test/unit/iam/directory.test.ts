import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createIamDirectory, type IamDirectory } from '../../../src/services/iam/directory.js';
import { ACCOUNT, allow, openHarness, trust, type Harness } from './harness.js';

let h: Harness;
let dir: IamDirectory;

before(async () => {
  h = await openHarness();
  dir = createIamDirectory(h.storage, ACCOUNT);
  await h.call('CreateRole', { RoleName: 'Web', Path: '/fed/', AssumeRolePolicyDocument: trust, MaxSessionDuration: 7200, Tags: [{ Key: 't', Value: '1' }] });
  await h.call('PutRolePolicy', { RoleName: 'Web', PolicyName: 'inline', PolicyDocument: allow('s3:GetObject') });
  await h.call('CreatePolicy', { PolicyName: 'Shared', PolicyDocument: allow('sts:GetCallerIdentity') });
  await h.call('AttachRolePolicy', { RoleName: 'Web', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/Shared` });
  await h.call('CreateOpenIDConnectProvider', { Url: 'https://127.0.0.1:9443/realm/', ClientIDList: ['c1'], ThumbprintList: ['A'.repeat(40)] });
});
after(async () => {
  await h?.close();
});

test('getRole and getRoleByArn return the stored role with its trust policy as text', async () => {
  const role = await dir.getRole('WEB');
  assert.ok(role);
  assert.equal(role.roleName, 'Web');
  assert.equal(role.arn, `arn:aws:iam::${ACCOUNT}:role/fed/Web`);
  assert.equal(role.assumeRolePolicyDocument, trust);
  assert.equal(role.maxSessionDuration, 7200);
  assert.deepEqual(role.tags, [{ Key: 't', Value: '1' }]);
  assert.equal(role.createDate.toISOString(), '2025-01-01T00:00:00.000Z');
  assert.deepEqual(await dir.getRoleByArn(role.arn), role);
});

test('getRoleByArn refuses the right name under the wrong path or account', async () => {
  assert.equal(await dir.getRoleByArn(`arn:aws:iam::${ACCOUNT}:role/Web`), undefined);
  assert.equal(await dir.getRoleByArn(`arn:aws:iam::${ACCOUNT}:role/other/Web`), undefined);
  assert.equal(await dir.getRoleByArn(`arn:aws:iam::999999999999:role/fed/Web`), undefined);
  assert.equal(await dir.getRole('Nobody'), undefined);
});

test('getRolePolicyDocuments returns inline then attached managed documents as text', async () => {
  const docs = await dir.getRolePolicyDocuments('web');
  assert.deepEqual(docs, [
    { name: 'inline', document: allow('s3:GetObject') },
    { name: `arn:aws:iam::${ACCOUNT}:policy/Shared`, document: allow('sts:GetCallerIdentity') },
  ]);
  assert.deepEqual(await dir.getRolePolicyDocuments('Nobody'), []);
});

test('getManagedPolicyDocument reads a customer policy by exact ARN only', async () => {
  assert.equal(await dir.getManagedPolicyDocument(`arn:aws:iam::${ACCOUNT}:policy/Shared`), allow('sts:GetCallerIdentity'));
  assert.equal(await dir.getManagedPolicyDocument(`arn:aws:iam::${ACCOUNT}:policy/x/Shared`), undefined);
  assert.equal(await dir.getManagedPolicyDocument('arn:aws:iam::aws:policy/Shared'), undefined);
});

test('OIDC providers are found by URL without scheme (port and trailing slash kept) and by ARN', async () => {
  const p = await dir.getOidcProviderByUrl('127.0.0.1:9443/realm/');
  assert.ok(p);
  assert.equal(p.arn, `arn:aws:iam::${ACCOUNT}:oidc-provider/127.0.0.1:9443/realm/`);
  assert.deepEqual(p.clientIds, ['c1']);
  assert.deepEqual(p.thumbprints, ['a'.repeat(40)]);
  assert.equal(await dir.getOidcProviderByUrl('127.0.0.1:9443/realm'), undefined);
  assert.deepEqual(await dir.getOidcProviderByArn(p.arn), p);
  assert.equal(await dir.getSamlProviderByArn(`arn:aws:iam::${ACCOUNT}:saml-provider/none`), undefined);
});
