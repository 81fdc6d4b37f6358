/** SetDefaultPolicyVersion (M-IAM): the engine evaluates the new default from the next request. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { findPolicyVersion, noSuchVersion, policyVersions, updatePolicy } from '../policy-versions.js';

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
