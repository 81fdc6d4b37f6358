/** TagResource, UntagResource, ListTagsForResource on identity pool ARNs (M-CI; ≤ 50 tags). */
import { defineOperation } from '../../../wire/operation.js';
import type { CognitoIdentityContext } from '../deps.js';
import { poolNotFound } from '../errors.js';
import { poolIdFromArn } from '../ids.js';
import { checkTags, getPool } from '../pools.js';
import { NotFoundError } from '../../../storage/contract.js';

export function tagOperations(c: CognitoIdentityContext) {
  const resource = (input: { ResourceArn: string }) => input.ResourceArn;
  async function updateTags(arn: string, change: (tags: Record<string, string>) => Record<string, string>) {
    const poolId = poolIdFromArn(arn, c.accountId);
    try {
      await c.store.pools.update(poolId, (cur) => ({ ...cur, tags: checkTags(change({ ...cur.tags })) }));
    } catch (err) {
      if (err instanceof NotFoundError) throw poolNotFound(poolId);
      throw err;
    }
  }
  return [
    defineOperation<{ ResourceArn: string; Tags: Record<string, string> }>({
      service: 'cognito-identity',
      name: 'TagResource',
      auth: 'sigv4',
      authorize: { resource },
      async handler(input) {
        await updateTags(input.ResourceArn, (tags) => ({ ...tags, ...input.Tags }));
        return {};
      },
    }),
    defineOperation<{ ResourceArn: string; TagKeys: string[] }>({
      service: 'cognito-identity',
      name: 'UntagResource',
      auth: 'sigv4',
      authorize: { resource },
      async handler(input) {
        await updateTags(input.ResourceArn, (tags) => {
          for (const k of input.TagKeys) delete tags[k];
          return tags;
        });
        return {};
      },
    }),
    defineOperation<{ ResourceArn: string }>({
      service: 'cognito-identity',
      name: 'ListTagsForResource',
      auth: 'sigv4',
      authorize: { resource },
      async handler(input) {
        const pool = await getPool(c.store, poolIdFromArn(input.ResourceArn, c.accountId));
        return { Tags: pool.tags };
      },
    }),
  ];
}
