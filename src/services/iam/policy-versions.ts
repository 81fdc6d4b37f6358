/**
 * Managed policy versions, shared by CreatePolicyVersion, ListPolicyVersions, GetPolicyVersion,
 * SetDefaultPolicyVersion and DeletePolicyVersion. A policy holds at most 5 versions; ids `v1`,
 * `v2`, … are never reused; the default version's text is kept in the policy's `document`, which
 * is what the policy engine evaluates, so changing the default changes what every principal with
 * the policy attached may do.
 */
import { fail } from '../../errors/index.js';
import { NotFoundError } from '../../storage/contract.js';
import type { IamEnv } from './env.js';
import { requirePolicy } from './lookup.js';
import type { StoredManagedPolicy, StoredPolicyVersion } from './records.js';
import { policyId } from './store.js';

/** IAMG:reference_iam-quotas "Versions per managed policy". */
export const VERSIONS_PER_POLICY = 5;

/** The versions of a policy, the default one included (a policy never given a second version has v1 only). */
export function policyVersions(policy: StoredManagedPolicy): StoredPolicyVersion[] {
  return policy.versions ?? [{ versionId: policy.defaultVersionId, document: policy.document, createDate: policy.createDate }];
}

export function findPolicyVersion(policy: StoredManagedPolicy, versionId: string): StoredPolicyVersion | undefined {
  return policyVersions(policy).find((v) => v.versionId === versionId);
}

export function noSuchVersion(arn: string, versionId: string, policy: StoredManagedPolicy): never {
  fail('NoSuchEntity', `Policy ${arn} version ${versionId} does not exist or is not attachable.`, {
    reason: { check: 'iam.policy-version.exists', expected: policyVersions(policy).map((v) => v.versionId), actual: versionId },
  });
}

/** A compare-and-swap update of the policy named by `arn` (NoSuchEntity when it is gone meanwhile). */
export async function updatePolicy(env: IamEnv, arn: string, updater: (p: StoredManagedPolicy) => StoredManagedPolicy): Promise<StoredManagedPolicy> {
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

export const versionShape = (v: StoredPolicyVersion, defaultId: string) => ({ VersionId: v.versionId, IsDefaultVersion: v.versionId === defaultId, CreateDate: new Date(v.createDate) });

