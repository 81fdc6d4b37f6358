/** CreateGroup (M-IAM): a group with an `AGPA…` id; names unique case-insensitively. */
import { fail } from '../../../errors/index.js';
import { AlreadyExistsError } from '../../../storage/contract.js';
import { defineOperation } from '../../../wire/operation.js';
import { groupArn } from '../arns.js';
import type { IamEnv } from '../env.js';
import { groupUniqueId } from '../ids.js';
import type { StoredGroup } from '../records.js';
import { groupShape } from '../shapes.js';
import { nameId } from '../store.js';

/** IAMG:reference_iam-quotas "Groups in an AWS account". */
export const GROUPS_PER_ACCOUNT = 300;

export const createGroupOperation = (env: IamEnv) =>
  defineOperation<{ Path?: string; GroupName: string }>({
    service: 'iam',
    name: 'CreateGroup',
    auth: 'sigv4',
    authorize: { resource: (input) => groupArn(env.accountId, input.Path ?? '/', input.GroupName) },
    async handler(input, ctx) {
      const count = await env.store.groups.count();
      if (count >= GROUPS_PER_ACCOUNT) {
        fail('LimitExceeded', `Cannot exceed quota for GroupsPerAccount: ${GROUPS_PER_ACCOUNT}`, { reason: { check: 'iam.quota.groups', expected: GROUPS_PER_ACCOUNT, actual: count } });
      }
      const path = input.Path ?? '/';
      const group: StoredGroup = {
        groupName: input.GroupName,
        groupId: groupUniqueId(env.random),
        arn: groupArn(env.accountId, path, input.GroupName),
        path,
        createDate: ctx.now.toISOString(),
      };
      try {
        await env.store.groups.create(nameId(input.GroupName), group);
      } catch (e) {
        if (e instanceof AlreadyExistsError) {
          fail('EntityAlreadyExists', `Group with name ${input.GroupName} already exists.`, { reason: { check: 'iam.group.unique', actual: input.GroupName }, cause: e });
        }
        throw e;
      }
      return { Group: groupShape(group) };
    },
  });
