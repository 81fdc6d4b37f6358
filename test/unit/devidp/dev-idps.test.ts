/**
 * The development identity providers' instance (src/devidp/index.ts) and its pure parts: the
 * HTTPS listener keeps its port across starts and moves (and records the move) when that port is
 * taken; redirect URIs are the registered ones only; the sign-in page renders every value as
 * text; typed users are validated.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevIdps } from '../../../src/devidp/index.js';
import { isAllowedRedirect } from '../../../src/devidp/oauth.js';
import { renderSignInPage, userFromForm } from '../../../src/devidp/page.js';

const PUBLIC = 'http://127.0.0.1:4590';
const start = (dataDir: string) => startDevIdps({ dataDir, publicUrl: PUBLIC, clock: () => new Date(), onError: (err) => assert.fail(String(err)) });

describe('the development identity providers instance', () => {
  it('reuses the recorded port on the next start, and takes (and records) another when it is busy', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-devidp-unit-'));
    try {
      const first = await start(dataDir);
      const port = first.port;
      await first.close();
      const second = await start(dataDir);
      assert.equal(second.port, port);
      assert.equal(second.oidc.issuer, `https://localhost:${port}/oidc`);
      await second.close();
      // Someone else holds the port now.
      const squatter = createServer();
      await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
      try {
        const third = await start(dataDir);
        assert.notEqual(third.port, port);
        assert.equal(JSON.parse(readFileSync(join(dataDir, 'dev-idps', 'state.json'), 'utf8')).port, third.port);
        await third.close();
      } finally {
        await new Promise<void>((resolve) => squatter.close(() => resolve()));
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps the Twitter consumer secret and the thumbprint across starts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-devidp-unit-'));
    try {
      const a = await start(dataDir);
      await a.close();
      const b = await start(dataDir);
      await b.close();
      assert.equal(a.supportedLoginProviders['api.twitter.com'], b.supportedLoginProviders['api.twitter.com']);
      assert.match(a.supportedLoginProviders['api.twitter.com'], /^tesseradevconsumerkey0000;[A-Za-z0-9_-]{43}$/);
      assert.equal(a.thumbprint, b.thumbprint);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('redirect URIs of the development providers', () => {
  it('accepts the demo callback, a user pool idpresponse and http loopback URIs only', () => {
    for (const ok of [`${PUBLIC}/demo/callback`, `${PUBLIC}/auth/tessera-demo/oauth2/idpresponse`, 'http://localhost:9999/cb', 'http://127.0.0.1:1/x?y=1', 'http://[::1]:8080/cb']) assert.ok(isAllowedRedirect(ok, PUBLIC), ok);
    for (const bad of ['https://evil.example/cb', 'http://evil.example/cb', 'http://127.0.0.1:1/x#frag', 'http://user:pw@localhost/cb', 'javascript:alert(1)', `http://localhost/${'a'.repeat(2001)}`]) {
      assert.ok(!isAllowedRedirect(bad, PUBLIC), bad);
    }
    // Under a public URL that is not loopback, only its own demo callback and idpresponse paths.
    const pub = 'https://tessera.example';
    assert.ok(isAllowedRedirect(`${pub}/demo/callback`, pub));
    assert.ok(isAllowedRedirect(`${pub}/auth/tessera-demo/oauth2/idpresponse`, pub));
    for (const bad of [`${pub}/auth/../oauth2/idpresponse`, `${pub}/auth/x/oauth2/idpresponse?x=1`, `${pub}/elsewhere`, `${pub}.evil/demo/callback`]) assert.ok(!isAllowedRedirect(bad, pub), bad);
  });
});

describe('the development sign-in page', () => {
  it('renders every value as text, never markup', () => {
    const html = renderSignInPage({ providerTitle: '<script>alert(1)</script>', clientLabel: '"><img src=x onerror=alert(1)>', action: '/_dev/x/authorize', hidden: { request: '"><b>', csrf: "'&" } });
    assert.ok(!html.includes('<script>alert'));
    assert.ok(!html.includes('<img'));
    assert.ok(!html.includes('"><b>'));
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /value="&#39;&amp;"/);
    assert.ok(!/<script/i.test(html), 'no script at all');
  });

  it('accepts a preset or a typed name and email, and explains a bad one', () => {
    assert.deepEqual(userFromForm(new URLSearchParams({ preset: 'bob' })), { name: 'Bob Example', email: 'bob@example.com' });
    assert.deepEqual(userFromForm(new URLSearchParams({ name: ' Eve ', email: 'Eve@Example.com' })), { name: 'Eve', email: 'eve@example.com' });
    assert.equal(typeof userFromForm(new URLSearchParams({ preset: 'mallory' })), 'string');
    assert.equal(typeof userFromForm(new URLSearchParams({ name: '', email: 'a@b.c' })), 'string');
    assert.equal(typeof userFromForm(new URLSearchParams({ name: 'x'.repeat(65), email: 'a@b.c' })), 'string');
    assert.equal(typeof userFromForm(new URLSearchParams({ name: 'A<b>', email: 'a@b.c' })), 'string');
    assert.equal(typeof userFromForm(new URLSearchParams({ name: 'A', email: 'not-an-email' })), 'string');
  });
});
