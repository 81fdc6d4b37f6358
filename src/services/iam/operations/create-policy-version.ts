/** CreatePolicyVersion (M-IAM): a new version, the default at once with SetAsDefault; at most 5 (LimitExceeded). */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { checkManagedPolicy } from '../policy-text.js';
import type { StoredManagedPolicy, StoredPolicyVersion } from '../records.js';
import { VERSIONS_PER_POLICY, policyVersions, updatePolicy, versionShape } from '../policy-versions.js';

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
