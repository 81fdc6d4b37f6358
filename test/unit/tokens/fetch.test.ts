import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createServer, type AddressInfo } from 'node:net';
import { Refusal } from '../../../src/errors/index.js';
import { fetchJson } from '../../../src/tokens/fetch.js';
import { startIssuer, type TestIssuer } from '../../helpers/issuer.js';

let idp: TestIssuer;
before(async () => {
  idp = await startIssuer();
});
after(() => idp.close());

const refused = (check: string) => (e: unknown) => {
  assert.ok(e instanceof Refusal, `expected a Refusal, got ${String(e)}`);
  assert.equal(e.kind, 'IdpCommunication');
  assert.equal(e.reason.check, check);
  return true;
};

test('fetches JSON from a server whose root CA thumbprint is pinned', async () => {
  const doc = (await fetchJson(`${idp.url}/.well-known/openid-configuration`, { thumbprints: [idp.thumbprint] })) as Record<string, unknown>;
  assert.equal(doc.issuer, idp.url);
});

test('accepts a pinned thumbprint of the leaf certificate and upper-case hex', async () => {
  const jwks = (await fetchJson(idp.jwksUri, { thumbprints: [idp.leafThumbprint.toUpperCase()] })) as { keys: unknown[] };
  assert.equal(jwks.keys.length, 2);
});

test('refuses a server whose certificate matches no thumbprint and no trusted CA', async () => {
  const before = idp.jwksRequests;
  await assert.rejects(fetchJson(idp.jwksUri, { thumbprints: ['0'.repeat(40)] }), refused('fetch.tls'));
  await assert.rejects(fetchJson(idp.jwksUri), refused('fetch.tls'));
  assert.equal(idp.jwksRequests, before, 'no HTTP request is sent to an untrusted server');
});

test('refuses a pinned certificate that does not name the host', async () => {
  const other = await startIssuer({ names: [{ type: 'dns', value: 'idp.example.com' }] });
  try {
    await assert.rejects(fetchJson(other.jwksUri, { thumbprints: [other.thumbprint] }), refused('fetch.tls'));
  } finally {
    await other.close();
  }
});

test('trusts a CA given in NODE_EXTRA_CA_CERTS without any thumbprint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-ca-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, idp.certPem);
  const fetchModule = fileURLToPath(new URL('../../../src/tokens/fetch.js', import.meta.url));
  const script = `import(${JSON.stringify(fetchModule)}).then(async (m) => { const d = await m.fetchJson(${JSON.stringify(idp.jwksUri)}); process.stdout.write(String(d.keys.length)); })`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile } });
  assert.equal(stdout, '2');
});

test('refuses non-https URLs without connecting', async () => {
  await assert.rejects(fetchJson(idp.jwksUri.replace('https:', 'http:'), { thumbprints: [idp.thumbprint] }), refused('fetch.url'));
  await assert.rejects(fetchJson('not a url'), refused('fetch.url'));
  await assert.rejects(fetchJson(idp.jwksUri.replace('https://', 'https://user:pw@')), refused('fetch.url'));
});

test('does not follow redirects', async () => {
  idp.route('/redirect', (_req, res) => res.writeHead(302, { location: idp.jwksUri }).end());
  const before = idp.jwksRequests;
  await assert.rejects(fetchJson(`${idp.origin}/redirect`, { thumbprints: [idp.thumbprint] }), refused('fetch.status'));
  assert.equal(idp.jwksRequests, before);
});

test('refuses a non-200 answer', async () => {
  idp.route('/down', (_req, res) => res.writeHead(503).end('{}'));
  await assert.rejects(fetchJson(`${idp.origin}/down`, { thumbprints: [idp.thumbprint] }), refused('fetch.status'));
});

test('refuses a body larger than the cap, declared or streamed', async () => {
  idp.route('/big', (_req, res) => res.writeHead(200, { 'content-length': String(2_000_000) }).end());
  await assert.rejects(fetchJson(`${idp.origin}/big`, { thumbprints: [idp.thumbprint] }), refused('fetch.size'));
  idp.route('/stream', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < 40 && res.write(chunk)) sent++;
      if (sent < 40) res.once('drain', pump);
      else res.end('{}');
    };
    pump();
  });
  await assert.rejects(fetchJson(`${idp.origin}/stream`, { thumbprints: [idp.thumbprint], maxBytes: 512 * 1024 }), refused('fetch.size'));
});

test('gives up on a slow server at the deadline', async () => {
  idp.route('/slow', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"keys":');
    // never finishes: a slow drip
  });
  // The server never completes the body, so only the deadline can end this fetch: the outcome
  // (a fetch.timeout refusal) is the same on a fast or a busy machine, and no elapsed time is asserted.
  await assert.rejects(fetchJson(`${idp.origin}/slow`, { thumbprints: [idp.thumbprint], timeoutMs: 300 }), refused('fetch.timeout'));
});

test('gives up on a server that accepts TCP but never completes the TLS handshake', async () => {
  const silent = createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  try {
    const port = (silent.address() as AddressInfo).port;
    await assert.rejects(fetchJson(`https://127.0.0.1:${port}/jwks`, { timeoutMs: 200 }), refused('fetch.timeout'));
  } finally {
    silent.close();
  }
});

test('reports a refused connection', async () => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  await assert.rejects(fetchJson(`https://127.0.0.1:${port}/jwks`), refused('fetch.network'));
});

test('refuses a body that is not JSON or repeats a member name', async () => {
  idp.route('/html', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
  await assert.rejects(fetchJson(`${idp.origin}/html`, { thumbprints: [idp.thumbprint] }), refused('fetch.json'));
  idp.route('/dup', (_req, res) => res.writeHead(200).end('{"keys":[],"keys":[1]}'));
  await assert.rejects(fetchJson(`${idp.origin}/dup`, { thumbprints: [idp.thumbprint] }), refused('fetch.json'));
});
