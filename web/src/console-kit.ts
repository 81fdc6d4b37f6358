// Building blocks of the console views: a view (status line, list, detail), forms whose submit runs
// an AWS call and shows its error (code and message, role=alert), labelled inputs, confirmed deletes.
import { field, h, replace } from './dom';
import { inspector, table } from './ui';

export { field, h, replace, inspector, table };

/** The AWS error code (the wire code: IAM's `NoSuchEntity`, not the SDK class `NoSuchEntityException`), message and HTTP status. */
export function errorLine(err: unknown): HTMLElement {
  const e = err as Error & { Code?: string; $metadata?: { httpStatusCode?: number } };
  const code = e?.Code ?? e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  const message = e instanceof TypeError && /fetch/i.test(e.message) ? `${e.message} (is Tessera running at ${location.origin}?)` : (e?.message ?? String(err));
  return h('p', { class: 'error', role: 'alert' }, h('strong', {}, code), `: ${message}`, status ? ` (HTTP ${status})` : '');
}

/** Runs `action`, showing "Working…" while it runs and its error in `status` instead of throwing. */
export async function attempt(status: HTMLElement, action: () => Promise<void>): Promise<void> {
  replace(status, h('span', { role: 'status' }, 'Working…'));
  try {
    await action();
    replace(status);
  } catch (err) {
    replace(status, errorLine(err));
  }
  // A button that removed itself (a delete) leaves focus nowhere: put it back on the tab panel.
  if (!document.activeElement || document.activeElement === document.body) status.closest<HTMLElement>('[role=tabpanel]')?.focus();
}

/** An AWS SDK output without its `$metadata`. */
export function strip<T extends object>(o: T): Omit<T, '$metadata'> {
  const { $metadata: _m, ...rest } = o as T & { $metadata?: unknown };
  return rest;
}

/** IAM returns policy documents URL-encoded; shown decoded and parsed when they are JSON. */
export function policyDoc(encoded: string | undefined): unknown {
  if (encoded === undefined) return undefined;
  let text = encoded;
  try { text = decodeURIComponent(encoded); } catch { /* already plain */ }
  try { return JSON.parse(text); } catch { return text; }
}

export const EXAMPLE_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::example-bucket/*' }] }, null, 2);

export const pretty = (doc: unknown) => (typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));

/** Non-empty trimmed lines (or comma-separated items) of a textarea. */
export function lines(text: string): string[] {
  return text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
}

export function input(id: string, value = '', attrs: Record<string, string | boolean | undefined> = {}): HTMLInputElement {
  return h('input', { id, value, autocomplete: 'off', spellcheck: 'false', ...attrs });
}

export function area(id: string, value = '', attrs: Record<string, string | boolean | undefined> = {}): HTMLTextAreaElement {
  const t = h('textarea', { id, spellcheck: 'false', autocomplete: 'off', ...attrs });
  t.value = value;
  return t;
}

export function checkbox(id: string, checked: boolean): HTMLInputElement {
  const c = h('input', { id, type: 'checkbox', checked });
  c.style.width = 'auto';
  return c;
}

export function select(id: string, options: Array<[string, string]>, value?: string): HTMLSelectElement {
  const s = h('select', { id }, ...options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
  if (value !== undefined) s.value = value;
  return s;
}

/** A checkbox with its label beside it (for groups of options). */
export function option(id: string, label: string, checked: boolean): [HTMLElement, HTMLInputElement] {
  const c = checkbox(id, checked);
  return [h('div', { class: 'check' }, c, h('label', { for: id }, label)), c];
}

/** A secondary button; `label` is what it says, `name` its accessible name (e.g. "Delete my-role"). */
export function button(label: string, name: string, onclick: () => void, cls = 'secondary'): HTMLButtonElement {
  return h('button', { type: 'button', class: cls, 'aria-label': name === label ? undefined : name, onclick: () => onclick() }, label);
}

export const actions = (...buttons: HTMLElement[]) => h('div', { class: 'row' }, ...buttons);

/** A card form: heading, fields, a submit button; the submit runs `action` through `attempt`. */
export function form(status: HTMLElement, title: string, submit: string, action: () => Promise<void>, ...fields: Array<Node | null | false>): HTMLFormElement {
  return h('form', { class: 'card', 'aria-label': title, onsubmit: (e: Event) => { e.preventDefault(); void attempt(status, action); } },
    h('h3', {}, title), ...fields, h('p', {}, h('button', { type: 'submit' }, submit)));
}

/** Asks before a delete; resolves false when the user says no. */
export function confirmed(what: string): boolean {
  return confirm(`Delete ${what}? This cannot be undone.`);
}

/** A view: a heading, a status line (errors appear there), and the list and detail areas. */
export interface View { status: HTMLElement; list: HTMLElement; detail: HTMLElement }
export function view(): View {
  return { status: h('div', { class: 'status' }), list: h('div'), detail: h('div', { class: 'detail' }) };
}

/** Shows `children` in the detail area and moves focus to its heading, so keyboard users land on it. */
export function show(detail: HTMLElement, title: string, ...children: Array<Node | null | false>): void {
  const heading = h('h3', { tabindex: '-1', class: 'detail-title' }, title);
  replace(detail, h('section', { class: 'card', 'aria-label': title }, heading, ...children));
  heading.focus();
}

/** A small titled block inside a detail view. */
export const block = (title: string, ...children: Array<Node | string | null | false>) => h('div', { class: 'block' }, h('h4', {}, title), ...children);

/** The most items a list loads (page after page); past it the list says that more exist. */
export const LIST_LIMIT = 1000;
export interface Listed<T> { items: T[]; more: boolean }

/**
 * Every page of a list, following the next-page token (NextToken, PaginationToken or IAM's Marker
 * while IsTruncated), until the server has no more or LIST_LIMIT items are loaded. `page` answers
 * one page's items and the next token (undefined on the last page).
 */
export async function listAll<T>(page: (token: string | undefined) => Promise<[T[] | undefined, string | undefined]>, limit = LIST_LIMIT): Promise<Listed<T>> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const [got, next] = await page(token);
    items.push(...(got ?? []));
    token = next || undefined;
  } while (token && items.length < limit);
  return { items, more: token !== undefined };
}

/** A list's caption: "12 users", or "The first 1000 users are shown; there are more." */
export function counted(listed: Listed<unknown>, noun: string): string {
  return listed.more ? `The first ${listed.items.length} ${noun} are shown; there are more.` : `${listed.items.length} ${noun}`;
}
