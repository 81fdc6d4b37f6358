/** ListPolicyVersions (M-IAM): every version in one page (at most 5), newest first. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { requirePolicy } from '../lookup.js';
import { policyVersions, versionShape } from '../policy-versions.js';

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
