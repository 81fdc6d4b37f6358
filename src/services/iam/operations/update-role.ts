/** UpdateRole (M-IAM): Description and/or MaxSessionDuration; members not given stay as they are. */
import { defineOperation } from '../../../wire/operation.js';
import type { IamEnv } from '../env.js';
import { updateOrNoSuchRole } from '../mutate.js';
import { existingRoleResource } from '../resources.js';

interface Input {
  RoleName: string;
  Description?: string;
  MaxSessionDuration?: number;
}

export const updateRoleOperation = (env: IamEnv) =>
  defineOperation<Input>({
    service: 'iam',
    name: 'UpdateRole',
    auth: 'sigv4',
    authorize: { resource: (input) => existingRoleResource(env, input.RoleName) },
    async handler(input) {
      await updateOrNoSuchRole(env, input.RoleName, (role) => {
        const next = { ...role };
        if (input.Description !== undefined) next.description = input.Description;
        if (input.MaxSessionDuration !== undefined) next.maxSessionDuration = input.MaxSessionDuration;
        return next;
      });
      return {};
    },
  });
