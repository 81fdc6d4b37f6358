/**
 * The evaluation rules of issue 22 at the engine, each test named as the behaviour and citing
 * the AWS page it follows. Rule 1 (AssumeRole applies the caller's identity and session policies
 * even when the trust policy names the caller) is also here at the engine; its reproductions
 * through the official SDK against a real server are in test/protocol/sts/assume-role-evaluation.test.ts.
 * Every decision's reason names the policy and the statement that decided it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, type EvaluationRequest } from '../../../src/policy/index.js';
import { policy, V } from './helpers.js';

const ACCOUNT = '123456789012';
const OTHER = '111111111111';
const BUCKET = 'arn:aws:s3:::reports/q1.csv';
const CALLER_ROLE = `arn:aws:iam::${ACCOUNT}:role/caller`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/caller/s`;
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const TARGET = `arn:aws:iam::${ACCOUNT}:role/target`;
const caller = { type: 'AWS' as const, ids: [SESSION, CALLER_ROLE, ROOT] };
const named = (doc: unknown, name: string, kind: 'identity' | 'session' | 'resource' | 'trust' = 'identity') => ({ ...policy(doc, kind), name });
const bucketPolicy = (principal: unknown) => named({ Version: V, Statement: [{ Sid: 'ShareReports', Effect: 'Allow', Principal: principal, Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }] }, 'bucket policy of reports', 'resource');

function run(req: Partial<EvaluationRequest> & Pick<EvaluationRequest, 'action' | 'resource'>) {
  return evaluate({ context: {}, identityPolicies: [], ...req });
}

describe('rule 1: AssumeRole applies the caller identity policies and session policy even when the trust policy names the caller', () => {
  // IAM User Guide, "Determining whether a request is allowed or denied within an account"
  // (an explicit deny in any policy overrides any allow), and "Session policies" (permissions a
  // resource-based policy grants to the role ARN are limited by the session policy).
  const trust = named({ Version: V, Statement: [{ Sid: 'TrustCaller', Effect: 'Allow', Principal: { AWS: CALLER_ROLE }, Action: 'sts:AssumeRole' }] }, `trust policy of ${TARGET}`, 'trust');
  const base = { action: 'sts:AssumeRole', resource: TARGET, principal: caller, resourcePolicy: trust, resourceRequired: true };

  it('an identity-policy Deny of the target refuses AssumeRole although the trust policy names the caller role (Determining whether a request is allowed or denied within an account)', () => {
    const identity = named({ Version: V, Statement: [{ Sid: 'AssumeAny', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }, { Sid: 'NotTarget', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: TARGET }] }, 'caller-inline');
    const result = run({ ...base, identityPolicies: [identity] });
    assert.equal(result.decision, 'ExplicitDeny');
    assert.match(result.reason.detail!, /statement "NotTarget" of identity policy caller-inline denies sts:AssumeRole/);
  });

  it('a session policy that does not allow sts:AssumeRole refuses it although the trust policy names the caller role (Session policies)', () => {
    const identity = named({ Version: V, Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }, 'caller-inline');
    const session = named({ Version: V, Statement: [{ Sid: 'OnlyReads', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }, 'inline session policy', 'session');
    const result = run({ ...base, identityPolicies: [identity], sessionPolicies: [session] });
    assert.equal(result.decision, 'ImplicitDeny');
    assert.match(result.reason.detail!, /no session policy allows sts:AssumeRole/);
    assert.match(result.reason.detail!, /no statement of session policy inline session policy matches sts:AssumeRole/);
  });

  it('without a deny or a session policy the trust policy naming the caller role allows (control)', () => {
    const identity = named({ Version: V, Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }, 'caller-inline');
    const result = run({ ...base, identityPolicies: [identity] });
    assert.equal(result.decision, 'Allow');
    assert.match(result.reason.detail!, /statement #0 of identity policy caller-inline allows/);
  });

  it('an identity Allow alone does not let the caller take a role whose trust policy does not name it', () => {
    const identity = named({ Version: V, Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }, 'caller-inline');
    const other = named({ Version: V, Statement: [{ Sid: 'TrustOps', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/ops` }, Action: 'sts:AssumeRole' }] }, `trust policy of ${TARGET}`, 'trust');
    const result = run({ ...base, resourcePolicy: other, identityPolicies: [identity] });
    assert.equal(result.decision, 'ImplicitDeny');
    assert.match(result.reason.detail!, /no statement of trust policy of .*role\/target allows/);
    assert.match(result.reason.detail!, /statement "TrustOps" of resource policy trust policy of/);
  });
});

describe('rule 2: a resource policy alone does not grant access to a principal of another account, nor to one named only by account', () => {
  // IAM User Guide, "Cross-account policy evaluation logic": the caller's account must also
  // allow the request in an identity-based policy; naming only the account delegates to that
  // account's identity policies ("Policy evaluation logic", resource-based policies).
  it('a resource policy naming only the account grants nothing without an identity policy (Cross-account policy evaluation logic)', () => {
    const result = run({ action: 's3:GetObject', resource: BUCKET, principal: caller, resourcePolicy: bucketPolicy({ AWS: ACCOUNT }) });
    assert.equal(result.decision, 'ImplicitDeny');
    assert.match(result.reason.detail!, /delegates to the account \(statement "ShareReports" of resource policy bucket policy of reports names only the account\)/);
  });

  it('a resource policy naming only the account by its root ARN grants nothing without an identity policy', () => {
    const result = run({ action: 's3:GetObject', resource: BUCKET, principal: caller, resourcePolicy: bucketPolicy({ AWS: ROOT }) });
    assert.equal(result.decision, 'ImplicitDeny');
  });

  it('a resource policy naming account 111111111111 grants nothing to that account without its identity policies (Cross-account policy evaluation logic)', () => {
    const foreign = { type: 'AWS' as const, ids: [`arn:aws:sts::${OTHER}:assumed-role/reader/s`, `arn:aws:iam::${OTHER}:role/reader`, `arn:aws:iam::${OTHER}:root`] };
    const result = run({ action: 's3:GetObject', resource: BUCKET, principal: foreign, sameAccount: false, resourcePolicy: bucketPolicy({ AWS: OTHER }) });
    assert.equal(result.decision, 'ImplicitDeny');
    assert.match(result.reason.detail!, /cross-account request: no identity policy of the caller allows/);
  });

  it('a resource policy naming a principal of another account directly grants nothing without its identity policies', () => {
    const session = `arn:aws:sts::${OTHER}:assumed-role/reader/s`;
    const foreign = { type: 'AWS' as const, ids: [session, `arn:aws:iam::${OTHER}:role/reader`, `arn:aws:iam::${OTHER}:root`] };
    const result = run({ action: 's3:GetObject', resource: BUCKET, principal: foreign, sameAccount: false, resourcePolicy: bucketPolicy({ AWS: session }) });
    assert.equal(result.decision, 'ImplicitDeny');
    assert.match(result.reason.detail!, /no identity policy of the caller allows .*statement "ShareReports" of resource policy bucket policy of reports allows it, which is not enough across accounts/);
  });

  it('the account named, with an identity policy that allows, is allowed and the reason names both policies', () => {
    const identity = named({ Version: V, Statement: [{ Sid: 'ReadReports', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }, 'reader-inline');
    const foreign = { type: 'AWS' as const, ids: [`arn:aws:iam::${OTHER}:role/reader`, `arn:aws:iam::${OTHER}:root`] };
    const result = run({ action: 's3:GetObject', resource: BUCKET, principal: foreign, sameAccount: false, identityPolicies: [identity], resourcePolicy: bucketPolicy({ AWS: OTHER }) });
    assert.equal(result.decision, 'Allow');
    assert.match(result.reason.detail!, /statement "ReadReports" of identity policy reader-inline allows .* and statement "ShareReports" of resource policy bucket policy of reports/);
  });

  it('trust-only evaluation (STS) lets a trust policy naming only the account delegate instead of grant', () => {
    const trust = named({ Version: V, Statement: [{ Sid: 'Account', Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }] }, 'trust policy of target', 'trust');
    const result = run({ action: 'sts:AssumeRole', resource: TARGET, principal: caller, resourcePolicy: trust, trustOnly: true });
    assert.equal(result.decision, 'ImplicitDeny');
    assert.match(result.reason.detail!, /statement "Account" of resource policy trust policy of target names only the account/);
  });
});

describe('rule 3: a Deny with NotPrincipal always denies a principal that has a permissions boundary', () => {
  // IAM User Guide, "Permissions boundaries for IAM entities": "The NotPrincipal element with a
  // Deny effect will always deny any IAM principal that has a permissions boundary policy attached".
  const identity = named({ Version: V, Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }, 'caller-inline');
  const boundary = named({ Version: V, Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }, 'boundary');
  const denyOthers = named({ Version: V, Statement: [{ Sid: 'OnlyCaller', Effect: 'Deny', NotPrincipal: { AWS: [CALLER_ROLE, SESSION] }, Action: 's3:*', Resource: '*' }] }, 'bucket policy', 'resource');

  it('a Deny with NotPrincipal listing the caller denies it when it has a permissions boundary (Permissions boundaries for IAM entities)', () => {
    const result = run({ action: 's3:GetObject', resource: BUCKET, principal: caller, identityPolicies: [identity], permissionsBoundary: boundary, resourcePolicy: denyOthers });
    assert.equal(result.decision, 'ExplicitDeny');
    assert.match(result.reason.detail!, /statement "OnlyCaller" of resource policy bucket policy denies s3:GetObject .*NotPrincipal always applies to a principal with a permissions boundary/);
  });

  it('the same Deny with NotPrincipal spares the listed caller when it has no permissions boundary', () => {
    const result = run({ action: 's3:GetObject', resource: BUCKET, principal: caller, identityPolicies: [identity], resourcePolicy: denyOthers });
    assert.equal(result.decision, 'Allow');
  });

  it('an Allow with NotPrincipal is not widened by a permissions boundary', () => {
    const allowOthers = named({ Version: V, Statement: [{ Effect: 'Allow', NotPrincipal: { AWS: [CALLER_ROLE, SESSION] }, Action: 's3:GetObject', Resource: '*' }] }, 'bucket policy', 'resource');
    const result = run({ action: 's3:GetObject', resource: BUCKET, principal: caller, permissionsBoundary: boundary, resourcePolicy: allowOthers });
    assert.equal(result.decision, 'ImplicitDeny');
  });
});

describe('rule 4: ForAllValues on a key whose value is an empty string evaluates as on an empty set', () => {
  // IAM User Guide, "Single-valued vs. multivalued context keys" / "Multivalued context keys":
  // ForAllValues "also returns true if there are no context keys in the request or if the context
  // key value resolves to a null data set, such as an empty string"; a Null condition with
  // "false" keeps missing or empty keys from evaluating to true.
  const tagPolicy = (conditions: Record<string, unknown>) =>
    named({ Version: V, Statement: [{ Sid: 'TagOnlyProject', Effect: 'Allow', Action: 'iam:TagUser', Resource: '*', Condition: conditions }] }, 'tagging');
  const forAll = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['project'] } };

  it('ForAllValues is true on an empty-string value, as on an empty set (Single-valued vs. multivalued context keys)', () => {
    const result = run({ action: 'iam:TagUser', resource: '*', identityPolicies: [tagPolicy(forAll)], context: { 'aws:TagKeys': '' } });
    assert.equal(result.decision, 'Allow');
    assert.match(result.reason.detail!, /statement "TagOnlyProject" of identity policy tagging allows/);
  });

  it('ForAllValues is true on a list holding only an empty string', () => {
    const result = run({ action: 'iam:TagUser', resource: '*', identityPolicies: [tagPolicy(forAll)], context: { 'aws:TagKeys': [''] } });
    assert.equal(result.decision, 'Allow');
  });

  it('a Null false check in the same statement refuses the empty-string value', () => {
    const result = run({ action: 'iam:TagUser', resource: '*', identityPolicies: [tagPolicy({ ...forAll, Null: { 'aws:TagKeys': 'false' } })], context: { 'aws:TagKeys': '' } });
    assert.equal(result.decision, 'ImplicitDeny');
    assert.match(result.reason.detail!, /statement "TagOnlyProject" of identity policy tagging: condition Null aws:TagKeys/);
  });

  it('ForAllValues still refuses a non-empty value outside the list', () => {
    const result = run({ action: 'iam:TagUser', resource: '*', identityPolicies: [tagPolicy(forAll)], context: { 'aws:TagKeys': ['project', 'cost'] } });
    assert.equal(result.decision, 'ImplicitDeny');
  });
});
