/** ListUserPolicies (M-IAM): names of the user's inline policies, paginated. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { ownedCollections } from '../owners.js';
import { pageOutput, paginate } from '../pagination.js';
import { existingUserResource } from '../resources.js';
import { ownerPrefix } from '../store.js';

export const listUserPoliciesOperation = (env: IamEnv) =>
  defineOperation<{ UserName: string; Marker?: string; MaxItems?: number }>({
    service: 'iam',
    name: 'ListUserPolicies',
    auth: 'sigv4',
    authorize: { resource: (input) => existingUserResource(env, input.UserName) },
    async handler(input) {
      const { owner, policies } = await ownedCollections(env, 'user', input.UserName);
      const page = await paginate(policies, {
        prefix: ownerPrefix(input.UserName),
        marker: input.Marker,
        maxItems: input.MaxItems,
        filter: (p) => p.ownerId === owner.id,
      });
      return { PolicyNames: page.items.map((p) => p.policyName), ...pageOutput(page) };
    },
  });
