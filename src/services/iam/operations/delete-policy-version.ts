/** DeletePolicyVersion (M-IAM): never the default version (DeleteConflict). */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { findPolicyVersion, noSuchVersion, policyVersions, updatePolicy } from '../policy-versions.js';

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
