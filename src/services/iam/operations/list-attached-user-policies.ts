/** ListAttachedUserPolicies (M-IAM): the user's managed policies, PathPrefix-filtered, paginated. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { attachedPolicyPath, ownedCollections } from '../owners.js';
import { pageOutput, paginate } from '../pagination.js';
import { existingUserResource } from '../resources.js';
import { ownerPrefix } from '../store.js';

export const listAttachedUserPoliciesOperation = (env: IamEnv) =>
  defineOperation<{ UserName: string; PathPrefix?: string; Marker?: string; MaxItems?: number }>({
    service: 'iam',
    name: 'ListAttachedUserPolicies',
    auth: 'sigv4',
    authorize: { resource: (input) => existingUserResource(env, input.UserName) },
    async handler(input) {
      const { owner, attachments } = await ownedCollections(env, 'user', input.UserName);
      const prefix = input.PathPrefix;
      const page = await paginate(attachments, {
        prefix: ownerPrefix(input.UserName),
        marker: input.Marker,
        maxItems: input.MaxItems,
        filter: (a) => a.ownerId === owner.id && (prefix === undefined || attachedPolicyPath(a).startsWith(prefix)),
      });
      return { AttachedPolicies: page.items.map((a) => ({ PolicyName: a.policyName, PolicyArn: a.policyArn })), ...pageOutput(page) };
    },
  });
