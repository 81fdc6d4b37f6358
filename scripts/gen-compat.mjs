#!/usr/bin/env node
// Regenerates the operation tables of docs/compatibility.md from the code itself.
//
// Why generate: the table must list every operation of the AWS models exactly once and must
// never call an operation served when the server answers InvalidAction (or the reverse). Both
// facts come from the compiled code, not from a list someone keeps by hand:
//   - the operations: the generated models (src/models/*.ts, compiled to <dist>/src/models);
//   - what is served: a real Tessera (createTessera, the composition root the CLI uses) over
//     embedded SQLite in a temporary data dir, probed in-process with fastify's inject — an
//     operation is "served" unless it answers InvalidAction (awsQuery) or
//     UnknownOperationException (awsJson1_1), exactly what a client would see.
//
// Only the text between `<!-- gen-compat:begin <service> -->` and `<!-- gen-compat:end <service> -->`
// is rewritten. Hand-written status and notes of served operations are kept; a newly served
// operation becomes `supported` when an official-SDK test under test/ sends its Command (imported
// from that service's @aws-sdk/client-* package, so IAM's GetUser does not vouch for the user
// pools' GetUser), else `partial` with a note saying so; an operation no longer served becomes
// `not yet`.
//
// Usage (after `npm run build`, which compiles into dist/):
//   node scripts/gen-compat.mjs             rewrite docs/compatibility.md in place
//   node scripts/gen-compat.mjs --check     exit 1 (and say why) when the file is not current
//   node scripts/gen-compat.mjs --dist .build/docs   use another compiled tree
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    dist: { type: 'string', default: 'dist' },
    doc: { type: 'string', default: join('docs', 'compatibility.md') },
  },
  strict: true,
});
const distDir = resolve(root, flags.dist);
const docPath = resolve(root, flags.doc);
const load = (path) => import(pathToFileURL(join(distDir, path)).href);

const STATUSES = ['supported', 'partial', 'not yet'];
/** Services whose tables the document must carry; any other service must serve nothing yet. */
const REQUIRED_BLOCKS = ['iam', 'sts', 'cognito-identity', 'cognito-idp'];
/** The official SDK for JavaScript v3 client package of each service. */
const SDK_PACKAGES = {
  '@aws-sdk/client-iam': 'iam',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-cognito-identity': 'cognito-identity',
  '@aws-sdk/client-cognito-identity-provider': 'cognito-idp',
};

const { iamModel, stsModel, cognitoIdentityModel, cognitoIdpModel } = await load('src/models/index.js');
const MODELS = { iam: iamModel, sts: stsModel, 'cognito-identity': cognitoIdentityModel, 'cognito-idp': cognitoIdpModel };

/** service → Set of operation names a real server dispatches to a handler. */
async function servedOperations() {
  const { loadConfig } = await load('src/config/index.js');
  const { createTessera } = await load('src/app.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-gen-compat-'));
  const config = loadConfig({
    port: 0,
    dataDir,
    logLevel: 'silent',
    rootAccessKeyId: 'AKIAGENCOMPAT000001',
    rootSecretAccessKey: 'gen-compat-root-secret-key-000000000',
  });
  const tessera = await createTessera(config);
  try {
    const served = {};
    for (const [service, model] of Object.entries(MODELS)) {
      served[service] = new Set();
      for (const name of Object.keys(model.operations)) {
        if (await answersOperation(tessera.http, model, name)) served[service].add(name);
      }
    }
    return served;
  } finally {
    await tessera.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One unsigned request; false only for the "no such operation" answer of the protocol. */
async function answersOperation(http, model, name) {
  if (model.metadata.protocol === 'json') {
    const res = await http.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${model.metadata.targetPrefix}.${name}` },
      payload: '{}',
    });
    return JSON.parse(res.body).__type !== 'UnknownOperationException';
  }
  const res = await http.inject({
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `Action=${encodeURIComponent(name)}&Version=${model.metadata.apiVersion}`,
  });
  return !res.body.includes('<Code>InvalidAction</Code>');
}

/**
 * `<service>:<Operation>` for every Command an official-SDK test under test/ sends
 * (`new <Name>Command(`) that its file imports from that service's client package.
 */
function sdkTestedOperations() {
  const found = new Set();
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (relative(root, p) !== join('test', 'unit', 'docs')) walk(p);
      } else if (p.endsWith('.ts')) {
        for (const key of sdkCommandsSent(readFileSync(p, 'utf8'))) found.add(key);
      }
    }
  };
  walk(join(root, 'test'));
  return found;
}

/** The `<service>:<Operation>` pairs one test file sends (test/unit/docs/compatibility.test.ts reads them alike). */
function sdkCommandsSent(text) {
  const source = new Map();
  for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z-]+)'/g)) {
    const service = SDK_PACKAGES[m[2]];
    if (!service) continue;
    for (const name of m[1].split(',').map((s) => s.trim()).filter(Boolean)) source.set(name, service);
  }
  const out = new Set();
  for (const m of text.matchAll(/new (\w+)Command\(/g)) {
    const service = source.get(`${m[1]}Command`);
    if (service) out.add(`${service}:${m[1]}`);
  }
  return out;
}

const ROW = /^\|\s*([A-Za-z0-9]+)\s*\|\s*([a-z ]+?)\s*\|\s*(.*?)\s*\|\s*$/;

/** Rows of one generated block: name → { status, notes }. */
function parseRows(block) {
  const rows = new Map();
  for (const line of block.split('\n')) {
    const m = ROW.exec(line);
    if (m && STATUSES.includes(m[2])) rows.set(m[1], { status: m[2], notes: m[3] });
  }
  return rows;
}

function renderBlock(service, served, sdkTested, previous) {
  const names = Object.keys(MODELS[service].operations).sort();
  const rows = names.map((name) => {
    const before = previous.get(name);
    if (served.has(name)) {
      if (before && before.status !== 'not yet') return { name, ...before };
      return sdkTested.has(`${service}:${name}`)
        ? { name, status: 'supported', notes: '' }
        : { name, status: 'partial', notes: 'Served; no official-SDK test yet.' };
    }
    return { name, status: 'not yet', notes: before?.status === 'not yet' ? before.notes : '' };
  });
  const count = (s) => rows.filter((r) => r.status === s).length;
  const summary =
    `${served.size} of ${names.length} operations served ` +
    `(${count('supported')} supported, ${count('partial')} partial); ${count('not yet')} not yet.`;
  return [
    summary,
    '',
    '| Operation | Status | Notes |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.status} |${r.notes ? ` ${r.notes} ` : ' '}|`),
  ].join('\n');
}

const marker = (kind, service) => `<!-- gen-compat:${kind} ${service} -->`;

async function main() {
  const doc = readFileSync(docPath, 'utf8');
  const served = await servedOperations();
  const sdkTested = sdkTestedOperations();
  const problems = [];
  let next = doc;
  for (const service of Object.keys(MODELS)) {
    const begin = marker('begin', service);
    const end = marker('end', service);
    const i = next.indexOf(begin);
    const j = next.indexOf(end);
    if (i < 0 || j < i) {
      if (REQUIRED_BLOCKS.includes(service)) problems.push(`${relative(root, docPath)} has no ${begin} … ${end} block`);
      else if (served[service].size > 0) {
        problems.push(`${service} now serves ${[...served[service]].join(', ')}: give it a table (${begin} … ${end})`);
      }
      continue;
    }
    const inner = next.slice(i + begin.length, j);
    const block = renderBlock(service, served[service], sdkTested, parseRows(inner));
    next = `${next.slice(0, i + begin.length)}\n${block}\n${next.slice(j)}`;
  }
  if (problems.length) {
    console.error(`gen-compat: ${problems.join('\n  ')}`);
    process.exit(1);
  }
  if (flags.check) {
    if (next !== doc) {
      console.error(`gen-compat: ${relative(root, docPath)} is not current; run node scripts/gen-compat.mjs`);
      process.exit(1);
    }
    console.log(`gen-compat: ${relative(root, docPath)} is current`);
    return;
  }
  if (next !== doc) writeFileSync(docPath, next);
  console.log(`gen-compat: ${relative(root, docPath)} ${next === doc ? 'unchanged' : 'updated'}`);
}

await main();
