/**
 * Cognito Identity's refusals with AWS's texts (aws-surface.md §4.3–4.6) and the mapping of
 * refusals raised below the wire (login verification) to its codes, keeping message and reason.
 */
import { Refusal, ServiceError, type Reason } from '../../errors/index.js';

export const MSG = {
  unauthNotSupported: 'Unauthenticated access is not supported for this identity pool.',
  loginsDontMatch: "Logins don't match. Please include at least one valid login for this identity or identity pool.",
  classicDisabled: 'Basic (classic) flow is not enabled, please use enhanced flow.',
  classicWithRoleMappings: 'Basic (classic) flow is not supported with RoleMappings, please use enhanced flow.',
  invalidPoolConfig: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.',
  trustPolicy: 'Your role trust policy must grant AssumeRoleWithWebIdentity permissions to cognito-identity.amazonaws.com',
  onePerPublicProvider: 'You may only link one login per public provider.',
  developerAlreadyRegistered: 'The provided developer user identifier is already registered with Cognito under a different identity ID.',
  disabledIdentity: 'Identity is disabled.',
} as const;

export function poolNotFound(poolId: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', `IdentityPool '${poolId}' not found.`, { reason: { check: 'ci.pool', actual: poolId } });
}

export function identityNotFound(identityId: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', `Identity '${identityId}' not found.`, { reason: { check: 'ci.identity', actual: identityId } });
}

export function invalidParameter(message: string, reason: Reason): ServiceError {
  return new ServiceError('InvalidParameterException', message, { reason });
}

export function notAuthorized(message: string, reason: Reason): ServiceError {
  return new ServiceError('NotAuthorizedException', message, { reason });
}

/** LoginVerifier refusals: 'NotAuthorized' → NotAuthorizedException, 'ExternalService' → ExternalServiceException. */
export function loginRefusal(err: unknown): never {
  if (err instanceof ServiceError) throw err;
  if (err instanceof Refusal) {
    const code = err.kind === 'ExternalService' ? 'ExternalServiceException' : err.kind === 'InvalidParameter' ? 'InvalidParameterException' : 'NotAuthorizedException';
    throw new ServiceError(code, err.message, { reason: err.reason, cause: err });
  }
  throw err;
}

/**
 * Storage ids must be well-formed Unicode without NUL (src/storage/sql/ids.ts); a developer user
 * identifier or token subject that is not is refused here rather than failing in the database.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function checkStorable(what: string, value: string): void {
  if (value.includes('\u0000') || LONE_SURROGATE.test(value)) {
    throw invalidParameter(`${what} contains characters that are not allowed.`, { check: 'ci.storable', actual: JSON.stringify(value).slice(0, 200) });
  }
}
