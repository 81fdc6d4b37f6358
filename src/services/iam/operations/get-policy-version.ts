/** GetPolicyVersion (M-IAM): only `v1` exists (CreatePolicyVersion is not served). */
import { fail } from '../../../errors/index.js';
import { defineOperation } from '../../../wire/operation.js';
import { encodePolicyDocument } from '../encoding.js';
import type { IamEnv } from '../env.js';
import { requirePolicy } from '../lookup.js';

export const getPolicyVersionOperation = (env: IamEnv) =>
  defineOperation<{ PolicyArn: string; VersionId: string }>({
    service: 'iam',
    name: 'GetPolicyVersion',
    auth: 'sigv4',
    authorize: { resource: (input) => input.PolicyArn },
    async handler(input) {
      const policy = await requirePolicy(env.store, env.accountId, input.PolicyArn);
      if (input.VersionId !== policy.defaultVersionId) {
        fail('NoSuchEntity', `Policy ${input.PolicyArn} version ${input.VersionId} does not exist or is not attachable.`, {
          reason: { check: 'iam.policy-version.exists', expected: policy.defaultVersionId, actual: input.VersionId },
        });
      }
      return {
        PolicyVersion: {
          Document: encodePolicyDocument(policy.document),
          VersionId: policy.defaultVersionId,
          IsDefaultVersion: true,
          CreateDate: new Date(policy.createDate),
        },
      };
    },
  });
