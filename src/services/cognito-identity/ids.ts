/**
 * Identifiers (aws-surface.md §4.1): pool and identity ids are `<region>:<lower-case GUID>`; the
 * pool ARN is `arn:aws:cognito-identity:<region>:<account>:identitypool/<poolId>` (TagResource's
 * ResourceArn and the `identity-pool-arn` token claim).
 */
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../../errors/index.js';

export function newPoolId(region: string, uuid: () => string = randomUUID): string {
  return `${region}:${uuid()}`;
}

export function newIdentityId(region: string, uuid: () => string = randomUUID): string {
  return `${region}:${uuid()}`;
}

export function poolArn(region: string, accountId: string, poolId: string): string {
  return `arn:aws:cognito-identity:${region}:${accountId}:identitypool/${poolId}`;
}

/** The pool id an identity pool ARN of this account names; InvalidParameterException otherwise. */
export function poolIdFromArn(arn: string, accountId: string): string {
  const m = /^arn:aws:cognito-identity:([a-z0-9-]+):(\d{12}):identitypool\/([\w-]+:[0-9a-f-]+)$/.exec(arn);
  if (!m || m[2] !== accountId) {
    throw new ServiceError('InvalidParameterException', `Invalid ResourceArn: ${arn.slice(0, 300)}`, {
      reason: { check: 'ci.resource-arn', expected: `arn:aws:cognito-identity:<region>:${accountId}:identitypool/<poolId>`, actual: arn },
    });
  }
  return m[3]!;
}

/** The region part of `<region>:<guid>` ids. */
export function regionOf(id: string): string {
  return id.slice(0, id.indexOf(':'));
}

/** The GUID part of a pool id (used in developer amr entries, aws-surface.md §4.8). */
export function guidOf(id: string): string {
  return id.slice(id.indexOf(':') + 1);
}
