import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluate, parsePolicy, PolicyDocumentError, type ContextMap, type Policy } from '../../../src/policy/index.js';
import { globAtoms, codePoints, matchAtoms, matchArn } from '../../../src/policy/glob.js';

const RUNS = { numRuns: 300 };
const ACTIONS = ['s3:GetObject', 's3:PutObject', 'iam:GetRole', 'sts:AssumeRole'];
const ACTION_PATTERNS = ['s3:GetObject', 's3:*', 'iam:*', '*', 'iam:Get*', 'sts:AssumeRole', 'S3:get*'];
const RESOURCES = ['arn:aws:s3:::b/x', 'arn:aws:s3:::b/y/z', 'arn:aws:iam::123456789012:role/r', '*'];
const RESOURCE_PATTERNS = ['*', 'arn:aws:s3:::b/*', 'arn:aws:s3:::b/x', 'arn:aws:iam::123456789012:role/r', 'arn:aws:s3:::b/${aws:username}'];
const CONDITIONS = [
  undefined,
  { StringEquals: { 'aws:username': 'alice' } },
  { StringNotEquals: { 'aws:username': 'alice' } },
  { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } },
  { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'a*' } },
  { NumericLessThan: { 'ex:n': '5' } },
  { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
];

const statement = (effect?: 'Allow' | 'Deny') =>
  fc.record({
    effect: effect ? fc.constant(effect) : fc.constantFrom('Allow', 'Deny'),
    notAction: fc.boolean(),
    actions: fc.subarray(ACTION_PATTERNS, { minLength: 1 }),
    notResource: fc.boolean(),
    resources: fc.subarray(RESOURCE_PATTERNS, { minLength: 1 }),
    condition: fc.constantFrom(...CONDITIONS),
  }).map((s) => ({
    Effect: s.effect,
    [s.notAction ? 'NotAction' : 'Action']: s.actions,
    [s.notResource ? 'NotResource' : 'Resource']: s.resources,
    ...(s.condition ? { Condition: s.condition } : {}),
  }));

const policyArb = (effect?: 'Allow' | 'Deny', kind: 'identity' | 'session' = 'identity') =>
  fc.array(statement(effect), { minLength: 1, maxLength: 4 }).map((st) => parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: st }), { kind }));

const contextArb: fc.Arbitrary<ContextMap> = fc.record(
  {
    'aws:username': fc.constantFrom('alice', 'bob', '*', ''),
    'aws:TagKeys': fc.subarray(['a', 'b', 'ab']),
    'ex:n': fc.constantFrom('1', '9', 'abc'),
    'aws:SourceIp': fc.constantFrom('10.1.2.3', '192.168.0.1', 'nonsense', '::1'),
  },
  { requiredKeys: [] },
);

const requestArb = fc.record({
  action: fc.constantFrom(...ACTIONS),
  resource: fc.constantFrom(...RESOURCES),
  context: contextArb,
  identity: fc.array(policyArb(), { maxLength: 3 }),
});

const run = (r: { action: string; resource: string; context: ContextMap; identity: Policy[] }, extra: Partial<Parameters<typeof evaluate>[0]> = {}) =>
  evaluate({ action: r.action, resource: r.resource, context: r.context, identityPolicies: r.identity, ...extra });

test('adding a Deny-only policy never turns a refusal into an Allow', () => {
  fc.assert(
    fc.property(requestArb, policyArb('Deny'), (r, deny) => {
      const before = run(r).decision;
      const after = run({ ...r, identity: [...r.identity, deny] }).decision;
      if (before !== 'Allow') assert.notEqual(after, 'Allow');
      if (before === 'ExplicitDeny') assert.equal(after, 'ExplicitDeny');
    }),
    RUNS,
  );
});

test('adding session policies never widens what is allowed', () => {
  fc.assert(
    fc.property(requestArb, fc.array(policyArb(undefined, 'session'), { maxLength: 2 }), (r, session) => {
      const limited = run(r, { sessionPolicies: session }).decision;
      if (limited === 'Allow') assert.equal(run(r).decision, 'Allow');
    }),
    RUNS,
  );
});

test('adding a permissions boundary never widens what is allowed', () => {
  fc.assert(
    fc.property(requestArb, policyArb(), (r, boundary) => {
      if (run(r, { permissionsBoundary: boundary }).decision === 'Allow') assert.equal(run(r).decision, 'Allow');
    }),
    RUNS,
  );
});

test('policy order does not change the decision', () => {
  fc.assert(
    fc.property(requestArb, (r) => {
      assert.equal(run({ ...r, identity: [...r.identity].reverse() }).decision, run(r).decision);
    }),
    RUNS,
  );
});

test('parsePolicy throws only PolicyDocumentError, whatever the input', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ Version: '2012-10-17', Statement: v }))), (text) => {
      try {
        parsePolicy(text);
      } catch (e) {
        assert.ok(e instanceof PolicyDocumentError, String(e));
      }
    }),
    RUNS,
  );
});

test('condition evaluation never throws on arbitrary request values', () => {
  const operators = ['StringEquals', 'StringLike', 'NumericLessThan', 'DateGreaterThan', 'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnLike', 'ArnNotLike', 'Null', 'ForAllValues:StringNotEquals', 'ForAnyValue:DateEqualsIfExists'];
  fc.assert(
    fc.property(fc.constantFrom(...operators), fc.string(), fc.oneof(fc.string(), fc.array(fc.string())), (op, policyValue, requestValue) => {
      const p = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: { [op]: { 'ex:k': policyValue } } } }));
      const result = evaluate({ action: 'ex:Do', resource: '*', context: { 'ex:k': requestValue }, identityPolicies: [p] });
      assert.ok(result.decision === 'Allow' || result.decision === 'ImplicitDeny');
    }),
    RUNS,
  );
});

/** Reference semantics for the wildcard matcher: a regular expression built from the pattern. */
function reference(pattern: string, input: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${re}$`, 'u').test(input);
}

test('the wildcard matcher agrees with a regular-expression reference', () => {
  const alphabet = fc.constantFrom('a', 'b', '/', ':', '*', '?', 'é');
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 10 }).map((a) => a.join('')), fc.array(fc.constantFrom('a', 'b', '/', ':', 'é'), { maxLength: 12 }).map((a) => a.join('')), (pattern, input) => {
      assert.equal(matchAtoms(globAtoms(pattern), codePoints(input)), reference(pattern, input));
    }),
    RUNS,
  );
});

/** An array that counts every element read: the matcher's steps, counted instead of timed. */
function counting(values: readonly number[]): { array: readonly number[]; reads: () => number } {
  let reads = 0;
  const array = new Proxy(values, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { array, reads: () => reads };
}

test('the wildcard matcher takes at most (pattern + 1) × (input + 1) steps on adversarial patterns, never exponentially many', () => {
  for (const [pattern, input] of [
    [`${'*a'.repeat(200)}b`, 'a'.repeat(5000)],
    [`${'*a'.repeat(20)}b`, 'a'.repeat(5000)],
    ['*?*?*?*?*?*?*?*?x', 'y'.repeat(3000)],
    ['a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(4000)],
  ] as const) {
    const atoms = counting(globAtoms(pattern));
    const text = counting(codePoints(input));
    assert.equal(matchAtoms(atoms.array, text.array), false);
    const steps = atoms.reads() + text.reads();
    const bound = (pattern.length + 1) * (input.length + 1);
    assert.ok(steps <= bound, `${pattern} on ${input.length} characters: ${steps} reads > ${bound}`);
  }
});

test('ArnLike matches each of the first five ARN components on its own', () => {
  const component = fc.array(fc.constantFrom('a', 'b', '1', '-'), { maxLength: 4 }).map((a) => a.join(''));
  fc.assert(
    fc.property(fc.array(component, { minLength: 4, maxLength: 4 }), fc.constantFrom('r/x', 'r:y/z'), fc.integer({ min: 1, max: 4 }), (parts, resource, slot) => {
      const arn = ['arn', ...parts, resource].join(':');
      const wild = ['arn', ...parts, resource];
      wild[slot] = '*';
      assert.equal(matchArn(arn, globAtoms(wild.join(':'))), true);
      // "z*" can never match a component drawn from a/b/1/-, even though a whole-string glob
      // could let that * run on into the next components.
      wild[slot] = 'z*';
      assert.equal(matchArn(arn, globAtoms(wild.join(':'))), false);
    }),
    RUNS,
  );
});
