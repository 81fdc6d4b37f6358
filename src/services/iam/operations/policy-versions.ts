/**
 * Managed policy versions (M-IAM): CreatePolicyVersion, ListPolicyVersions, SetDefaultPolicyVersion
 * and DeletePolicyVersion. A policy holds at most 5 versions; ids `v1`, `v2`, … are never reused;
 * the default version's text is kept in the policy's `document`, which is what the policy engine
 * evaluates, so changing the default changes what every principal with the policy attached may do.
 */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requirePolicy } from '../lookup.js';
import { checkManagedPolicy } from '../policy-text.js';
import type { StoredManagedPolicy, StoredPolicyVersion } from '../records.js';
import { policyId } from '../store.js';
import { NotFoundError } from '../../../storage/contract.js';

/** IAMG:reference_iam-quotas "Versions per managed policy". */
export const VERSIONS_PER_POLICY = 5;

/** The versions of a policy, the default one included (a policy never given a second version has v1 only). */
export function policyVersions(policy: StoredManagedPolicy): StoredPolicyVersion[] {
  return policy.versions ?? [{ versionId: policy.defaultVersionId, document: policy.document, createDate: policy.createDate }];
}

export function findPolicyVersion(policy: StoredManagedPolicy, versionId: string): StoredPolicyVersion | undefined {
  return policyVersions(policy).find((v) => v.versionId === versionId);
}

function noSuchVersion(arn: string, versionId: string, policy: StoredManagedPolicy): never {
  fail('NoSuchEntity', `Policy ${arn} version ${versionId} does not exist or is not attachable.`, {
    reason: { check: 'iam.policy-version.exists', expected: policyVersions(policy).map((v) => v.versionId), actual: versionId },
  });
}

/** A compare-and-swap update of the policy named by `arn` (NoSuchEntity when it is gone meanwhile). */
async function updatePolicy(env: IamEnv, arn: string, updater: (p: StoredManagedPolicy) => StoredManagedPolicy): Promise<StoredManagedPolicy> {
  const policy = await requirePolicy(env.store, env.accountId, arn);
  try {
    return await env.store.policies.update(policyId(policy.policyName), (p) => {
      if (p.arn !== arn) fail('NoSuchEntity', `Policy ${arn} was not found.`, { reason: { check: 'iam.policy.exists', actual: arn } });
      return updater(p);
    });
  } catch (e) {
    if (e instanceof NotFoundError) fail('NoSuchEntity', `Policy ${arn} was not found.`, { reason: { check: 'iam.policy.exists', actual: arn }, cause: e });
    throw e;
  }
}

const versionShape = (v: StoredPolicyVersion, defaultId: string) => ({ VersionId: v.versionId, IsDefaultVersion: v.versionId === defaultId, CreateDate: new Date(v.createDate) });

export const createPolicyVersionOperation = (env: IamEnv) =>
  defineOperation<{ PolicyArn: string; PolicyDocument: string; SetAsDefault?: boolean }>({
    service: 'iam',
    name: 'CreatePolicyVersion',
    auth: 'sigv4',
    authorize: { resource: (input) => input.PolicyArn },
    async handler(input, ctx) {
      checkManagedPolicy(input.PolicyDocument);
      const now = ctx.now.toISOString();
      let made: StoredPolicyVersion | undefined;
      const updated = await updatePolicy(env, input.PolicyArn, (p) => {
        const versions = policyVersions(p);
        if (versions.length >= VERSIONS_PER_POLICY) {
          fail('LimitExceeded', `A managed policy can have up to ${VERSIONS_PER_POLICY} versions. Before you create a new version, you must delete an existing version.`, {
            reason: { check: 'iam.quota.policy-versions', expected: VERSIONS_PER_POLICY, actual: versions.length },
          });
        }
        const next = p.nextVersion ?? 2;
        made = { versionId: `v${next}`, document: input.PolicyDocument, createDate: now };
        const out: StoredManagedPolicy = { ...p, versions: [...versions, made], nextVersion: next + 1, updateDate: now };
        if (input.SetAsDefault === true) {
          out.defaultVersionId = made.versionId;
          out.document = made.document;
        }
        return out;
      });
      return { PolicyVersion: versionShape(made!, updated.defaultVersionId) };
    },
  });

export const listPolicyVersionsOperation = (env: IamEnv) =>
  defineOperation<{ PolicyArn: string; Marker?: string; MaxItems?: number }>({
    service: 'iam',
    name: 'ListPolicyVersions',
    auth: 'sigv4',
    authorize: { resource: (input) => input.PolicyArn },
    async handler(input) {
      const policy = await requirePolicy(env.store, env.accountId, input.PolicyArn);
      // At most 5 versions: one page always holds them all. Newest first, as IAM lists them.
      const versions = [...policyVersions(policy)].sort((a, b) => Number(b.versionId.slice(1)) - Number(a.versionId.slice(1)));
      return { Versions: versions.map((v) => versionShape(v, policy.defaultVersionId)), IsTruncated: false };
    },
  });

export const setDefaultPolicyVersionOperation = (env: IamEnv) =>
  defineOperation<{ PolicyArn: string; VersionId: string }>({
    service: 'iam',
    name: 'SetDefaultPolicyVersion',
    auth: 'sigv4',
    authorize: { resource: (input) => input.PolicyArn },
    async handler(input, ctx) {
      await updatePolicy(env, input.PolicyArn, (p) => {
        const version = findPolicyVersion(p, input.VersionId) ?? noSuchVersion(input.PolicyArn, input.VersionId, p);
        return { ...p, versions: policyVersions(p), defaultVersionId: version.versionId, document: version.document, updateDate: ctx.now.toISOString() };
      });
      return {};
    },
  });

export const deletePolicyVersionOperation = (env: IamEnv) =>
  defineOperation<{ PolicyArn: string; VersionId: string }>({
    service: 'iam',
    name: 'DeletePolicyVersion',
    auth: 'sigv4',
    authorize: { resource: (input) => input.PolicyArn },
    async handler(input, ctx) {
      await updatePolicy(env, input.PolicyArn, (p) => {
        if (!findPolicyVersion(p, input.VersionId)) noSuchVersion(input.PolicyArn, input.VersionId, p);
        if (input.VersionId === p.defaultVersionId) {
          fail('DeleteConflict', 'Cannot delete the default version of a policy.', { reason: { check: 'iam.policy-version.delete.default', actual: input.VersionId } });
        }
        return { ...p, versions: policyVersions(p).filter((v) => v.versionId !== input.VersionId), updateDate: ctx.now.toISOString() };
      });
      return {};
    },
  });
