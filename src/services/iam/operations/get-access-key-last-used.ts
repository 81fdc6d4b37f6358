/**
 * GetAccessKeyLastUsed (M-IAM): when, where and for which service a key last signed a request
 * (recorded with a granularity of a minute, directory.ts); `N/A` for a key never used, as IAM
 * answers. Authorised against the user who owns the key.
 */
import { userArn } from '../arns.js';
import { defineOperation } from '../../../wire/operation.js';
import { findAccessKey, noSuchAccessKey } from '../access-keys.js';
import type { IamEnv } from '../env.js';
import { findUser } from '../owners.js';

export const getAccessKeyLastUsedOperation = (env: IamEnv) =>
  defineOperation<{ AccessKeyId: string }>({
    service: 'iam',
    name: 'GetAccessKeyLastUsed',
    auth: 'sigv4',
    authorize: {
      async resource(input) {
        const key = await findAccessKey(env, input.AccessKeyId);
        if (!key) return '*';
        const user = await findUser(env, key.userName);
        return userArn(env.accountId, user?.path ?? '/', key.userName);
      },
    },
    async handler(input) {
      const key = await findAccessKey(env, input.AccessKeyId);
      const user = key && (await findUser(env, key.userName));
      if (!key || !user || user.userId !== key.userId) noSuchAccessKey(input.AccessKeyId);
      const used = key.lastUsed;
      return {
        UserName: key.userName,
        AccessKeyLastUsed: used
          ? { LastUsedDate: new Date(used.date), ServiceName: used.serviceName, Region: used.region }
          : { ServiceName: 'N/A', Region: 'N/A' },
      };
    },
  });
