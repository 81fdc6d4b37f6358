// The console: sections load their SDK clients on demand (code-split), all signed with the pasted credentials.
import './style.css';
import './console.css';
import { h, replace } from './dom';
import { credentialsForm, load } from './credentials';

const app = document.getElementById('app')!;
const credsBox = h('section', { class: 'card' });
const tabs = h('div', { role: 'tablist', 'aria-label': 'Console sections' });
const panel = h('section', { id: 'console-panel', role: 'tabpanel', tabindex: '-1' });
app.append(credsBox, tabs, panel);

const SECTIONS = [
  { id: 'identity-pools', label: 'Identity pools', load: () => import('./console-identity') },
  { id: 'iam', label: 'IAM roles and providers', load: () => import('./console-iam') },
  { id: 'iam-policies', label: 'IAM policies', load: () => import('./console-iam-policies') },
  { id: 'iam-users', label: 'IAM users', load: () => import('./console-iam-users') },
  { id: 'iam-groups', label: 'IAM groups', load: () => import('./console-iam-groups') },
  { id: 'user-pools', label: 'User pools', load: () => import('./console-userpools') },
] as const;

let current: string = SECTIONS[0].id;
let opening = 0;
async function open(id: string): Promise<void> {
  current = id;
  const mine = ++opening;
  for (const t of tabs.querySelectorAll<HTMLElement>('[role=tab]')) {
    const on = t.dataset.section === id;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
  }
  panel.setAttribute('aria-labelledby', `tab-${id}`);
  const creds = load();
  if (!creds) {
    replace(panel, h('p', {}, 'Enter credentials above to use the console.'));
    return;
  }
  replace(panel, h('p', { role: 'status' }, 'Loading…'));
  const section = SECTIONS.find((s) => s.id === id)!;
  const mod = await section.load();
  if (mine !== opening) return; // another tab was opened meanwhile
  await mod.render(panel, creds);
}

SECTIONS.forEach((s, i) => {
  tabs.append(h('button', { type: 'button', role: 'tab', id: `tab-${s.id}`, 'data-section': s.id, 'aria-controls': 'console-panel', onclick: () => void open(s.id),
    onkeydown: (e: Event) => {
      const k = (e as KeyboardEvent).key;
      const n = SECTIONS.length;
      const to = k === 'ArrowRight' ? (i + 1) % n : k === 'ArrowLeft' ? (i + n - 1) % n : k === 'Home' ? 0 : k === 'End' ? n - 1 : -1;
      if (to < 0) return;
      e.preventDefault();
      const next = SECTIONS[to]!;
      void open(next.id);
      document.getElementById(`tab-${next.id}`)!.focus();
    } }, s.label));
});

credentialsForm(credsBox, () => void open(current));
void open(current);
