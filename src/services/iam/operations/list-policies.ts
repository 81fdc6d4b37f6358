/**
 * ListPolicies (M-IAM). This server holds no AWS-managed policies, so Scope `AWS` lists
 * nothing and `All` equals `Local`. No policy here is used as a permissions boundary, so
 * OnlyAttached with PolicyUsageFilter `PermissionsBoundary` lists nothing either.
 */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { pageOutput, paginate } from '../pagination.js';
import type { StoredManagedPolicy } from '../records.js';
import { policyShape } from '../shapes.js';

interface Input {
  Scope?: 'All' | 'AWS' | 'Local';
  OnlyAttached?: boolean;
  PathPrefix?: string;
  PolicyUsageFilter?: 'PermissionsPolicy' | 'PermissionsBoundary';
  Marker?: string;
  MaxItems?: number;
}

export const listPoliciesOperation = (env: IamEnv) =>
  defineOperation<Input>({
    service: 'iam',
    name: 'ListPolicies',
    auth: 'sigv4',
    authorize: { resource: () => '*' },
    async handler(input) {
      if (input.Scope === 'AWS' || (input.OnlyAttached === true && input.PolicyUsageFilter === 'PermissionsBoundary')) {
        return { Policies: [], IsTruncated: false };
      }
      const filter = (p: StoredManagedPolicy) =>
        (input.PathPrefix === undefined || p.path.startsWith(input.PathPrefix)) && (input.OnlyAttached !== true || p.attachmentCount > 0);
      const page = await paginate(env.store.policies, { marker: input.Marker, maxItems: input.MaxItems, filter });
      return { Policies: page.items.map((p) => policyShape(p, { tags: false })), ...pageOutput(page) };
    },
  });
