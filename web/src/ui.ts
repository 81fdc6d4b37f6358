// Shared console widgets: a table of items, a JSON inspector.
import { h, json } from './dom';

export function inspector(title: string, value: unknown): HTMLElement {
  return h('details', { open: true, class: 'card' }, h('summary', {}, title), h('pre', {}, json(value)));
}

export function table(headers: string[], rows: Array<Array<Node | string>>, caption: string): HTMLElement {
  return h('table', {}, h('caption', { class: 'muted' }, caption), h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))));
}
