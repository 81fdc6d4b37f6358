#!/usr/bin/env node
/**
 * The floor of the gateway bench (bench/gateway.mjs): a bare node:http reverse proxy with no
 * authentication, authorisation, re-signing or logging — request in, the same request out to
 * `argv[2]` over a bounded keep-alive agent, the response piped back. What node:http and the
 * kernel cost per proxied request on this machine, which no gateway built on node:http can go
 * below. Prints `listening http://127.0.0.1:PORT` once ready.
 */
import http from 'node:http';

const target = new URL(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

const server = http.createServer((req, res) => {
  const headers = { ...req.headers, host: target.host };
  const up = http.request({ hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, (upRes) => {
    const out = {};
    for (const [k, v] of Object.entries(upRes.headers)) if (!HOP.has(k) && v !== undefined) out[k] = v;
    res.writeHead(upRes.statusCode ?? 502, out);
    upRes.pipe(res);
  });
  up.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(up);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
