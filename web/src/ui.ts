// Shared console widgets: a table of items with actions, an error line, a JSON inspector.
import { h, json, replace } from './dom';

export function errorLine(err: unknown): HTMLElement {
  const e = err as Error;
  return h('p', { class: 'error', role: 'alert' }, `${e.name}: ${e.message}`);
}

export function inspector(title: string, value: unknown): HTMLElement {
  return h('details', { open: true, class: 'card' }, h('summary', {}, title), h('pre', {}, json(value)));
}

/** Runs `action`, showing its error in `status` instead of throwing. */
export async function attempt(status: HTMLElement, action: () => Promise<void>): Promise<void> {
  replace(status, h('span', { role: 'status' }, 'Working…'));
  try {
    await action();
    replace(status);
  } catch (err) {
    replace(status, errorLine(err));
  }
}

export function table(headers: string[], rows: Array<Array<Node | string>>, caption: string): HTMLElement {
  return h('table', {}, h('caption', { class: 'muted' }, caption), h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))));
}
