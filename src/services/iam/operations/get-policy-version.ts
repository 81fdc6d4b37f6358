/** GetPolicyVersion (M-IAM): any version of the policy (see policy-versions.ts), its document URL-encoded. */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import { encodePolicyDocument } from '../encoding.js';
import type { IamEnv } from '../env.js';
import { requirePolicy } from '../lookup.js';
import { findPolicyVersion } from '../policy-versions.js';

export const getPolicyVersionOperation = (env: IamEnv) =>
  defineOperation<{ PolicyArn: string; VersionId: string }>({
    service: 'iam',
    name: 'GetPolicyVersion',
    auth: 'sigv4',
    authorize: { resource: (input) => input.PolicyArn },
    async handler(input) {
      const policy = await requirePolicy(env.store, env.accountId, input.PolicyArn);
      const version = findPolicyVersion(policy, input.VersionId);
      if (!version) {
        fail('NoSuchEntity', `Policy ${input.PolicyArn} version ${input.VersionId} does not exist or is not attachable.`, {
          reason: { check: 'iam.policy-version.exists', expected: policy.defaultVersionId, actual: input.VersionId },
        });
      }
      return {
        PolicyVersion: {
          Document: encodePolicyDocument(version.document),
          VersionId: version.versionId,
          IsDefaultVersion: version.versionId === policy.defaultVersionId,
          CreateDate: new Date(version.createDate),
        },
      };
    },
  });
