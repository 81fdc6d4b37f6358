/**
 * The ceiling: a bare node:http server on 127.0.0.1:0 answering every request with the same small
 * JSON body, reading the request body first as a real server must. No framework, no parsing, no
 * storage — what any Node server on this machine can do at best with this load generator.
 */
import { createServer } from 'node:http';

const body = Buffer.from(JSON.stringify({ IdentityId: 'us-east-1:00000000-0000-4000-8000-000000000000' }));
const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
