#!/usr/bin/env node
/**
 * A stand-in S3/DynamoDB upstream for bench/gateway.mjs (issue #26): node:http on 127.0.0.1 that
 * keeps connections alive (as AWS's endpoints do, unlike moto_server's `Connection: close`) and
 * answers fixed small bodies at once, so that the gateway's own cost is what a row measures.
 * It is NOT a store: it does not verify signatures and keeps nothing. It answers
 *   GET  /bench/small.txt                          → 200, 1 KiB of 'x'
 *   any other S3-style request                     → 200, empty
 *   POST x-amz-target DynamoDB_20120810.DescribeTable → table `bench`, HASH key `pk` (S)
 *   POST x-amz-target DynamoDB_20120810.GetItem    → the item { pk: k1, v: 'x' × 100 }
 *   any other DynamoDB operation                   → {}
 * Prints `listening http://127.0.0.1:PORT` once ready.
 */
import http from 'node:http';

const OBJECT = Buffer.alloc(1024, 'x');
const ITEM = Buffer.from(JSON.stringify({ Item: { pk: { S: 'k1' }, v: { S: 'x'.repeat(100) } } }));
const TABLE = Buffer.from(
  JSON.stringify({
    Table: {
      TableName: 'bench',
      TableStatus: 'ACTIVE',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      TableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/bench',
    },
  }),
);
const EMPTY_JSON = Buffer.from('{}');

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') {
      const op = target.slice(target.indexOf('.') + 1);
      const body = op === 'GetItem' ? ITEM : op === 'DescribeTable' ? TABLE : EMPTY_JSON;
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': body.length, 'x-amzn-requestid': 'standin' });
      res.end(body);
      return;
    }
    if (req.method === 'GET' && req.url === '/bench/small.txt') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': OBJECT.length, etag: '"standin"', 'last-modified': 'Mon, 07 Dec 2026 00:00:00 GMT' });
      res.end(OBJECT);
      return;
    }
    res.writeHead(200, { 'content-length': 0 });
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
