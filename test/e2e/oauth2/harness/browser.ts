/**
 * A minimal browser for driving hosted sign-in pages with plain HTTP: a cookie jar (host +
 * path matching, Max-Age/Expires honoured), manual redirects that stop at a chosen prefix (the
 * app's redirect_uri, which nobody serves), and form extraction from the HTML pages.
 */
export interface Hop {
  status: number;
  url: string;
  location?: string;
  body: string;
  headers: Headers;
}

interface Jarred {
  value: string;
  host: string;
  path: string;
  expires?: number;
}

export class Browser {
  private readonly jar = new Map<string, Jarred>();

  cookieNames(host?: string): string[] {
    return [...this.jar.values()].filter((c) => !host || c.host === host).map((c) => c.value.split('=')[0]!);
  }

  private cookieHeader(url: URL): string | undefined {
    const now = Date.now();
    const out: string[] = [];
    for (const [key, c] of this.jar) {
      if (c.expires !== undefined && c.expires <= now) {
        this.jar.delete(key);
        continue;
      }
      if (c.host === url.host && url.pathname.startsWith(c.path)) out.push(c.value);
    }
    return out.length ? out.join('; ') : undefined;
  }

  private store(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const name = pair!.split('=')[0]!;
      let path = url.pathname.replace(/\/[^/]*$/, '/') || '/';
      let expires: number | undefined;
      for (const attr of attrs) {
        const [k, v = ''] = attr.split('=');
        const key = k!.toLowerCase();
        if (key === 'path') path = v;
        if (key === 'max-age') expires = Date.now() + Number(v) * 1000;
        if (key === 'expires' && expires === undefined) expires = Date.parse(v);
      }
      const id = `${url.host} ${path} ${name}`;
      if (expires !== undefined && expires <= Date.now()) this.jar.delete(id);
      else this.jar.set(id, { value: pair!, host: url.host, path, ...(expires !== undefined ? { expires } : {}) });
    }
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Hop> {
    const u = new URL(url);
    const headers: Record<string, string> = {};
    const cookie = this.cookieHeader(u);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(u, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, redirect: 'manual', ...(body !== undefined ? { body } : {}) });
    this.store(u, res.headers);
    const location = res.headers.get('location');
    return { status: res.status, url, body: await res.text(), headers: res.headers, ...(location ? { location: new URL(location, u).href } : {}) };
  }

  /** Follows redirects until one points under `stopAt` (returned) or a non-redirect answer. */
  async follow(first: Hop, stopAt: string, maxHops = 15): Promise<Hop> {
    let hop = first;
    for (let i = 0; i < maxHops; i++) {
      if (!hop.location || hop.status < 300 || hop.status > 399) return hop;
      if (hop.location.startsWith(stopAt)) return hop;
      hop = await this.request(hop.location);
    }
    throw new Error(`too many redirects from ${first.url}`);
  }

  async go(url: string, stopAt: string): Promise<Hop> {
    return this.follow(await this.request(url), stopAt);
  }
}

export interface ParsedForm {
  action: string;
  fields: Record<string, string>;
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The first <form> of a page: its action and the name/value of its inputs. */
export function parseForm(html: string, base: string): ParsedForm {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`no form in page:\n${html}`);
  const action = /action="([^"]*)"/i.exec(form[1]!)?.[1] ?? base;
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b([^>]*)>/gi)) {
    const name = /name="([^"]*)"/i.exec(input[1]!)?.[1];
    if (name) fields[decode(name)] = decode(/value="([^"]*)"/i.exec(input[1]!)?.[1] ?? '');
  }
  return { action: new URL(decode(action), base).href, fields };
}

/** Links with their text (the managed login page's IdP buttons). */
export function parseLinks(html: string, base: string): Array<{ text: string; href: string }> {
  return [...html.matchAll(/<a\b[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi)].map((m) => ({ href: new URL(decode(m[1]!), base).href, text: decode(m[2]!) }));
}
