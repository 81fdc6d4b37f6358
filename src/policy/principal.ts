/**
 * Principal matching for trust and resource policies (IAM user guide, "AWS JSON policy
 * elements: Principal" and "NotPrincipal"). A policy names principals as `"*"`,
 * `{"AWS": "*" | ARN | account id}`, `{"Federated": "cognito-identity.amazonaws.com" |
 * "accounts.google.com" | OIDC/SAML provider ARN}`, `{"Service": …}`, `{"CanonicalUser": …}`.
 * A bare account id means the account root (`arn:aws:iam::<id>:root`) — and naming the account
 * "delegates" to the account's identity policies rather than granting by itself.
 *
 * How strongly a match grants (IAM user guide, "Policy evaluation logic" § "Evaluating
 * identity-based policies with resource-based policies", "Session policies", "Permissions
 * boundaries"):
 * - `direct`: a role session, federated user or IAM user ARN, or a Federated / Service /
 *   CanonicalUser principal — the resource policy's Allow suffices in the same account, and
 *   session policies and boundaries do not limit it;
 * - `limited`: a role ARN or a `*` wildcard — the Allow is added to the identity policies before
 *   session policies and the permissions boundary limit the total;
 * - `account`: the account root — delegation; identity policies must allow.
 */
import type { PrincipalEntry, PrincipalRef } from './types.js';

export type PrincipalMatch = 'direct' | 'limited' | 'account';

const ACCOUNT_ID = /^[0-9]{12}$/;
const RANK: Record<PrincipalMatch, number> = { account: 1, limited: 2, direct: 3 };

/** A 12-digit account id is shorthand for the account root ARN. */
export function normalizeAwsPrincipal(value: string): string {
  return ACCOUNT_ID.test(value) ? `arn:aws:iam::${value}:root` : value;
}

export function principalIds(ref: PrincipalRef): string[] {
  const ids = [...(ref.ids ?? [])];
  if (typeof ref.id === 'string') ids.push(ref.id);
  else if (ref.id) ids.push(...ref.id);
  return ref.type === 'AWS' ? ids.map(normalizeAwsPrincipal) : ids;
}

function awsStrength(arn: string): PrincipalMatch {
  if (/^arn:[^:]+:iam::[^:]*:root$/.test(arn)) return 'account';
  if (/^arn:[^:]+:sts::[^:]*:(assumed-role|federated-user)\//.test(arn)) return 'direct';
  if (/^arn:[^:]+:iam::[^:]*:user\//.test(arn)) return 'direct';
  return 'limited';
}

function entryMatch(entry: PrincipalEntry, caller: PrincipalRef | undefined, ids: readonly string[]): PrincipalMatch | undefined {
  // `"Principal": "*"` covers everyone, anonymous callers included.
  if (entry.type === '*') return 'limited';
  if (!caller || caller.type !== entry.type) return undefined;
  if (entry.value === '*') return 'limited';
  if (!ids.includes(entry.value)) return undefined;
  return entry.type === 'AWS' ? awsStrength(entry.value) : 'direct';
}

/** The strongest way `entries` name the caller, or undefined when none does. */
export function matchPrincipal(
  entries: readonly PrincipalEntry[],
  caller: PrincipalRef | undefined,
): PrincipalMatch | undefined {
  const ids = caller ? principalIds(caller) : [];
  let best: PrincipalMatch | undefined;
  for (const entry of entries) {
    const m = entryMatch(entry, caller, ids);
    if (m && (!best || RANK[m] > RANK[best])) best = m;
  }
  return best;
}
