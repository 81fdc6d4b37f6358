/**
 * docs/compatibility.md against the code: the models it must cover, the operations the server
 * registers and answers, the official-SDK tests that back `supported`, the hosted OAuth 2.0 /
 * OpenID Connect routes of the user pools, and the generator (scripts/gen-compat.mjs) that
 * writes its tables.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceName } from '../../../src/wire/operation.js';
import { repoRoot } from '../../helpers/paths.js';
import { generatedBlock, readDoc, section, tableRows } from './markdown.js';
import { hostedRoutes, MODELS, registeredOperations, unservedRoutes, wireServedOperations } from './registry.js';

const STATUSES = ['supported', 'partial', 'not yet'] as const;
type Status = (typeof STATUSES)[number];
interface Row {
  name: string;
  status: Status;
  notes: string;
}

/** The services whose every operation the document must list. */
const TABLED: ServiceName[] = ['iam', 'sts', 'cognito-identity', 'cognito-idp'];

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

test('lists every IAM, STS, Cognito Identity and Cognito user pools operation of the models exactly once', () => {
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
  assert.equal(rowsOf(doc, 'cognito-idp').length, 122);
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

test('serves Cognito user pools: the table marks their core operations served and a running server answers them', () => {
  // Guards against the whole service silently dropping out of app.ts (every row would turn `not yet`).
  const served = rowsOf(doc, 'cognito-idp').filter((r) => r.status !== 'not yet').map((r) => r.name);
  for (const name of ['CreateUserPool', 'InitiateAuth', 'RespondToAuthChallenge', 'SignUp']) {
    assert.ok(served.includes(name), `${name} is marked served`);
    assert.ok(onTheWire.get('cognito-idp')!.has(name), `${name} is answered by a running server`);
  }
});

/** The official SDK v3 client package of each service. */
const SDK_PACKAGES: Record<string, ServiceName> = {
  '@aws-sdk/client-iam': 'iam',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-cognito-identity': 'cognito-identity',
  '@aws-sdk/client-cognito-identity-provider': 'cognito-idp',
};

/** `<service>:<Operation>` for each `new <Name>Command(` whose Command the file imports from that service's client package. */
function sdkCommandsSent(text: string): Set<string> {
  const source = new Map<string, ServiceName>();
  for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z-]+)'/g)) {
    const service = SDK_PACKAGES[m[2]!];
    if (!service) continue;
    for (const name of m[1]!.split(',').map((n) => n.trim()).filter(Boolean)) source.set(name, service);
  }
  const out = new Set<string>();
  for (const m of text.matchAll(/new (\w+)Command\(/g)) {
    const service = source.get(`${m[1]!}Command`);
    if (service) out.add(`${service}:${m[1]!}`);
  }
  return out;
}

test('credits an SDK Command only to the service whose client package it is imported from', () => {
  const text = [
    "import { GetUserCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';",
    "import { CreateRoleCommand } from '@aws-sdk/client-iam';",
    'await idp.send(new GetUserCommand({})); await iam.send(new CreateRoleCommand({})); new OtherCommand();',
  ].join('\n');
  assert.deepEqual([...sdkCommandsSent(text)].sort(), ['cognito-idp:GetUser', 'iam:CreateRole']);
});

/** `<service>:<Operation>` pairs an official-SDK test sends, outside this folder. */
function sdkTestedOperations(): Set<string> {
  const found = new Set<string>();
  const here = join('test', 'unit', 'docs');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (relative(repoRoot, p) !== here) walk(p);
      } else if (p.endsWith('.ts')) {
        for (const key of sdkCommandsSent(readFileSync(p, 'utf8'))) found.add(key);
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
    const untested = rowsOf(doc, service).filter((r) => r.status === 'supported' && !tested.has(`${service}:${r.name}`)).map((r) => r.name);
    assert.deepEqual(untested, [], `${service}: supported without an SDK test`);
  }
});

test('names the gaps of every partial operation in its notes', () => {
  for (const service of TABLED) {
    const silent = rowsOf(doc, service).filter((r) => r.status === 'partial' && r.notes.length < 10).map((r) => r.name);
    assert.deepEqual(silent, [], `${service}: partial without notes`);
  }
});

const HOSTED = 'Hosted sign-in (OAuth 2.0 / OpenID Connect)';

/** The hosted-endpoint table: one row per path, methods comma-separated, `<param>` placeholders. */
function hostedRows(): Array<{ methods: string[]; path: string; status: string; notes: string }> {
  return tableRows(section(doc, HOSTED))
    .filter((cells) => cells[0] !== 'Method')
    .map((cells) => {
      assert.equal(cells.length, 4, `row '${cells.join(' | ')}' has Method, Path, Status and Notes`);
      const [methods, path, status, notes] = cells as [string, string, string, string];
      assert.match(path, /^`\/[^`]*`$/, `path ${path} is code, relative to the public URL`);
      return { methods: methods.split(',').map((m) => m.trim()), path: path.slice(1, -1), status, notes };
    });
}

/** `/auth/<domain>/logout` → `/auth/:domain/logout` (fastify's parameter syntax). */
const asRoute = (path: string) => path.replace(/<([A-Za-z]+)>/g, ':$1');

test('lists in the hosted sign-in table exactly the routes the hosted OAuth 2.0 / OIDC endpoints register', async () => {
  const documented = hostedRows().flatMap((r) => r.methods.map((m) => `${m} ${asRoute(r.path)}`));
  const duplicates = documented.filter((d, i) => documented.indexOf(d) !== i);
  assert.deepEqual(duplicates, [], 'routes listed more than once');
  const registeredRoutes = (await hostedRoutes()).map((r) => `${r.method} ${r.url}`);
  assert.ok(registeredRoutes.length >= 8, `found the hosted routes (${registeredRoutes.join(', ')})`);
  assert.deepEqual([...documented].sort(), [...registeredRoutes].sort());
});

test('every hosted endpoint the table lists is a route of a real server', async () => {
  const routes = hostedRows().flatMap((r) => r.methods.map((method) => ({ method, url: asRoute(r.path) })));
  const missing = (await unservedRoutes(routes)).map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(missing, [], 'listed but not served by createTessera');
});

test('gives each hosted endpoint a status, and names the gaps of partial ones', () => {
  for (const r of hostedRows()) {
    assert.ok((STATUSES as readonly string[]).includes(r.status), `${r.path}: status '${r.status}'`);
    assert.notEqual(r.status, 'not yet', `${r.path}: an endpoint in the table is served`);
    if (r.status === 'partial') assert.ok(r.notes.length >= 10, `${r.path}: partial without notes`);
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
