import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, sharedDir } from '../../helpers/paths.js';
import { compilePattern, getModel, type ServiceModel } from '../../../src/wire/index.js';
import type { ServiceName } from '../../../src/wire/operation.js';

const SERVICES: ServiceName[] = ['iam', 'sts', 'cognito-identity', 'cognito-idp'];

/**
 * The official models live in ../shared/aws-models, beside this team's checkout only; a clone on its
 * own has the generated src/models but not their source. The two comparisons with the source run
 * where it exists and are reported as skipped where it does not; CI, which has it, sets
 * TESSERA_REQUIRE_SHARED=1 so that a missing ../shared fails there instead of skipping.
 */
const officialModels = join(sharedDir, 'aws-models');
const haveOfficial = existsSync(officialModels);
if (!haveOfficial && process.env.TESSERA_REQUIRE_SHARED === '1') {
  throw new Error(`TESSERA_REQUIRE_SHARED=1 but the official models are not at ${officialModels}`);
}
const needsOfficial = haveOfficial ? {} : { skip: `skipped: the official models (${officialModels}) are not beside this checkout` };

function rawModel(service: ServiceName): any {
  const dir = join(officialModels, service);
  const version = readdirSync(dir).sort().at(-1)!;
  return JSON.parse(readFileSync(join(dir, version, 'service-2.json'), 'utf8'));
}

test('the committed generated models are exactly what gen-models produces from ../shared', needsOfficial, () => {
  const out = mkdtempSync(join(tmpdir(), 'tessera-models-'));
  try {
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'gen-models.mjs'), officialModels, out], { stdio: 'ignore' });
    for (const service of SERVICES) {
      assert.equal(
        readFileSync(join(out, `${service}.ts`), 'utf8'),
        readFileSync(join(repoRoot, 'src', 'models', `${service}.ts`), 'utf8'),
        `src/models/${service}.ts is stale: run npm run gen:models`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('every operation of the four official models is present, with the same input and output shapes', needsOfficial, () => {
  for (const service of SERVICES) {
    const raw = rawModel(service);
    const model = getModel(service);
    assert.deepEqual(Object.keys(model.operations).sort(), Object.keys(raw.operations).sort(), service);
    for (const [name, op] of Object.entries<any>(raw.operations)) {
      assert.equal(model.operations[name]!.input, op.input?.shape, `${service}.${name} input`);
      assert.equal(model.operations[name]!.output, op.output?.shape, `${service}.${name} output`);
    }
  }
});

test('named operations exist: IAM CreateRole, STS AssumeRoleWithWebIdentity, all 23 cognito-identity operations', () => {
  assert.ok(getModel('iam').operations.CreateRole);
  assert.ok(getModel('sts').operations.AssumeRoleWithWebIdentity);
  const ci = Object.keys(getModel('cognito-identity').operations);
  assert.equal(ci.length, 23);
  for (const op of ['GetId', 'GetCredentialsForIdentity', 'GetOpenIdToken', 'GetOpenIdTokenForDeveloperIdentity', 'SetIdentityPoolRoles', 'UnlinkIdentity']) {
    assert.ok(ci.includes(op), op);
  }
});

test('metadata carries protocol, version, target prefix or XML namespace, and signing name', () => {
  const sts = getModel('sts').metadata;
  assert.equal(sts.protocol, 'query');
  assert.equal(sts.apiVersion, '2011-06-15');
  assert.equal(sts.xmlNamespace, 'https://sts.amazonaws.com/doc/2011-06-15/');
  assert.equal(sts.signingName, 'sts');
  assert.equal(getModel('iam').metadata.xmlNamespace, 'https://iam.amazonaws.com/doc/2010-05-08/');
  const ci = getModel('cognito-identity').metadata;
  assert.equal(ci.protocol, 'json');
  assert.equal(ci.targetPrefix, 'AWSCognitoIdentityService');
  assert.equal(getModel('cognito-idp').metadata.targetPrefix, 'AWSCognitoIdentityProviderService');
});

test('unsigned operations are marked authtype none and signed ones sigv4', () => {
  assert.equal(getModel('sts').operations.AssumeRoleWithWebIdentity!.authtype, 'none');
  assert.equal(getModel('sts').operations.AssumeRoleWithSAML!.authtype, 'none');
  assert.equal(getModel('sts').operations.AssumeRole!.authtype, 'sigv4');
  for (const op of ['GetId', 'GetOpenIdToken', 'GetCredentialsForIdentity', 'UnlinkIdentity']) {
    assert.equal(getModel('cognito-identity').operations[op]!.authtype, 'none', op);
  }
  assert.equal(getModel('cognito-identity').operations.CreateIdentityPool!.authtype, 'sigv4');
  assert.equal(getModel('cognito-idp').operations.InitiateAuth!.authtype, 'none');
  assert.equal(getModel('iam').operations.CreateRole!.authtype, 'sigv4');
});

test('errors are listed by wire code: error.code for query services, the shape name otherwise', () => {
  const awiw = getModel('sts').operations.AssumeRoleWithWebIdentity!.errors;
  assert.ok(awiw.includes('InvalidIdentityToken'));
  assert.ok(awiw.includes('IDPRejectedClaim'));
  assert.ok(awiw.includes('ExpiredTokenException'));
  assert.ok(!awiw.includes('InvalidIdentityTokenException'));
  assert.ok(getModel('iam').operations.CreateRole!.errors.includes('EntityAlreadyExists'));
  assert.ok(getModel('cognito-identity').operations.GetId!.errors.includes('NotAuthorizedException'));
});

test('query outputs keep their result wrapper and shapes keep constraints but no documentation', () => {
  assert.equal(getModel('sts').operations.AssumeRoleWithWebIdentity!.resultWrapper, 'AssumeRoleWithWebIdentityResult');
  const roleSession = getModel('sts').shapes.roleSessionNameType!;
  assert.deepEqual(roleSession, { type: 'string', min: 2, max: 64, pattern: '[\\w+=,.@-]*' });
  const source = readFileSync(join(repoRoot, 'src', 'models', 'iam.ts'), 'utf8');
  assert.ok(!source.includes('"documentation"'));
});

test('every shape an operation references exists, and every model pattern compiles to a JavaScript RegExp', () => {
  for (const service of SERVICES) {
    const model: ServiceModel = getModel(service);
    for (const [name, shape] of Object.entries(model.shapes)) {
      for (const ref of [...Object.values(shape.members ?? {}), shape.member, shape.key, shape.value]) {
        if (ref) assert.ok(model.shapes[ref.shape], `${service} ${name} → ${ref.shape}`);
      }
      if (shape.pattern) assert.ok(compilePattern(shape.pattern) instanceof RegExp, `${service} ${name}`);
    }
  }
});
