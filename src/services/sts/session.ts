/**
 * What every STS credential factory shares: duration rules, session policies, session tags,
 * minting and the response members (aws-surface.md §5).
 */
import { ServiceError } from '../../errors/index.js';
import { PolicyDocumentError, type Policy } from '../../policy/index.js';
import type { PolicyCache } from '../../authz/index.js';
import type { SessionClaims } from '../../credentials/principal.js';
import type { RoleRecord } from '../iam/directory.js';

export interface StsSessionInput {
  DurationSeconds?: number;
  Policy?: string;
  PolicyArns?: Array<{ arn?: string }>;
}

export interface Vault {
  mint(
    claims: Omit<SessionClaims, 'v' | 'accessKeyId' | 'secretAccessKey' | 'issuedAt' | 'expiresAt'>,
    durationSeconds: number,
  ): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date; claims: SessionClaims }>;
}

/** DurationSeconds: 900..role MaxSessionDuration, default 3600 (STS API reference). */
export function sessionDuration(requested: number | undefined, role: RoleRecord, options: { chained?: boolean } = {}): number {
  const duration = requested ?? 3600;
  if (options.chained && duration > 3600) {
    throw new ServiceError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.', {
      reason: { check: 'sts.duration.chained', expected: '<= 3600', actual: duration },
    });
  }
  if (duration > role.maxSessionDuration) {
    throw new ServiceError('ValidationError', `The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`, {
      reason: { check: 'sts.duration.role-max', expected: `<= ${role.maxSessionDuration}`, actual: duration },
    });
  }
  return duration;
}

/** Parses the inline session policy (MalformedPolicyDocument when it is not a valid policy). */
export function sessionPolicy(text: string | undefined, cache: PolicyCache): Policy | undefined {
  if (text === undefined) return undefined;
  try {
    return cache.parse(text, 'session');
  } catch (err) {
    if (err instanceof PolicyDocumentError) throw new ServiceError('MalformedPolicyDocument', err.message, { cause: err });
    throw err;
  }
}

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/**
 * Session tags: ≤ 50, keys unique case-insensitively, key/value within the STS patterns
 * (security.md A07, I11: a value with `*`, `?` or `$` never reaches a policy variable).
 */
export function checkSessionTags(tags: Record<string, string>, transitive: string[], source: string): void {
  const keys = Object.keys(tags);
  const bad = (message: string, actual: unknown) => {
    throw new ServiceError(source === 'token' ? 'InvalidIdentityToken' : 'ValidationError', message, { reason: { check: 'sts.session-tags', actual } });
  };
  if (keys.length > 50) bad('The number of session tags exceeds the limit of 50.', keys.length);
  const seen = new Set<string>();
  for (const key of keys) {
    if (!TAG_KEY.test(key)) bad(`Session tag key '${key.slice(0, 130)}' is invalid.`, key);
    if (!TAG_VALUE.test(tags[key]!)) bad(`Session tag value for '${key}' is invalid.`, tags[key]);
    const lower = key.toLowerCase();
    if (seen.has(lower)) bad(`Duplicate tag keys found. Please note that Tag keys are case insensitive.`, key);
    seen.add(lower);
  }
  for (const key of transitive) {
    if (!keys.some((k) => k.toLowerCase() === key.toLowerCase())) bad(`Transitive tag key '${key}' is not a session tag.`, key);
  }
}

/** Condition keys a request carrying session tags adds (IAM user guide, id_session-tags). */
export function tagContext(tags: Record<string, string>): Record<string, string | string[]> {
  const ctx: Record<string, string | string[]> = {};
  const keys = Object.keys(tags);
  for (const k of keys) ctx[`aws:RequestTag/${k}`] = tags[k]!;
  if (keys.length) ctx['aws:TagKeys'] = keys;
  return ctx;
}

/**
 * PackedPolicySize: the session policy and tags as a percentage of what STS can pack. AWS's
 * packing is undocumented; Tessera counts the policy without insignificant whitespace plus tags
 * against 2,048 characters, and refuses above 100 % (PackedPolicyTooLarge).
 */
export function packedPolicySize(policyText: string | undefined, arns: string[], tags: Record<string, string>): number | undefined {
  if (policyText === undefined && arns.length === 0 && Object.keys(tags).length === 0) return undefined;
  let size = 0;
  if (policyText !== undefined) {
    try {
      size += JSON.stringify(JSON.parse(policyText)).length;
    } catch {
      size += policyText.length;
    }
  }
  size += arns.reduce((n, a) => n + a.length, 0);
  size += Object.entries(tags).reduce((n, [k, v]) => n + k.length + v.length, 0);
  const percent = Math.ceil((size / 2048) * 100);
  if (percent > 100) {
    throw new ServiceError('PackedPolicyTooLarge', `Packed size of session policies and tags exceeds the limit (${percent}% of allowed).`, {
      reason: { check: 'sts.packed-size', expected: '<= 100%', actual: `${percent}%` },
    });
  }
  return percent;
}

export function assumedRoleUser(accountId: string, role: RoleRecord, sessionName: string) {
  return {
    Arn: `arn:aws:sts::${accountId}:assumed-role/${role.roleName}/${sessionName}`,
    AssumedRoleId: `${role.roleId}:${sessionName}`,
  };
}

export function credentialsOutput(minted: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date }) {
  return {
    AccessKeyId: minted.accessKeyId,
    SecretAccessKey: minted.secretAccessKey,
    SessionToken: minted.sessionToken,
    Expiration: minted.expiration,
  };
}
