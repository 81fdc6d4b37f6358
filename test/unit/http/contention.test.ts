/**
 * A stored record that other requests keep changing past the storage's compare-and-swap budget
 * (UpdateContentionError) is load, not a fault: the AWS endpoint answers it with the throttling
 * error of the protocol, which the SDKs retry with back-off, never a 5xx. The operations here are
 * stand-ins whose handler meets that contention; the endpoint and the HTTP server are the real ones.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildHttpServer } from '../../../src/http/server.js';
import { createAwsEndpoint } from '../../../src/http/aws-endpoint.js';
import { defineOperation } from '../../../src/wire/operation.js';
import { UpdateContentionError } from '../../../src/storage/contract.js';

describe('storage contention on the wire', () => {
  let app: FastifyInstance;
  const log = pino({ level: 'silent' });
  before(async () => {
    const contended = () => {
      throw new UpdateContentionError('ci.pools', 'us-east-1:x', 20);
    };
    const awsEndpoint = createAwsEndpoint({
      operations: [
        defineOperation({ service: 'cognito-identity', name: 'ListIdentityPools', auth: 'none', authorize: false, handler: contended }),
        defineOperation({ service: 'sts', name: 'GetCallerIdentity', auth: 'none', authorize: false, handler: contended }),
      ],
      authorizer: { authorize: async () => ({ decision: 'Allow' }) } as never,
      lookupCredentials: async () => undefined,
      clock: () => new Date(),
      region: 'us-east-1',
      accountId: '000000000000',
      log,
    });
    app = buildHttpServer({ awsEndpoint, health: async () => ({ ok: true }), indexPage: () => '', log });
    await app.ready();
  });
  after(() => app.close());

  it('answers a json operation TooManyRequestsException "Rate exceeded" (400)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.ListIdentityPools' },
      payload: '{"MaxResults":1}',
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(String(res.headers['x-amzn-errortype']), /^TooManyRequestsException(:|$)/);
    assert.deepEqual(JSON.parse(res.body), { __type: 'TooManyRequestsException', message: 'Rate exceeded' });
  });

  it('answers a query operation Throttling "Rate exceeded" (400)', async () => {
    const res = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'Action=GetCallerIdentity&Version=2011-06-15' });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.body, /<Code>Throttling<\/Code>/);
    assert.match(res.body, /<Message>Rate exceeded<\/Message>/);
  });
});
