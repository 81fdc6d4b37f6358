/**
 * The gateway's configuration, and its derivation of IAM actions, resources and condition keys
 * from S3 and DynamoDB requests, as AWS documents them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, configFromEnv, loadConfig } from '../../../src/config/index.js';
import { classifyS3, copySource, parseS3Path, queryMap } from '../../../src/gateway/s3-actions.js';
import { dynamoChecks, type KeySchema } from '../../../src/gateway/dynamodb-actions.js';

test('reads the gateway settings from the environment: port, upstreams with their credentials and region, APIs as ID=URL pairs', () => {
  const config = loadConfig(
    configFromEnv({
      TESSERA_GATEWAY_PORT: '0',
      TESSERA_GATEWAY_S3_URL: 'http://127.0.0.1:9000/',
      TESSERA_GATEWAY_S3_ACCESS_KEY_ID: 'AKIAUPSTREAM',
      TESSERA_GATEWAY_S3_SECRET_ACCESS_KEY: 'secret',
      TESSERA_GATEWAY_DYNAMODB_URL: 'http://127.0.0.1:8000',
      TESSERA_GATEWAY_DYNAMODB_REGION: 'eu-west-1',
      TESSERA_GATEWAY_APIS: 'pets=http://127.0.0.1:7000/v1, orders=https://orders.internal',
    }),
  );
  assert.deepEqual(config.gateway, {
    port: 0,
    s3: { url: 'http://127.0.0.1:9000', region: 'us-east-1', accessKeyId: 'AKIAUPSTREAM', secretAccessKey: 'secret' },
    dynamodb: { url: 'http://127.0.0.1:8000', region: 'eu-west-1', accessKeyId: undefined, secretAccessKey: undefined },
    apis: { pets: 'http://127.0.0.1:7000/v1', orders: 'https://orders.internal' },
  });
  assert.equal(loadConfig({}).gateway, undefined);
});

test('refuses gateway settings that cannot work, all at once', () => {
  assert.throws(
    () => loadConfig({ gatewayS3Url: 'ftp://x', gatewayS3AccessKeyId: 'A', gatewayApis: ['bad id=http://x', 'ok=notaurl'] }),
    (e: Error) => {
      assert.ok(e instanceof ConfigError);
      const text = e.problems.join('\n');
      assert.match(text, /must be set together/);
      assert.match(text, /gateway S3 URL must be http\(s\)/);
      assert.match(text, /ID=URL/);
      assert.match(text, /gateway API 'ok' URL is not a URL/);
      assert.match(text, /need a gateway port/);
      return true;
    },
  );
  assert.throws(() => loadConfig({ gatewayPort: '70000' }), /gateway port must be an integer 0\.\.65535/);
});

test('derives S3 actions as AWS does: ListBucket with s3:prefix only when sent, GetObject on the key, CopyObject on source and target', () => {
  const list = classifyS3('GET', parseS3Path('/data'), queryMap('list-type=2&prefix=u%2F1%2F&delimiter=%2F'), {});
  assert.deepEqual(list?.checks, [{ action: 's3:ListBucket', resource: 'arn:aws:s3:::data', context: { 's3:prefix': 'u/1/', 's3:delimiter': '/' } }]);
  const bare = classifyS3('GET', parseS3Path('/data'), queryMap('list-type=2'), {});
  assert.deepEqual(bare?.checks[0]?.context, {});
  assert.equal(classifyS3('HEAD', parseS3Path('/data/a%20b/c.txt'), new Map(), {})?.checks[0]?.resource, 'arn:aws:s3:::data/a b/c.txt');
  const copy = classifyS3('PUT', parseS3Path('/data/to.txt'), new Map(), { 'x-amz-copy-source': '/other/from%3F.txt?versionId=v1' });
  assert.deepEqual(
    copy?.checks.map((c) => [c.action, c.resource]),
    [
      ['s3:GetObjectVersion', 'arn:aws:s3:::other/from?.txt'],
      ['s3:PutObject', 'arn:aws:s3:::data/to.txt'],
    ],
  );
  assert.deepEqual(copySource('other/k'), { bucket: 'other', key: 'k' });
  assert.equal(classifyS3('POST', parseS3Path('/data/k'), queryMap('uploads'), {})?.checks[0]?.action, 's3:PutObject');
  assert.equal(classifyS3('DELETE', parseS3Path('/data/k'), queryMap('uploadId=1'), {})?.checks[0]?.action, 's3:AbortMultipartUpload');
  assert.equal(classifyS3('GET', parseS3Path('/data'), queryMap('torrent-ish=1'), {}), undefined, 'an unknown sub-resource is not guessed');
});

test('derives DynamoDB checks as AWS does: LeadingKeys from the key schema, per table for batches, per item for transactions', () => {
  const schemas = new Map<string, KeySchema>([['t', { partitionKey: 'pk', sortKey: 'sk', indexes: { byOwner: 'owner' } }]]);
  const arn = 'arn:aws:dynamodb:us-east-1:000000000000:table/t';
  const query = dynamoChecks(
    'Query',
    { TableName: 't', KeyConditionExpression: '#p = :v AND sk > :s', ExpressionAttributeNames: { '#p': 'pk' }, ExpressionAttributeValues: { ':v': { S: 'me' }, ':s': { S: 'a' } }, Select: 'COUNT' },
    schemas,
    'us-east-1',
    '000000000000',
  );
  assert.deepEqual(query, [{ action: 'dynamodb:Query', resource: arn, context: { 'dynamodb:Select': 'COUNT', 'dynamodb:LeadingKeys': ['me'] } }]);
  const onIndex = dynamoChecks('Query', { TableName: 't', IndexName: 'byOwner', KeyConditionExpression: 'owner = :o', ExpressionAttributeValues: { ':o': { S: 'x' } } }, schemas, 'us-east-1', '000000000000');
  assert.deepEqual(onIndex?.[0]?.resource, `${arn}/index/byOwner`);
  assert.deepEqual(onIndex?.[0]?.context?.['dynamodb:LeadingKeys'], ['x']);
  const update = dynamoChecks(
    'UpdateItem',
    { TableName: 't', Key: { pk: { S: 'me' }, sk: { S: '1' } }, UpdateExpression: 'SET #n = :n, counter = counter + :one REMOVE old', ExpressionAttributeNames: { '#n': 'name' }, ReturnValues: 'ALL_NEW' },
    schemas,
    'us-east-1',
    '000000000000',
  );
  assert.deepEqual(update?.[0]?.context, { 'dynamodb:ReturnValues': 'ALL_NEW', 'dynamodb:LeadingKeys': ['me'], 'dynamodb:Attributes': ['pk', 'sk', 'name', 'counter', 'old'] });
  const scan = dynamoChecks('Scan', { TableName: 't' }, schemas, 'us-east-1', '000000000000');
  assert.equal(scan?.[0]?.context?.['dynamodb:LeadingKeys'], undefined, 'Scan carries no LeadingKeys, as on AWS');
  const transaction = dynamoChecks(
    'TransactWriteItems',
    { TransactItems: [{ Put: { TableName: 't', Item: { pk: { S: 'a' }, sk: { S: '1' } } } }, { ConditionCheck: { TableName: 't', Key: { pk: { S: 'b' }, sk: { S: '1' } } } }] },
    schemas,
    'us-east-1',
    '000000000000',
  );
  assert.deepEqual(
    transaction?.map((c) => [c.action, c.context?.['dynamodb:LeadingKeys'], c.context?.['dynamodb:EnclosingOperation']]),
    [
      ['dynamodb:PutItem', ['a'], 'TransactWriteItems'],
      ['dynamodb:ConditionCheckItem', ['b'], 'TransactWriteItems'],
    ],
  );
  assert.deepEqual(dynamoChecks('ExecuteStatement', { Statement: 'SELECT * FROM "t" WHERE pk = ?' }, schemas, 'us-east-1', '000000000000')?.[0]?.action, 'dynamodb:PartiQLSelect');
  assert.equal(dynamoChecks('ExecuteStatement', { Statement: 'EXPLAIN something' }, schemas, 'us-east-1', '000000000000'), undefined);
});
