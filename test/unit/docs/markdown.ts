/**
 * Reading the reference docs (docs/*.md) as data: the tests in this folder compare their tables
 * with the code, so a doc that drifts from the code fails the build (design.md principle 2).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths.js';

export function readDoc(name: string): string {
  return readFileSync(join(repoRoot, 'docs', name), 'utf8');
}

/**
 * The cells of every table row in `text` (GitHub-flavoured Markdown pipe tables): header and
 * separator rows are skipped; `\|` inside a cell is kept as a literal bar.
 */
export function tableRows(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('|') || !t.endsWith('|')) continue;
    const cells = t
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|'));
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    rows.push(cells);
  }
  return rows;
}

/** Text between `<!-- gen-compat:begin <key> -->` and its end marker; undefined when absent. */
export function generatedBlock(doc: string, key: string): string | undefined {
  const begin = `<!-- gen-compat:begin ${key} -->`;
  const end = `<!-- gen-compat:end ${key} -->`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) return undefined;
  return doc.slice(i + begin.length, j);
}

/** The section of `doc` under the heading `## title`, up to the next `## ` heading. */
export function section(doc: string, title: string): string {
  const start = doc.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`no section '## ${title}'`);
  const rest = doc.slice(start + title.length + 5);
  const next = rest.indexOf('\n## ');
  return next < 0 ? rest : rest.slice(0, next);
}
