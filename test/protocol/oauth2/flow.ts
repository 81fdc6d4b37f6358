/** Shared steps of the hosted-endpoint tests: driving the managed login page like a browser. */
import assert from 'node:assert/strict';
import { Browser, parseForm, type Hop } from '../../e2e/oauth2/harness/browser.js';
import { APP_CALLBACK } from './harness.js';

export function authorizeUrl(base: string, domain: string, params: Record<string, string>): string {
  return `${base}/auth/${domain}/oauth2/authorize?${new URLSearchParams({ response_type: 'code', redirect_uri: APP_CALLBACK, ...params })}`;
}

/** GET authorize → the login form → POST credentials; returns the hop that redirects to the app. */
export async function signInWithPassword(browser: Browser, url: string, username: string, password: string): Promise<Hop> {
  const page = await browser.request(url);
  assert.equal(page.status, 200, `login page expected, got ${page.status} ${page.location ?? ''}\n${page.body}`);
  const form = parseForm(page.body, url);
  return browser.request(form.action, { form: { ...form.fields, username, password } });
}

export function callbackParams(hop: Hop): URLSearchParams {
  assert.equal(hop.status, 302, `redirect expected, got ${hop.status}:\n${hop.body}`);
  assert.ok(hop.location?.startsWith(APP_CALLBACK), `redirect to the app expected, got ${hop.location}`);
  const u = new URL(hop.location!);
  return u.hash ? new URLSearchParams(u.hash.slice(1)) : u.searchParams;
}

export async function tokenRequest(base: string, domain: string, form: Record<string, string>, basic?: { id: string; secret: string }): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`;
  const res = await fetch(`${base}/auth/${domain}/oauth2/token`, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}
