/**
 * Identity pools with SamlProviderARNs, through the unmodified @aws-sdk/client-cognito-identity
 * against a real Tessera, with responses from a real IdP library (samlify, in-process): the
 * enhanced flow (GetId, then GetCredentialsForIdentity with the same assertion, as the AWS example
 * application does), the role chosen from the assertion's Role pairs (CustomRoleArn among
 * several; a role paired with another provider never offered), RoleSessionName and
 * SessionDuration honoured, and the refusals as NotAuthorizedException (security.md S13, S14, S16,
 * S20).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateIdentityPoolCommand, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { CreateSAMLProviderCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startSamlIdp, type ResponseOptions, type SamlIdp } from '../../helpers/saml-idp.js';
import { cognitoRole, fixture, type Fixture } from './setup.js';

const ROLE = 'https://aws.amazon.com/SAML/Attributes/Role';
const SESSION_NAME = 'https://aws.amazon.com/SAML/Attributes/RoleSessionName';
const SESSION_DURATION = 'https://aws.amazon.com/SAML/Attributes/SessionDuration';

async function rejectsNotAuthorized(call: Promise<unknown>, message?: RegExp): Promise<void> {
  await assert.rejects(call, (e: unknown) => {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.name, 'NotAuthorizedException', `${err.name}: ${err.message}`);
    assert.equal(err.$metadata?.httpStatusCode, 400);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('identity pools with a SAML provider', () => {
  let f: Fixture;
  let idp: SamlIdp;
  let providerArn: string;
  let otherProviderArn: string;
  let poolId: string;
  let devRole: string;
  let opsRole: string;
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);

  before(async () => {
    f = await fixture({ clock });
    idp = await startSamlIdp();
    const other = await startSamlIdp({ entityId: 'https://other-idp.example.test/metadata' });
    providerArn = (await f.iam.send(new CreateSAMLProviderCommand({ Name: 'Corp', SAMLMetadataDocument: idp.metadataXml }))).SAMLProviderArn!;
    otherProviderArn = (await f.iam.send(new CreateSAMLProviderCommand({ Name: 'Other', SAMLMetadataDocument: other.metadataXml }))).SAMLProviderArn!;
    const pool = await f.admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'saml', AllowUnauthenticatedIdentities: false, SamlProviderARNs: [providerArn] }));
    poolId = pool.IdentityPoolId!;
    devRole = await cognitoRole(f, 'saml-dev', poolId, 'authenticated', ['sts:GetCallerIdentity']);
    opsRole = await cognitoRole(f, 'saml-ops', poolId, 'authenticated', ['sts:GetCallerIdentity']);
  });
  after(async () => {
    await f?.close();
  });

  const assertion = (o: Partial<ResponseOptions> = {}) =>
    idp.response({ now: clock(), nameId: 'alice@corp.example', attributes: { [ROLE]: [`${devRole},${providerArn}`], [SESSION_NAME]: ['alice'] }, ...o });
  const getId = (saml: string) => f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [providerArn]: saml } }));
  const credentials = (identityId: string, saml: string, customRoleArn?: string) =>
    f.pub.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: { [providerArn]: saml }, ...(customRoleArn ? { CustomRoleArn: customRoleArn } : {}) }));

  it('GetId then GetCredentialsForIdentity with the same assertion yields working credentials for the role in the assertion', async () => {
    const saml = await assertion();
    const { IdentityId } = await getId(saml);
    const out = await credentials(IdentityId!, saml);
    assert.equal(out.IdentityId, IdentityId);
    const sts = new STSClient({ endpoint: f.server.url, region: f.server.region, credentials: { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretKey!, sessionToken: out.Credentials!.SessionToken! } });
    try {
      const who = await sts.send(new GetCallerIdentityCommand({}));
      // RoleSessionName from the assertion names the session.
      assert.equal(who.Arn, `arn:aws:sts::${f.server.accountId}:assumed-role/saml-dev/alice`);
    } finally {
      sts.destroy();
    }
    // The same user signs in again with a new assertion: the same identity.
    assert.equal((await getId(await assertion())).IdentityId, IdentityId);
  });

  it('CustomRoleArn chooses among several roles; without it several roles are refused', async () => {
    const saml = await assertion({ attributes: { [ROLE]: [`${devRole},${providerArn}`, `${providerArn},${opsRole}`], [SESSION_NAME]: ['alice'] } });
    const { IdentityId } = await getId(saml);
    await rejectsNotAuthorized(credentials(IdentityId!, saml));
    const out = await credentials(IdentityId!, saml, opsRole);
    assert.ok(out.Credentials?.AccessKeyId);
    await rejectsNotAuthorized(credentials(IdentityId!, saml, `arn:aws:iam::${f.server.accountId}:role/not-offered`));
  });

  it('S20: a role paired with another provider is never offered', async () => {
    const saml = await assertion({ attributes: { [ROLE]: [`${devRole},${otherProviderArn}`], [SESSION_NAME]: ['alice'] } });
    const { IdentityId } = await getId(saml);
    await rejectsNotAuthorized(credentials(IdentityId!, saml, devRole));
  });

  it('SessionDuration sets how long the credentials last', async () => {
    const saml = await assertion({ attributes: { [ROLE]: [`${devRole},${providerArn}`], [SESSION_NAME]: ['alice'], [SESSION_DURATION]: ['900'] } });
    const { IdentityId } = await getId(saml);
    const t = clock().getTime();
    const out = await credentials(IdentityId!, saml);
    const lifetime = out.Credentials!.Expiration!.getTime() - t;
    assert.ok(lifetime <= 901_000 && lifetime > 800_000, `${lifetime} ms`);
  });

  it('S16: an assertion that proved one identity can never reach a second one', async () => {
    const saml = await assertion({ nameId: 'carol@corp.example' });
    const { IdentityId } = await getId(saml);
    // Another user's identity (its own login), named with carol's assertion.
    const dave = await assertion({ nameId: 'dave@corp.example' });
    const daveId = (await getId(dave)).IdentityId!;
    assert.notEqual(daveId, IdentityId);
    await rejectsNotAuthorized(credentials(daveId, saml));
    // The same assertion for its own identity still works within its validity.
    assert.ok((await credentials(IdentityId!, saml)).Credentials);
  });

  it('S13: an expired assertion is NotAuthorizedException', async () => {
    const saml = await assertion({ lifetimeSeconds: 60 });
    offset += 10 * 60_000;
    try {
      await rejectsNotAuthorized(getId(saml), /expired/);
    } finally {
      offset -= 10 * 60_000;
    }
  });

  it('S14: a wrong audience, a bad signature and a provider not in the pool are NotAuthorizedException', async () => {
    await rejectsNotAuthorized(getId(await assertion({ audience: 'urn:other' })), /Audience/);
    const forged = await (await startSamlIdp({ entityId: idp.entityId })).response({ now: clock(), attributes: { [ROLE]: [`${devRole},${providerArn}`] } });
    await rejectsNotAuthorized(getId(forged), /signature/);
    await rejectsNotAuthorized(
      f.pub.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [otherProviderArn]: await assertion() } })),
      /not from a supported provider/,
    );
  });
});
