/**
 * Protocol detection and operation routing on the one `POST /` listener (aws-surface.md §1):
 * awsQuery by `Action` + `Version`, awsJson by `X-Amz-Target`; every mistake is a 4xx in the
 * error shape of the protocol the client spoke (security.md A08, invariant 7).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { assertCommon, assertJsonError, assertQueryError, postForm, postJson, send, signedForm } from './harness.js';

describe('routing', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.close();
  });

  describe('awsQuery', () => {
    it('answers a signed GetCallerIdentity with 200 XML carrying the request id in header and body', async () => {
      const res = await signedForm(server, 'Action=GetCallerIdentity&Version=2011-06-15');
      const id = assertCommon(res, 200);
      assert.match(res.text, /^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
      assert.ok(res.text.includes(`<RequestId>${id}</RequestId>`));
    });

    it('answers an unknown Action with 400 InvalidAction', async () => {
      assertQueryError(await postForm(server, 'Action=DescribeEverything&Version=2011-06-15'), 400, 'InvalidAction', /DescribeEverything/);
      assertQueryError(await postForm(server, 'Action=DescribeEverything&Version=2010-05-08'), 400, 'InvalidAction');
    });

    it('echoes a hostile Action name in well-formed XML: markup is escaped, characters XML cannot carry are replaced', async () => {
      const action = `<x a="1">&amp;]]></x>\u0001\r`;
      const res = await postForm(server, `Action=${encodeURIComponent(action)}&Version=2011-06-15`);
      const message = assertQueryError(res, 400, 'InvalidAction');
      assert.ok(message.includes('<x a="1">&amp;]]></x>\uFFFD'), message);
      assert.ok(!res.text.includes('<x '), 'no raw markup from the request in the response');
    });

    it('answers an Action of one service sent with the other service Version with 400 InvalidAction', async () => {
      assertQueryError(await postForm(server, 'Action=GetCallerIdentity&Version=2010-05-08'), 400, 'InvalidAction');
    });

    it('answers an unknown Version with 400 InvalidAction', async () => {
      assertQueryError(await postForm(server, 'Action=GetCallerIdentity&Version=2099-01-01'), 400, 'InvalidAction');
    });

    it('answers a form without Action with 400', async () => {
      assertQueryError(await postForm(server, 'Version=2011-06-15'), 400, 'MissingAction');
      assertQueryError(await postForm(server, 'Action=&Version=2011-06-15'), 400, 'MissingAction');
    });

    it('answers an empty POST with 400', async () => {
      assertQueryError(await send(server, { body: '' }), 400, 'MissingAction');
    });

    it('answers a form sent with a non-form Content-Type with 415 in the awsQuery shape', async () => {
      for (const ct of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) {
        const res = await send(server, { body: 'Action=GetCallerIdentity&Version=2011-06-15', headers: { 'content-type': ct } });
        assertQueryError(res, 415, 'UnsupportedMediaType');
      }
      const none = await send(server, { body: Buffer.from('Action=GetCallerIdentity&Version=2011-06-15') });
      assertQueryError(none, 415, 'UnsupportedMediaType');
    });

    it('answers an IAM action with the IAM namespace in the error envelope', async () => {
      const res = await postForm(server, 'Action=ListRoles&Version=2010-05-08');
      assertQueryError(res, 403, 'MissingAuthenticationToken');
      assert.match(res.text, /xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"/);
    });
  });

  describe('awsJson', () => {
    it('answers an unknown operation of a known target prefix with 400 UnknownOperationException', async () => {
      assertJsonError(await postJson(server, 'AWSCognitoIdentityService.DescribeEverything', '{}'), 400, 'UnknownOperationException');
    });

    it('answers an unknown target prefix, or a target without an operation, with 400 UnknownOperationException', async () => {
      for (const target of ['AWSNoSuchService.GetId', 'AmazonDynamoDB_20120810.ListTables', 'AWSCognitoIdentityService', 'AWSCognitoIdentityService.', '.GetId', '']) {
        assertJsonError(await postJson(server, target, '{}'), 400, 'UnknownOperationException');
      }
    });

    it('answers JSON sent as text/plain with a 4xx JSON error', async () => {
      const res = await send(server, { body: '{}', headers: { 'content-type': 'text/plain', 'x-amz-target': 'AWSCognitoIdentityService.GetId' } });
      assertJsonError(res, 400, 'SerializationException', /Content-Type/);
      const none = await send(server, { body: Buffer.from('{}'), headers: { 'x-amz-target': 'AWSCognitoIdentityService.GetId' } });
      assertJsonError(none, 400, 'SerializationException');
    });
  });

  describe('GET', () => {
    it('serves the index page for a plain GET / and 404 JSON for an unknown path, both without a 5xx', async () => {
      const page = await send(server, { method: 'GET' });
      assert.equal(page.status, 200);
      const missing = await send(server, { method: 'GET', path: '/nope' });
      assert.equal(missing.status, 404);
    });

    it('answers an unsigned GET with an Action in the query with the awsQuery error shape', async () => {
      assertQueryError(await send(server, { method: 'GET', path: '/?Action=GetCallerIdentity&Version=2011-06-15' }), 403, 'MissingAuthenticationToken');
      assertQueryError(await send(server, { method: 'GET', path: '/?Action=Nope&Version=2011-06-15' }), 400, 'InvalidAction');
    });
  });
});
