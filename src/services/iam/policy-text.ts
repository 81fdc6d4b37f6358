/**
 * Checking policy documents IAM accepts: grammar (the policy engine's parser, whose
 * PolicyDocumentError message is AWS's MalformedPolicyDocument text) and size quotas
 * (IAMG:reference_iam-quotas; whitespace does not count toward the limits).
 */
import { fail } from '../../errors/index.js';
import { parsePolicy, PolicyDocumentError } from '../../policy/index.js';

/** Trust policy of a role: 2,048 characters (IAMG:reference_iam-quotas "Role trust policy length"). */
export const TRUST_POLICY_MAX = 2048;
/** Customer managed policy: 6,144 characters. */
export const MANAGED_POLICY_MAX = 6144;
/** All inline policies of one role together: 10,240 characters. */
export const ROLE_INLINE_AGGREGATE_MAX = 10240;

/** Characters that count toward IAM's size quotas. */
export function policySize(text: string): number {
  return text.replace(/\s/g, '').length;
}

/** Parses `text` as a policy of `kind`, translating grammar errors to MalformedPolicyDocument. */
export function checkPolicyDocument(text: string, kind: 'identity' | 'trust'): void {
  try {
    parsePolicy(text, { kind });
  } catch (e) {
    if (!(e instanceof PolicyDocumentError)) throw e;
    fail('MalformedPolicyDocument', e.message, { reason: e.reason, cause: e });
  }
}

export function checkTrustPolicy(text: string): void {
  const size = policySize(text);
  if (size > TRUST_POLICY_MAX) {
    fail('LimitExceeded', `Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_MAX}`, { reason: { check: 'iam.quota.trust-policy-size', expected: TRUST_POLICY_MAX, actual: size } });
  }
  checkPolicyDocument(text, 'trust');
}

export function checkManagedPolicy(text: string): void {
  const size = policySize(text);
  if (size > MANAGED_POLICY_MAX) {
    fail('LimitExceeded', `Cannot exceed quota for PolicySize: ${MANAGED_POLICY_MAX}`, { reason: { check: 'iam.quota.policy-size', expected: MANAGED_POLICY_MAX, actual: size } });
  }
  checkPolicyDocument(text, 'identity');
}
