/**
 * Drives the development identity providers' sign-in pages over plain HTTP, as a browser would:
 * GET the authorize page, read its form (request id, CSRF token and cookie), POST it, and return
 * where the 303 leads. Also a fetch for openid-client that trusts exactly the development
 * certificate (per request; nothing process-wide).
 */
import { request as httpsRequest } from 'node:https';

export interface FormPage {
  status: number;
  html: string;
  cookie: string | undefined;
  hidden: Record<string, string>;
}

export async function getPage(url: string, cookie?: string): Promise<FormPage> {
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const html = await res.text();
  const setCookie = res.headers.get('set-cookie');
  const hidden: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) hidden[m[1]!] = m[2]!.replace(/&amp;/g, '&');
  return { status: res.status, html, cookie: setCookie ? setCookie.split(';')[0] : undefined, hidden };
}

export async function postForm(url: string, fields: Record<string, string>, cookie: string | undefined): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields),
  });
}

/** Signs in at an authorize URL (with its query) as a typed user; returns the redirect target. */
export async function signInAt(authorizeUrl: string, user: { name: string; email: string } | { preset: string } = { preset: 'alice' }): Promise<URL> {
  const page = await getPage(authorizeUrl);
  if (page.status !== 200) throw new Error(`authorize page answered ${page.status}: ${page.html.slice(0, 300)}`);
  const action = new URL(/<form method="post" action="([^"]+)"/.exec(page.html)![1]!, authorizeUrl).href;
  const res = await postForm(action, { ...page.hidden, ...('preset' in user ? { preset: user.preset } : { ...user, action: 'sign-in' }) }, page.cookie);
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return new URL(res.headers.get('location')!);
}

/** fetch for openid-client: https URLs trust exactly `caPem`; http goes through the global fetch. */
export function pinnedFetch(caPem: string) {
  return async (url: string, options: { method?: string; headers?: Record<string, string> | Headers; body?: unknown; redirect?: string; signal?: AbortSignal }): Promise<Response> => {
    const u = new URL(url);
    if (u.protocol !== 'https:') return fetch(url, options as RequestInit);
    return new Promise<Response>((resolve, reject) => {
      const headers = Object.fromEntries(new Headers(options.headers as ConstructorParameters<typeof Headers>[0]).entries());
      const req = httpsRequest(u, { method: options.method ?? 'GET', headers, ca: caPem }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: h }));
        });
      });
      req.on('error', reject);
      req.end(options.body as string | undefined);
    });
  };
}
