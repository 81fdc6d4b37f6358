/**
 * SigV4 at the wire (security.md §1e V01–V03, V11): unsigned calls to signed operations, a
 * signature scoped to the wrong service, a stale X-Amz-Date, and presigned URLs (GET with the
 * X-Amz-* query parameters @smithy/signature-v4 produces), each answered in the awsQuery shape.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { assertCommon, assertQueryError, FORM, postForm, presignedUrl, send, signedForm, signer } from './harness.js';

describe('SigV4 at the wire', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.close();
  });

  it('answers an unsigned IAM call with 403 MissingAuthenticationToken', async () => {
    assertQueryError(await postForm(server, 'Action=ListRoles&Version=2010-05-08'), 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  });

  it('answers an unsigned GetCallerIdentity with 403 MissingAuthenticationToken', async () => {
    assertQueryError(await postForm(server, 'Action=GetCallerIdentity&Version=2011-06-15'), 403, 'MissingAuthenticationToken');
  });

  it('accepts an IAM call signed for iam', async () => {
    const res = await signedForm(server, 'Action=ListRoles&Version=2010-05-08', { service: 'iam' });
    assertCommon(res, 200);
    assert.match(res.text, /<ListRolesResponse/);
  });

  it('refuses a request signed for sts but sent to an IAM action with SignatureDoesNotMatch', async () => {
    assertQueryError(await signedForm(server, 'Action=ListRoles&Version=2010-05-08', { service: 'sts' }), 403, 'SignatureDoesNotMatch', /scoped to correct service: 'iam'/);
  });

  it('refuses a request signed for iam but sent to an STS action with SignatureDoesNotMatch', async () => {
    assertQueryError(await signedForm(server, 'Action=GetCallerIdentity&Version=2011-06-15', { service: 'iam' }), 403, 'SignatureDoesNotMatch', /'sts'/);
  });

  it('refuses a request signed for a service Tessera does not serve with SignatureDoesNotMatch', async () => {
    assertQueryError(await signedForm(server, 'Action=GetCallerIdentity&Version=2011-06-15', { service: 's3' }), 403, 'SignatureDoesNotMatch');
  });

  it('refuses a request signed 20 minutes ago with SignatureDoesNotMatch "Signature expired"', async () => {
    const res = await signedForm(server, 'Action=GetCallerIdentity&Version=2011-06-15', { signingDate: new Date(Date.now() - 20 * 60_000) });
    assertQueryError(res, 403, 'SignatureDoesNotMatch', /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z/);
  });

  it('refuses a request signed 20 minutes in the future with SignatureDoesNotMatch', async () => {
    const res = await signedForm(server, 'Action=GetCallerIdentity&Version=2011-06-15', { signingDate: new Date(Date.now() + 20 * 60_000) });
    assertQueryError(res, 403, 'SignatureDoesNotMatch', /^Signature not yet current/);
  });

  it('refuses a request signed with the wrong secret with SignatureDoesNotMatch', async () => {
    const res = await signedForm(server, 'Action=GetCallerIdentity&Version=2011-06-15', {
      credentials: { accessKeyId: server.rootCredentials.accessKeyId, secretAccessKey: 'wrong-secret-000000000000000000000000000' },
    });
    assertQueryError(res, 403, 'SignatureDoesNotMatch');
  });

  it('refuses an unknown access key with InvalidClientTokenId', async () => {
    const res = await signedForm(server, 'Action=GetCallerIdentity&Version=2011-06-15', {
      credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'whatever-000000000000000000000000000000' },
    });
    assertQueryError(res, 403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  });

  it('refuses a body changed after signing with SignatureDoesNotMatch', async () => {
    const url = new URL(server.url);
    const signed = await signer(server, 'sts').sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: { host: url.host, 'content-type': FORM },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    const headers = { ...(signed.headers as Record<string, string>) };
    delete headers.host;
    const res = await send(server, { body: 'Action=GetCallerIdentity&Version=2011-06-15&Extra=1', headers });
    assertQueryError(res, 403, 'SignatureDoesNotMatch');
  });

  describe('presigned URLs', () => {
    it('serves GetCallerIdentity from a presigned GET URL', async () => {
      const url = await presignedUrl(server, { Action: 'GetCallerIdentity', Version: '2011-06-15' });
      assert.match(url, /X-Amz-Signature=[0-9a-f]{64}/);
      const res = await fetch(url);
      const text = await res.text();
      const id = assertCommon({ status: res.status, headers: res.headers, text }, 200);
      const doc = new XMLParser().parse(text) as { GetCallerIdentityResponse: { GetCallerIdentityResult: { Arn: string; Account: unknown }; ResponseMetadata: { RequestId: string } } };
      assert.equal(doc.GetCallerIdentityResponse.GetCallerIdentityResult.Arn, `arn:aws:iam::${server.accountId}:root`);
      assert.equal(doc.GetCallerIdentityResponse.ResponseMetadata.RequestId, id);
    });

    it('refuses a presigned URL whose expiry has passed with AccessDenied "Request has expired"', async () => {
      const url = await presignedUrl(server, { Action: 'GetCallerIdentity', Version: '2011-06-15' }, { expiresIn: 60, signingDate: new Date(Date.now() - 5 * 60_000) });
      const res = await fetch(url);
      assertQueryError({ status: res.status, headers: res.headers, text: await res.text() }, 403, 'AccessDenied', 'Request has expired');
    });

    it('refuses a presigned URL whose query was changed after signing', async () => {
      const url = await presignedUrl(server, { Action: 'GetCallerIdentity', Version: '2011-06-15' });
      const res = await fetch(url.replace('Action=GetCallerIdentity', 'Action=GetCallerIdentity&Extra=1'));
      assertQueryError({ status: res.status, headers: res.headers, text: await res.text() }, 403, 'SignatureDoesNotMatch');
    });

    it('refuses a URL presigned for sts used for an IAM action', async () => {
      const url = await presignedUrl(server, { Action: 'ListRoles', Version: '2010-05-08' }, { service: 'sts' });
      const res = await fetch(url);
      assertQueryError({ status: res.status, headers: res.headers, text: await res.text() }, 403, 'SignatureDoesNotMatch');
    });
  });
});
