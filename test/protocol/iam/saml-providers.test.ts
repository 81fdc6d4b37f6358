import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSAMLProviderCommand,
  DeleteSAMLProviderCommand,
  GetSAMLProviderCommand,
  ListSAMLProvidersCommand,
  UpdateSAMLProviderCommand,
} from '@aws-sdk/client-iam';
import { generateCertificateBase64, metadataXml } from '../../unit/iam/saml-fixture.js';
import { rejectsWith, startIam, type IamHarness } from './setup.js';

let h: IamHarness;
let cert = '';
let providerArn = '';

before(async () => {
  h = await startIam();
  cert = await generateCertificateBase64();
});
after(async () => {
  await h?.close();
});

test('CreateSAMLProvider registers metadata and GetSAMLProvider returns it with ValidUntil from the metadata', async () => {
  const doc = metadataXml({ certBase64: cert, validUntil: '2030-01-01T00:00:00Z' });
  const out = await h.iam.send(new CreateSAMLProviderCommand({ Name: 'Corp-IdP', SAMLMetadataDocument: doc, Tags: [{ Key: 'k', Value: 'v' }] }));
  providerArn = out.SAMLProviderArn!;
  assert.equal(providerArn, `arn:aws:iam::${h.accountId}:saml-provider/Corp-IdP`);
  const got = await h.iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: providerArn }));
  assert.equal(got.SAMLMetadataDocument, doc);
  assert.equal(got.ValidUntil!.toISOString(), '2030-01-01T00:00:00.000Z');
  assert.ok(got.CreateDate instanceof Date);
  assert.ok(got.SAMLProviderUUID);
  assert.deepEqual(got.Tags, [{ Key: 'k', Value: 'v' }]);
});

test('without validUntil the provider stays valid for 100 years', async () => {
  const out = await h.iam.send(new CreateSAMLProviderCommand({ Name: 'Forever', SAMLMetadataDocument: metadataXml({ certBase64: cert }) }));
  const got = await h.iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: out.SAMLProviderArn! }));
  const years = (got.ValidUntil!.getTime() - got.CreateDate!.getTime()) / (365.25 * 24 * 3600 * 1000);
  assert.ok(Math.abs(years - 100) < 0.1, `ValidUntil is ${years} years after CreateDate`);
});

test('ListSAMLProviders lists ARNs with their dates', async () => {
  const out = await h.iam.send(new ListSAMLProvidersCommand({}));
  const entry = out.SAMLProviderList!.find((p) => p.Arn === providerArn);
  assert.ok(entry);
  assert.equal(entry.ValidUntil!.toISOString(), '2030-01-01T00:00:00.000Z');
  assert.equal(out.SAMLProviderList!.length, 2);
});

test('CreateSAMLProvider refuses a DOCTYPE, an SP descriptor and a broken certificate with InvalidInput', async () => {
  const xxe = metadataXml({ certBase64: cert, prolog: '<!DOCTYPE md [<!ENTITY x SYSTEM "file:///etc/passwd">]>' });
  await rejectsWith(h.iam.send(new CreateSAMLProviderCommand({ Name: 'X1', SAMLMetadataDocument: xxe })), 'InvalidInput', /DOCTYPE/, 400);
  await rejectsWith(h.iam.send(new CreateSAMLProviderCommand({ Name: 'X2', SAMLMetadataDocument: metadataXml({ certBase64: cert, sp: true }) })), 'InvalidInput', /IDPSSODescriptor/);
  const junk = Buffer.alloc(900, 7).toString('base64');
  await rejectsWith(h.iam.send(new CreateSAMLProviderCommand({ Name: 'X3', SAMLMetadataDocument: metadataXml({ certBase64: junk }) })), 'InvalidInput', /X\.509/);
});

test('a duplicate SAML provider name is EntityAlreadyExists', async () => {
  await rejectsWith(h.iam.send(new CreateSAMLProviderCommand({ Name: 'Corp-IdP', SAMLMetadataDocument: metadataXml({ certBase64: cert }) })), 'EntityAlreadyExists', undefined, 409);
});

test('UpdateSAMLProvider replaces the metadata and ValidUntil, and re-checks it', async () => {
  const next = metadataXml({ certBase64: cert, entityId: 'urn:next', validUntil: '2032-02-02T00:00:00Z' });
  const out = await h.iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: providerArn, SAMLMetadataDocument: next }));
  assert.equal(out.SAMLProviderArn, providerArn);
  const got = await h.iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: providerArn }));
  assert.equal(got.SAMLMetadataDocument, next);
  assert.equal(got.ValidUntil!.toISOString(), '2032-02-02T00:00:00.000Z');
  await rejectsWith(h.iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: providerArn, SAMLMetadataDocument: metadataXml({ certBase64: cert, use: 'encryption' }) })), 'InvalidInput');
});

test('DeleteSAMLProvider removes it; unknown ARNs are NoSuchEntity and malformed ones InvalidInput', async () => {
  await h.iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: providerArn }));
  await rejectsWith(h.iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: providerArn })), 'NoSuchEntity', undefined, 404);
  await rejectsWith(h.iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: providerArn })), 'NoSuchEntity');
  await rejectsWith(h.iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: `arn:aws:iam::${h.accountId}:role/NotSaml` })), 'InvalidInput');
});
