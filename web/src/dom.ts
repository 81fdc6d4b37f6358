// DOM helpers: every value is put in as text (no innerHTML anywhere), so untrusted data cannot become markup.
type Attrs = Record<string, string | boolean | ((e: Event) => void) | undefined>;
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c);
  return el;
}

export function replace(target: Element, ...children: Child[]): void {
  target.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false).map((c) => (typeof c === 'number' ? String(c) : c)));
}

let seq = 0;
export const uid = (p: string) => `${p}-${++seq}`;

/** A labelled input. */
export function field(label: string, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement): HTMLElement {
  const id = input.id || uid('f');
  input.id = id;
  return h('div', {}, h('label', { for: id }, label), input);
}

/** Masks the middle of secrets and tokens for display in traces. */
export function mask(value: string): string {
  return value.length <= 12 ? '****' : `${value.slice(0, 6)}…${value.slice(-4)} (${value.length} chars)`;
}

const SECRET_KEYS = /^(SecretKey|SecretAccessKey|SessionToken|Token|IdToken|AccessToken|RefreshToken|id_token|access_token|refresh_token|code_verifier|Password|password)$/;
/** A deep copy with secret-looking members masked; JWTs are shown decoded beside the mask. */
export function masked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(masked);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === '$metadata') continue;
      if (typeof v === 'string' && (SECRET_KEYS.test(k) || /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(v))) out[k] = decodeJwt(v) ? { masked: mask(v), decoded: decodeJwt(v) } : mask(v);
      else if (k === 'Logins' && v && typeof v === 'object') out[k] = Object.fromEntries(Object.entries(v as Record<string, string>).map(([lk, lv]) => [lk, { masked: mask(lv), decoded: decodeJwt(lv) }]));
      else out[k] = masked(v);
    }
    return out;
  }
  return value;
}

export function decodeJwt(token: string): { header: unknown; claims: unknown } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const dec = (s: string) => JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(s.length / 4) * 4, '=')), (c) => c.charCodeAt(0))));
    return { header: dec(parts[0]!), claims: dec(parts[1]!) };
  } catch {
    return undefined;
  }
}

export const json = (v: unknown) => JSON.stringify(v, null, 2);
