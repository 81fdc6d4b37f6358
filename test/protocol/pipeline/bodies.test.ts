/**
 * Hostile request bodies (security.md A08, J21, J24): malformed form encoding, duplicate form
 * parameters, malformed / non-object / duplicate-key / deeply nested JSON, and bodies over the
 * size limit — each a 4xx in the protocol's error shape, and the server still healthy after.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { MAX_BODY_BYTES } from '../../../src/http/server.js';
import { assertJsonError, assertQueryError, postForm, postJson, send, signedForm } from './harness.js';

const TARGET = 'AWSCognitoIdentityService.GetId';

describe('hostile bodies', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.close();
  });

  async function assertHealthy() {
    const health = await send(server, { method: 'GET', path: '/health' });
    assert.equal(health.status, 200);
    const sts = new STSClient({ endpoint: server.url, region: server.region, credentials: server.rootCredentials, maxAttempts: 1 });
    try {
      const me = await sts.send(new GetCallerIdentityCommand({}));
      assert.equal(me.Account, server.accountId);
    } finally {
      sts.destroy();
    }
  }

  describe('form encoding', () => {
    it('answers a malformed percent-escape with 400 MalformedQueryString', async () => {
      assertQueryError(await postForm(server, 'Action=GetCallerIdentity&Version=2011-06-15&X=%zz'), 400, 'MalformedQueryString');
      assertQueryError(await postForm(server, 'Action=GetCallerIdentity%'), 400, 'MalformedQueryString');
    });

    it('answers percent-escapes that are not UTF-8 with 400 MalformedQueryString', async () => {
      assertQueryError(await postForm(server, 'Action=GetCallerIdentity&Version=2011-06-15&X=%C3%28'), 400, 'MalformedQueryString');
      assertQueryError(await postForm(server, 'Action=GetCallerIdentity&Version=2011-06-15&X=%ED%A0%80'), 400, 'MalformedQueryString');
    });

    it('answers a signed request whose body is malformed with 400, not an authentication error or 5xx', async () => {
      assertQueryError(await signedForm(server, 'Action=GetCallerIdentity&Version=2011-06-15&X=%zz'), 400, 'MalformedQueryString');
    });

    it('answers a parameter given twice with 400 ValidationError', async () => {
      assertQueryError(await postForm(server, 'Action=GetCallerIdentity&Version=2011-06-15&Action=AssumeRole'), 400, 'ValidationError', /duplicate parameter 'Action'/);
      // The same name spelled with an escape is the same parameter.
      assertQueryError(await signedForm(server, 'Action=GetCallerIdentity&Version=2011-06-15&Version=2010-05-08'), 400, 'ValidationError');
      assertQueryError(
        await postForm(server, 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=a&R%6FleArn=b&RoleSessionName=s&WebIdentityToken=t'),
        400,
        'ValidationError',
        /duplicate parameter 'RoleArn'/,
      );
    });
  });

  describe('JSON', () => {
    it('answers malformed JSON with 400 SerializationException', async () => {
      for (const body of ['{', '{"a":}', '{"a":1,}', "{'a':1}", '{"a":1} trailing', 'nul']) {
        assertJsonError(await postJson(server, TARGET, body), 400, 'SerializationException');
      }
    });

    it('answers a top level that is not an object with 400 SerializationException', async () => {
      for (const body of ['[]', '[{"IdentityPoolId":"x"}]', '"text"', '42', 'null', 'true']) {
        assertJsonError(await postJson(server, TARGET, body), 400, 'SerializationException');
      }
    });

    it('answers duplicate member names, even escaped or nested, with 400 SerializationException', async () => {
      for (const body of ['{"a":1,"a":2}', '{"a":1,"\\u0061":2}', '{"Logins":{"x":"1","x":"2"}}']) {
        assertJsonError(await postJson(server, TARGET, body), 400, 'SerializationException');
      }
    });

    it('answers 10,000-deep nesting with 400 SerializationException', async () => {
      const deepObject = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
      assertJsonError(await postJson(server, TARGET, deepObject), 400, 'SerializationException');
      const deepArray = '{"a":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}';
      assertJsonError(await postJson(server, TARGET, deepArray), 400, 'SerializationException');
      await assertHealthy();
    });

    it('answers a body that is not UTF-8 with 400 SerializationException', async () => {
      assertJsonError(await postJson(server, TARGET, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), 400, 'SerializationException');
    });
  });

  // Cost bounds (security.md invariant 4): an unsigned operation (AssumeRoleWithWebIdentity) is
  // decoded for anyone, so a body under the size limit must be refused before anything is built
  // from it. src/wire/query.ts caps the parameter count and the length and depth of names; the
  // time this takes is measured by `npm run bench`, not asserted here.
  describe('bodies under the size limit that would be costly to decode', () => {
    it('refuses 5 million dot-separated name segments with ValidationError', async () => {
      const res = await postForm(server, 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&' + 'a.'.repeat(5_000_000) + 'b=1');
      assertQueryError(res, 400, 'ValidationError');
    });

    it('refuses a parameter name nested more than 8 levels with ValidationError', async () => {
      const res = await postForm(server, 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&' + 'a.'.repeat(9) + 'b=1');
      assertQueryError(res, 400, 'ValidationError');
    });

    it('refuses a million distinct parameters with ValidationError', async () => {
      const params = Array.from({ length: 1_000_000 }, (_, i) => `p${i}=`).join('&');
      const res = await postForm(server, 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&' + params);
      assertQueryError(res, 400, 'ValidationError');
    });
  });

  describe('size', () => {
    const big = Buffer.alloc(12 * 1024 * 1024, 0x61);

    it('declares a limit below 12 MiB', () => {
      assert.ok(MAX_BODY_BYTES < big.length);
    });

    it('answers a 12 MiB form body with 413 in the awsQuery shape and stays healthy', async () => {
      const body = Buffer.concat([Buffer.from('Action=GetCallerIdentity&Version=2011-06-15&X='), big]);
      assertQueryError(await send(server, { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 413, 'RequestEntityTooLarge');
      await assertHealthy();
    });

    it('answers a 12 MiB JSON body with 413 in the awsJson shape and stays healthy', async () => {
      const body = Buffer.concat([Buffer.from('{"a":"'), big, Buffer.from('"}')]);
      assertJsonError(await postJson(server, TARGET, body), 413, 'RequestEntityTooLarge');
      await assertHealthy();
    });

    it('answers a chunked body that grows past the limit with 413', async () => {
      const chunks = (async function* () {
        const piece = Buffer.alloc(1024 * 1024, 0x61);
        for (let i = 0; i < 12; i++) yield piece;
      })();
      const res = await fetch(server.url + '/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: chunks as unknown as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      const text = await res.text();
      assertQueryError({ status: res.status, headers: res.headers, text }, 413, 'RequestEntityTooLarge');
      await assertHealthy();
    });
  });
});
