/**
 * sts:AssumeRoleWithSAML through the unmodified @aws-sdk/client-sts against a real Tessera, with
 * assertions from a real IdP library (samlify, in-process) registered as an IAM SAML provider
 * from its metadata, and trust policies written for AWS. Refusals with the codes STS answers
 * (security.md S13, S14, S16, S18, S19, S20), including replay across two nodes on one database.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSAMLProviderCommand, IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithSAMLCommand, GetCallerIdentityCommand, STSClient, type AssumeRoleWithSAMLCommandInput } from '@aws-sdk/client-sts';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { AWS_RECIPIENT, startSamlIdp, type ResponseOptions, type SamlIdp } from '../../helpers/saml-idp.js';
import { credsOf, policy, rejectsWith, startSts, type StsHarness } from './setup.js';

const ROLE = 'https://aws.amazon.com/SAML/Attributes/Role';
const SESSION_NAME = 'https://aws.amazon.com/SAML/Attributes/RoleSessionName';
const NOT_AUTHORIZED = 'Not authorized to perform sts:AssumeRoleWithSAML';

/** The trust policy the AWS documentation gives for SAML federation. */
const awsTrust = (providerArn: string) =>
  policy({
    Effect: 'Allow',
    Principal: { Federated: providerArn },
    Action: 'sts:AssumeRoleWithSAML',
    Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
  });

describe('AssumeRoleWithSAML', () => {
  let h: StsHarness;
  let idp: SamlIdp;
  let providerArn: string;
  let otherProviderArn: string;
  let roleArn: string;
  let strictRoleArn: string;
  const now = () => new Date(Date.now() + h.offsetMs);

  before(async () => {
    h = await startSts();
    idp = await startSamlIdp();
    const other = await startSamlIdp({ entityId: 'https://other-idp.example.test/metadata' });
    providerArn = (await h.iam.send(new CreateSAMLProviderCommand({ Name: 'Corp', SAMLMetadataDocument: idp.metadataXml }))).SAMLProviderArn!;
    otherProviderArn = (await h.iam.send(new CreateSAMLProviderCommand({ Name: 'Other', SAMLMetadataDocument: other.metadataXml }))).SAMLProviderArn!;
    roleArn = await h.createRole('saml-dev', awsTrust(providerArn), { maxSessionDuration: 43200 });
    strictRoleArn = await h.createRole(
      'saml-bob-only',
      policy({ Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:sub': 'bob@corp.example' } } }),
    );
  });

  after(async () => {
    await h?.close();
  });

  const assertion = (o: Partial<ResponseOptions> = {}) =>
    idp.response({
      now: now(),
      attributes: { [ROLE]: [`${roleArn},${providerArn}`, `${providerArn},${strictRoleArn}`], [SESSION_NAME]: ['alice'] },
      ...o,
    });
  const assume = (input: Partial<AssumeRoleWithSAMLCommandInput> & { SAMLAssertion: string }) =>
    h.sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn, PrincipalArn: providerArn, ...input }));

  it('returns working credentials for a role whose trust policy is written for AWS, with the assertion facts', async () => {
    const out = await assume({ SAMLAssertion: await assertion() });
    assert.equal(out.Subject, 'alice@corp.example');
    assert.equal(out.SubjectType, 'persistent');
    assert.equal(out.Issuer, idp.entityId);
    assert.equal(out.Audience, AWS_RECIPIENT);
    assert.match(out.NameQualifier ?? '', /^[A-Za-z0-9+/]{27}=$/);
    assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${h.accountId}:assumed-role/saml-dev/alice`);
    const who = await h.sts(credsOf(out)).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:sts::${h.accountId}:assumed-role/saml-dev/alice`);
  });

  it("accepts Tessera's own <public-url>/saml as audience and recipient; SAML:aud is then that recipient", async () => {
    const own = `${h.server.url}/saml`;
    const out = await assume({ RoleArn: strictRoleArn, SAMLAssertion: await assertion({ audience: own, recipient: own, nameId: 'bob@corp.example' }) });
    assert.equal(out.Audience, own);
    // The AWS trust policy pins SAML:aud to the AWS recipient, so the same assertion cannot use it.
    await rejectsWith(assume({ SAMLAssertion: await assertion({ audience: own, recipient: own }) }), 'AccessDenied', NOT_AUTHORIZED, 403);
  });

  it('S16: the same assertion ID is refused the second time (InvalidIdentityToken)', async () => {
    const saml = await assertion();
    await assume({ SAMLAssertion: saml });
    await rejectsWith(assume({ SAMLAssertion: saml }), 'InvalidIdentityToken', 'The SAML assertion has already been used.', 400);
  });

  it('S16: a refused call does not use the assertion up', async () => {
    const saml = await assertion({ nameId: 'bob@corp.example' });
    await rejectsWith(assume({ SAMLAssertion: saml, DurationSeconds: 50_000 }), 'ValidationError');
    await assume({ SAMLAssertion: saml, RoleArn: strictRoleArn });
  });

  it('S20: a role not in the assertion, or paired with another provider, is AccessDenied', async () => {
    const unknownRole = `arn:aws:iam::${h.accountId}:role/not-offered`;
    await rejectsWith(assume({ SAMLAssertion: await assertion(), RoleArn: unknownRole }), 'AccessDenied', NOT_AUTHORIZED, 403);
    const pairedElsewhere = await assertion({ attributes: { [ROLE]: [`${roleArn},${otherProviderArn}`], [SESSION_NAME]: ['alice'] } });
    await rejectsWith(assume({ SAMLAssertion: pairedElsewhere }), 'AccessDenied', NOT_AUTHORIZED, 403);
  });

  it('a trust policy that says no is AccessDenied', async () => {
    await rejectsWith(assume({ SAMLAssertion: await assertion(), RoleArn: strictRoleArn }), 'AccessDenied', NOT_AUTHORIZED, 403);
  });

  it('S13: an assertion past its NotOnOrAfter is ExpiredTokenException', async () => {
    const saml = await assertion({ lifetimeSeconds: 60 });
    h.offsetMs += 10 * 60_000;
    try {
      await rejectsWith(assume({ SAMLAssertion: saml }), 'ExpiredTokenException', 'The SAML assertion has expired.', 400);
    } finally {
      h.offsetMs -= 10 * 60_000;
    }
  });

  it('S14: a wrong audience, a wrong recipient, a wrong issuer and a bad signature are InvalidIdentityToken', async () => {
    await rejectsWith(assume({ SAMLAssertion: await assertion({ audience: 'urn:other' }) }), 'InvalidIdentityToken', /Audience/, 400);
    await rejectsWith(assume({ SAMLAssertion: await assertion({ recipient: 'https://elsewhere.example/saml', destination: AWS_RECIPIENT }) }), 'InvalidIdentityToken', /Recipient/, 400);
    await rejectsWith(assume({ SAMLAssertion: await assertion({ issuer: 'https://impostor.example' }) }), 'InvalidIdentityToken', /Issuer/, 400);
    await rejectsWith(assume({ SAMLAssertion: await assertion(), PrincipalArn: otherProviderArn }), 'InvalidIdentityToken', /signature|Issuer/, 400);
  });

  it('an unknown provider ARN is InvalidIdentityToken', async () => {
    await rejectsWith(assume({ SAMLAssertion: await assertion(), PrincipalArn: `arn:aws:iam::${h.accountId}:saml-provider/Nope` }), 'InvalidIdentityToken', /No SAML provider/, 400);
  });

  it('S18: an assertion shorter than 4 characters is a ValidationError, one that is not base64 InvalidIdentityToken', async () => {
    await rejectsWith(assume({ SAMLAssertion: 'abc' }), 'ValidationError', undefined, 400);
    await rejectsWith(assume({ SAMLAssertion: '%%%%not-base64' }), 'InvalidIdentityToken', /base64/, 400);
  });

  it('S19: DurationSeconds outside 900..role max is a ValidationError; SessionNotOnOrAfter caps the credentials', async () => {
    await rejectsWith(assume({ SAMLAssertion: await assertion(), DurationSeconds: 600 }), 'ValidationError', undefined, 400);
    const t = now();
    const out = await assume({ SAMLAssertion: await assertion({ sessionNotOnOrAfter: new Date(t.getTime() + 1200_000) }), DurationSeconds: 7200 });
    const lifetime = out.Credentials!.Expiration!.getTime() - t.getTime();
    assert.ok(lifetime <= 1200_000 + 1000 && lifetime > 1100_000, `credentials last until SessionNotOnOrAfter (${lifetime} ms)`);
  });

  it('a missing RoleSessionName attribute is InvalidIdentityToken', async () => {
    await rejectsWith(assume({ SAMLAssertion: await assertion({ attributes: { [ROLE]: [`${roleArn},${providerArn}`] } }) }), 'InvalidIdentityToken', /RoleSessionName/, 400);
  });
});

describe('AssumeRoleWithSAML on two nodes sharing one database', () => {
  let a: TestServer;
  let b: TestServer;
  let dataDir: string;
  const clients: Array<{ destroy(): void }> = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-saml-nodes-'));
    a = await startTestServer({ dataDir });
    b = await startTestServer({ dataDir });
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await a?.close();
    await b?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('S16: an assertion used on one node is refused on the other', async () => {
    const iam = new IAMClient({ endpoint: a.url, region: a.region, credentials: a.rootCredentials, maxAttempts: 1 });
    clients.push(iam);
    const idp = await startSamlIdp();
    const providerArn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'Corp', SAMLMetadataDocument: idp.metadataXml }))).SAMLProviderArn!;
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'saml', AssumeRolePolicyDocument: JSON.stringify(awsTrust(providerArn)) }));
    const saml = await idp.response({ now: new Date(), attributes: { [ROLE]: [`${role.Role!.Arn},${providerArn}`], [SESSION_NAME]: ['alice'] } });
    const sts = (server: TestServer) => {
      const c = new STSClient({ endpoint: server.url, region: server.region, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' }, maxAttempts: 1 });
      clients.push(c);
      return c;
    };
    const input = { RoleArn: role.Role!.Arn!, PrincipalArn: providerArn, SAMLAssertion: saml };
    await sts(a).send(new AssumeRoleWithSAMLCommand(input));
    await rejectsWith(sts(b).send(new AssumeRoleWithSAMLCommand(input)), 'InvalidIdentityToken', 'The SAML assertion has already been used.', 400);
  });
});
