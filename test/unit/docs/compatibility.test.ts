/**
 * docs/compatibility.md against the code: the models it must cover, the operations the server
 * registers and answers, the official-SDK tests that back `supported`, and the generator
 * (scripts/gen-compat.mjs) that writes its tables.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceName } from '../../../src/wire/operation.js';
import { repoRoot } from '../../helpers/paths.js';
import { generatedBlock, readDoc, tableRows } from './markdown.js';
import { MODELS, registeredOperations, wireServedOperations } from './registry.js';

const STATUSES = ['supported', 'partial', 'not yet'] as const;
type Status = (typeof STATUSES)[number];
interface Row {
  name: string;
  status: Status;
  notes: string;
}

/** The services whose every operation the document must list. */
const TABLED: ServiceName[] = ['iam', 'sts', 'cognito-identity'];

function rowsOf(doc: string, service: ServiceName): Row[] {
  const block = generatedBlock(doc, service);
  assert.ok(block !== undefined, `docs/compatibility.md has a gen-compat block for ${service}`);
  return tableRows(block)
    .filter((cells) => cells[0] !== 'Operation')
    .map((cells) => {
      assert.equal(cells.length, 3, `row '${cells.join(' | ')}' has Operation, Status and Notes`);
      const [name, status, notes] = cells as [string, string, string];
      assert.ok((STATUSES as readonly string[]).includes(status), `${service} ${name}: status '${status}' is one of ${STATUSES.join(', ')}`);
      return { name, status: status as Status, notes };
    });
}

let doc: string;
let registered: Map<ServiceName, Set<string>>;
let onTheWire: Map<ServiceName, Set<string>>;

before(async () => {
  doc = readDoc('compatibility.md');
  registered = await registeredOperations();
  onTheWire = await wireServedOperations();
});

test('lists every IAM, STS and Cognito Identity operation of the models exactly once', () => {
  for (const service of TABLED) {
    const names = rowsOf(doc, service).map((r) => r.name);
    const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
    assert.deepEqual(duplicates, [], `${service}: operations listed more than once`);
    const expected = Object.keys(MODELS[service].operations).sort();
    assert.deepEqual([...names].sort(), expected, `${service}: the table's operations are the model's`);
  }
  assert.equal(rowsOf(doc, 'iam').length, 176);
  assert.equal(rowsOf(doc, 'sts').length, 11);
  assert.equal(rowsOf(doc, 'cognito-identity').length, 23);
});

test('marks supported or partial only operations the server registers', () => {
  for (const service of TABLED) {
    const served = registered.get(service)!;
    const wrong = rowsOf(doc, service).filter((r) => r.status !== 'not yet' && !served.has(r.name)).map((r) => r.name);
    assert.deepEqual(wrong, [], `${service}: marked served but not registered`);
  }
});

test('never marks a registered operation not yet', () => {
  for (const service of TABLED) {
    const served = registered.get(service)!;
    const wrong = rowsOf(doc, service).filter((r) => r.status === 'not yet' && served.has(r.name)).map((r) => r.name);
    assert.deepEqual(wrong, [], `${service}: registered but marked not yet`);
  }
});

test('marks not yet exactly the operations a running server answers with InvalidAction or UnknownOperationException', () => {
  for (const service of TABLED) {
    const served = onTheWire.get(service)!;
    const mismatched = rowsOf(doc, service)
      .filter((r) => (r.status === 'not yet') === served.has(r.name))
      .map((r) => `${r.name} (${r.status})`);
    assert.deepEqual(mismatched, [], `${service}: status disagrees with the wire`);
  }
});

test('the registry and the running server agree on what is served', () => {
  for (const service of TABLED) {
    assert.deepEqual([...onTheWire.get(service)!].sort(), [...registered.get(service)!].sort(), service);
  }
});

test('says Cognito user pools are not served, and the server serves none of their operations', () => {
  assert.match(doc, /\*\*Cognito user pools\*\*[^\n]*\n?[^\n]*not served yet/);
  assert.equal(generatedBlock(doc, 'cognito-idp'), undefined, 'no user-pool table while nothing is served');
  assert.deepEqual([...registered.get('cognito-idp')!], []);
  assert.deepEqual([...onTheWire.get('cognito-idp')!], []);
});

/** Operation names whose Command an official-SDK test sends (`new <Name>Command(`), outside this folder. */
function sdkTestedOperations(): Set<string> {
  const found = new Set<string>();
  const here = join('test', 'unit', 'docs');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (relative(repoRoot, p) !== here) walk(p);
      } else if (p.endsWith('.ts')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/new (\w+)Command\(/g)) found.add(m[1]!);
      }
    }
  };
  walk(join(repoRoot, 'test'));
  return found;
}

test('marks supported only operations that an official-SDK test sends', () => {
  const tested = sdkTestedOperations();
  assert.ok(tested.size > 0, 'found the SDK tests under test/');
  for (const service of TABLED) {
    const untested = rowsOf(doc, service).filter((r) => r.status === 'supported' && !tested.has(r.name)).map((r) => r.name);
    assert.deepEqual(untested, [], `${service}: supported without an SDK test`);
  }
});

test('names the gaps of every partial operation in its notes', () => {
  for (const service of TABLED) {
    const silent = rowsOf(doc, service).filter((r) => r.status === 'partial' && r.notes.length < 10).map((r) => r.name);
    assert.deepEqual(silent, [], `${service}: partial without notes`);
  }
});

test('is exactly what scripts/gen-compat.mjs writes (--check)', () => {
  // This file runs from <build>/test/unit/docs/; the script imports the same compiled tree.
  const buildRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'gen-compat.mjs'), '--check', '--dist', buildRoot], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, `gen-compat --check: ${result.stderr}${result.stdout}`);
});
