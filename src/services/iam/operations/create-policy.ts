/**
 * CreatePolicy (M-IAM): a customer managed policy with one version, `v1`. Names are unique per
 * account regardless of path and case.
 */
import { fail } from '../../../errors/index.js';
import { AlreadyExistsError } from '../../../storage/contract.js';
import { defineOperation } from '../../../wire/operation.js';
import { policyArn } from '../arns.js';
import type { IamEnv } from '../env.js';
import { policyUniqueId } from '../ids.js';
import { checkManagedPolicy } from '../policy-text.js';
import type { StoredManagedPolicy, Tag } from '../records.js';
import { policyResource } from '../resources.js';
import { policyShape } from '../shapes.js';
import { policyId } from '../store.js';
import { initialTags } from '../tags.js';

/** IAMG:reference_iam-quotas "Customer managed policies in an AWS account". */
export const POLICIES_PER_ACCOUNT = 1500;

interface Input {
  PolicyName: string;
  Path?: string;
  PolicyDocument: string;
  Description?: string;
  Tags?: Tag[];
}

export const createPolicyOperation = (env: IamEnv) =>
  defineOperation<Input>({
    service: 'iam',
    name: 'CreatePolicy',
    auth: 'sigv4',
    authorize: { resource: (input) => policyResource(env, input.Path ?? '/', input.PolicyName) },
    async handler(input, ctx) {
      checkManagedPolicy(input.PolicyDocument);
      const tags = initialTags(input.Tags);
      const count = await env.store.policies.count();
      if (count >= POLICIES_PER_ACCOUNT) {
        fail('LimitExceeded', `Cannot exceed quota for PoliciesPerAccount: ${POLICIES_PER_ACCOUNT}`, { reason: { check: 'iam.quota.policies', expected: POLICIES_PER_ACCOUNT, actual: count } });
      }
      const path = input.Path ?? '/';
      const now = ctx.now.toISOString();
      const policy: StoredManagedPolicy = {
        policyName: input.PolicyName,
        policyId: policyUniqueId(env.random),
        arn: policyArn(env.accountId, path, input.PolicyName),
        path,
        document: input.PolicyDocument,
        defaultVersionId: 'v1',
        attachmentCount: 0,
        tags,
        createDate: now,
        updateDate: now,
      };
      if (input.Description !== undefined) policy.description = input.Description;
      try {
        await env.store.policies.create(policyId(input.PolicyName), policy);
      } catch (e) {
        if (e instanceof AlreadyExistsError) {
          fail('EntityAlreadyExists', `A policy called ${input.PolicyName} already exists. Duplicate names are not allowed.`, {
            reason: { check: 'iam.policy.unique', actual: input.PolicyName },
            cause: e,
          });
        }
        throw e;
      }
      return { Policy: policyShape(policy, { tags: true }) };
    },
  });
