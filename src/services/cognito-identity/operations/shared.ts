/** Helpers the operations share: IAM resource of a pool, pool lookup, NextToken handling. */
import { InvalidPageTokenError } from '../../../storage/contract.js';
import { invalidParameter } from '../errors.js';
import { poolArn, regionOf } from '../ids.js';
import type { CognitoIdentityContext } from '../deps.js';

/** `authorize.resource` for operations on one pool: its ARN (IAM resource type `identitypool`). */
export function poolResource(c: CognitoIdentityContext) {
  return (input: { IdentityPoolId: string }) => poolArn(regionOf(input.IdentityPoolId), c.accountId, input.IdentityPoolId);
}

/** Storage page tokens are opaque; a foreign or corrupt NextToken is the caller's mistake. */
export async function withPageToken<T>(token: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof InvalidPageTokenError) throw invalidParameter('Invalid NextToken.', { check: 'ci.next-token', actual: token?.slice(0, 100) });
    throw err;
  }
}
