/** sts:GetCallerIdentity: needs no permission and cannot be denied (STS API reference). */
import { defineOperation } from '../../../wire/operation.js';

export function getCallerIdentity() {
  return defineOperation({
    service: 'sts',
    name: 'GetCallerIdentity',
    auth: 'sigv4',
    authorize: false,
    async handler(_input, ctx) {
      const p = ctx.principal!;
      return { UserId: p.userId, Account: p.accountId, Arn: p.arn };
    },
  });
}
