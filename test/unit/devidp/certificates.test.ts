/**
 * The development IdPs' certificates: generated once into the data dir, read back unchanged on
 * the next start (same thumbprint, same key), usable for TLS on loopback, and a corrupt file is
 * an error rather than silently replaced.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:https';
import { connect } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { loadOrCreateDevCertificate } from '../../../src/devidp/certificates.js';

const now = new Date('2026-12-07T12:00:00Z');

describe('development IdP certificates', () => {
  it('are generated once and read back with the same thumbprint and key, private to the owner', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-devcert-'));
    try {
      const a = await loadOrCreateDevCertificate(dir, 'tls', { commonName: 'localhost', altNames: [{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }], now });
      const b = await loadOrCreateDevCertificate(dir, 'tls', { commonName: 'localhost', now });
      assert.equal(a.thumbprint, b.thumbprint);
      assert.match(a.thumbprint, /^[0-9a-f]{40}$/);
      assert.equal(a.keyPem, b.keyPem);
      assert.equal(statSync(join(dir, 'dev-idps', 'tls.pem')).mode & 0o777, 0o600);
      const other = await loadOrCreateDevCertificate(dir, 'saml-signing', { commonName: 'saml', now });
      assert.notEqual(other.thumbprint, a.thumbprint);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serve TLS on loopback, and a client pinning the thumbprint sees that certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-devcert-'));
    const cert = await loadOrCreateDevCertificate(dir, 'tls', { commonName: 'localhost', altNames: [{ type: 'ip', value: '127.0.0.1' }], now: new Date() });
    const server = createServer({ key: cert.keyPem, cert: cert.certPem }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const seen = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, rejectUnauthorized: false }, () => {
          resolve(socket.getPeerCertificate().fingerprint.replace(/:/g, '').toLowerCase());
          socket.end();
        });
        socket.once('error', reject);
      });
      assert.equal(seen, cert.thumbprint);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuse a corrupt file instead of replacing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-devcert-'));
    try {
      await loadOrCreateDevCertificate(dir, 'tls', { commonName: 'localhost', now });
      writeFileSync(join(dir, 'dev-idps', 'tls.pem'), 'not a key');
      await assert.rejects(loadOrCreateDevCertificate(dir, 'tls', { commonName: 'localhost', now }), /no certificate/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
