/** ListGroupPolicies (M-IAM): names of the group's inline policies, paginated. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { ownedCollections } from '../owners.js';
import { pageOutput, paginate } from '../pagination.js';
import { existingGroupResource } from '../resources.js';
import { ownerPrefix } from '../store.js';

export const listGroupPoliciesOperation = (env: IamEnv) =>
  defineOperation<{ GroupName: string; Marker?: string; MaxItems?: number }>({
    service: 'iam',
    name: 'ListGroupPolicies',
    auth: 'sigv4',
    authorize: { resource: (input) => existingGroupResource(env, input.GroupName) },
    async handler(input) {
      const { owner, policies } = await ownedCollections(env, 'group', input.GroupName);
      const page = await paginate(policies, {
        prefix: ownerPrefix(input.GroupName),
        marker: input.Marker,
        maxItems: input.MaxItems,
        filter: (p) => p.ownerId === owner.id,
      });
      return { PolicyNames: page.items.map((p) => p.policyName), ...pageOutput(page) };
    },
  });
