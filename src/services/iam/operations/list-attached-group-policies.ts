/** ListAttachedGroupPolicies (M-IAM): the group's managed policies, PathPrefix-filtered, paginated. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { attachedPolicyPath, ownedCollections } from '../owners.js';
import { pageOutput, paginate } from '../pagination.js';
import { existingGroupResource } from '../resources.js';
import { ownerPrefix } from '../store.js';

export const listAttachedGroupPoliciesOperation = (env: IamEnv) =>
  defineOperation<{ GroupName: string; PathPrefix?: string; Marker?: string; MaxItems?: number }>({
    service: 'iam',
    name: 'ListAttachedGroupPolicies',
    auth: 'sigv4',
    authorize: { resource: (input) => existingGroupResource(env, input.GroupName) },
    async handler(input) {
      const { owner, attachments } = await ownedCollections(env, 'group', input.GroupName);
      const prefix = input.PathPrefix;
      const page = await paginate(attachments, {
        prefix: ownerPrefix(input.GroupName),
        marker: input.Marker,
        maxItems: input.MaxItems,
        filter: (a) => a.ownerId === owner.id && (prefix === undefined || attachedPolicyPath(a).startsWith(prefix)),
      });
      return { AttachedPolicies: page.items.map((a) => ({ PolicyName: a.policyName, PolicyArn: a.policyArn })), ...pageOutput(page) };
    },
  });
