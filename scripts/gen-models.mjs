#!/usr/bin/env node
// Generates src/models/<service>.ts from the official botocore models in ../shared/aws-models.
//
// Why generate: the models are the source of truth for shapes and constraints (design.md §5), but
// nothing may read ../shared at run time, and the raw files are mostly documentation prose. The
// generated modules keep only what the wire layer needs (metadata, operations, and the shapes
// reachable from operation inputs/outputs) and are compiled into dist like any other source.
//
// Output is commit-friendly: operations and shapes sorted by name, one entry per line, members in
// model order (member order is the XML element order of awsQuery responses, so it must not change).
//
// Usage: npm run gen:models   (or: node scripts/gen-models.mjs [modelsDir [outDir]]; the model
// test regenerates into a temporary outDir to prove the committed files are current)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = process.argv[2] ?? join(root, '..', 'shared', 'aws-models');
const outDir = process.argv[3] ?? join(root, 'src', 'models');

/** service directory name → exported constant name. */
const SERVICES = {
  iam: 'iamModel',
  sts: 'stsModel',
  'cognito-identity': 'cognitoIdentityModel',
  'cognito-idp': 'cognitoIdpModel',
};

function latestVersion(service) {
  const versions = readdirSync(join(modelsDir, service)).filter((v) => /^\d{4}-\d{2}-\d{2}$/.test(v));
  if (versions.length === 0) throw new Error(`no model version for ${service} in ${modelsDir}`);
  return versions.sort().at(-1);
}

/** Keep only the keys of a member reference the wire layer uses. */
function memberRef(ref) {
  const out = { shape: ref.shape };
  if (ref.locationName !== undefined) out.locationName = ref.locationName;
  if (ref.flattened) out.flattened = true;
  if (ref.timestampFormat !== undefined) out.timestampFormat = ref.timestampFormat;
  return out;
}

function trimShape(shape) {
  const out = { type: shape.type };
  if (shape.members) {
    out.members = {};
    for (const [name, ref] of Object.entries(shape.members)) out.members[name] = memberRef(ref);
  }
  if (shape.required?.length) out.required = [...shape.required];
  for (const k of ['min', 'max', 'pattern']) if (shape[k] !== undefined) out[k] = shape[k];
  if (shape.enum) out.enum = [...shape.enum];
  for (const k of ['member', 'key', 'value']) if (shape[k]) out[k] = memberRef(shape[k]);
  if (shape.flattened) out.flattened = true;
  if (shape.locationName !== undefined) out.locationName = shape.locationName;
  if (shape.timestampFormat !== undefined) out.timestampFormat = shape.timestampFormat;
  if (shape.sensitive) out.sensitive = true;
  if (shape.document) out.document = true;
  return out;
}

/**
 * Unsigned operations. Older models say `authtype: "none"`, newer ones `auth: ["smithy.api#noAuth"]`;
 * an empty `auth` list also means no auth scheme applies.
 */
function authtype(op) {
  if (op.authtype === 'none') return 'none';
  if (Array.isArray(op.auth) && (op.auth.length === 0 || op.auth.every((a) => a === 'smithy.api#noAuth'))) {
    return 'none';
  }
  return 'sigv4';
}

/** The code a client sees on the wire: the exception shape's `error.code`, else its name (aws-surface.md §2.2). */
function errorCode(raw, shapeName) {
  return raw.shapes[shapeName]?.error?.code ?? shapeName;
}

function generate(service) {
  const version = latestVersion(service);
  const raw = JSON.parse(readFileSync(join(modelsDir, service, version, 'service-2.json'), 'utf8'));
  const md = raw.metadata;
  const metadata = {
    uid: `${service}/${version}`,
    protocol: md.protocol,
    apiVersion: md.apiVersion,
    endpointPrefix: md.endpointPrefix,
    signingName: md.signingName ?? md.endpointPrefix,
    serviceId: md.serviceId,
  };
  if (md.targetPrefix) metadata.targetPrefix = md.targetPrefix;
  if (md.jsonVersion) metadata.jsonVersion = md.jsonVersion;
  if (md.xmlNamespace) metadata.xmlNamespace = md.xmlNamespace;

  const operations = {};
  const reachable = new Set();
  const visit = (name) => {
    if (reachable.has(name)) return;
    const shape = raw.shapes[name];
    if (!shape) throw new Error(`${service}: unknown shape ${name}`);
    reachable.add(name);
    for (const ref of Object.values(shape.members ?? {})) visit(ref.shape);
    for (const k of ['member', 'key', 'value']) if (shape[k]) visit(shape[k].shape);
  };
  for (const name of Object.keys(raw.operations).sort()) {
    const op = raw.operations[name];
    const out = {};
    if (op.input) {
      out.input = op.input.shape;
      visit(op.input.shape);
    }
    if (op.output) {
      out.output = op.output.shape;
      visit(op.output.shape);
      if (op.output.resultWrapper) out.resultWrapper = op.output.resultWrapper;
    }
    out.errors = (op.errors ?? []).map((e) => errorCode(raw, e.shape));
    out.authtype = authtype(op);
    operations[name] = out;
  }
  const shapes = {};
  for (const name of [...reachable].sort()) shapes[name] = trimShape(raw.shapes[name]);
  return { version, model: { metadata, operations, shapes } };
}

function render(service, constName, version, model) {
  const entries = (obj) =>
    Object.entries(obj)
      .map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)},`)
      .join('\n');
  return `// GENERATED by scripts/gen-models.mjs from botocore ${service}/${version}/service-2.json — do not edit.
// Regenerate with \`npm run gen:models\`. Operations and shapes are sorted by name; members keep model order.
import type { ServiceModel } from './types.js';

export const ${constName}: ServiceModel = {
  metadata: ${JSON.stringify(model.metadata)},
  operations: {
${entries(model.operations)}
  },
  shapes: {
${entries(model.shapes)}
  },
};
`;
}

for (const [service, constName] of Object.entries(SERVICES)) {
  const { version, model } = generate(service);
  const file = join(outDir, `${service}.ts`);
  writeFileSync(file, render(service, constName, version, model));
  console.log(
    `${file}: ${Object.keys(model.operations).length} operations, ${Object.keys(model.shapes).length} shapes`,
  );
}
