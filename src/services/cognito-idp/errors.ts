/**
 * Cognito user pools' refusals, with the wire codes the cognito-idp model names (aws-surface.md
 * §2.1, §7.1) and AWS's message texts where known (§7.3).
 *
 * Every code is in the shared ERROR_CATALOG (src/errors/index.ts), which owns statuses.
 */
import { Refusal, ServiceError, type ErrorCode, type Reason } from '../../errors/index.js';

export type IdpErrorCode = ErrorCode;

export function idpError(code: IdpErrorCode, message: string, reason?: Reason, cause?: unknown): ServiceError {
  return new ServiceError(code, message, { ...(reason ? { reason } : {}), ...(cause !== undefined ? { cause } : {}) });
}

/** Texts AWS sends (aws-surface.md §7.3 and the sources cited there). */
export const MSG = {
  badCredentials: 'Incorrect username or password.',
  /** The lockout after repeated wrong passwords (lockout.ts). */
  attemptsExceeded: 'Password attempts exceeded',
  /** The same lockout met by ChangePassword. */
  attemptLimit: 'Attempt limit exceeded, please try after some time.',
  secretHash: (clientId: string) => `Unable to verify secret hash for client ${clientId}`,
  flowNotEnabled: (flow: string) => `${flow} flow not enabled for this client`,
  initiateNotSupported: 'Initiate Auth method not supported.',
  userNotConfirmed: 'User is not confirmed.',
  passwordResetRequired: 'Password reset required for the user',
  userDisabled: 'User is disabled.',
  userExists: 'User already exists',
  userNotFound: 'User does not exist.',
  invalidRefresh: 'Invalid Refresh Token',
  refreshRevoked: 'Refresh Token has been revoked',
  refreshReused: 'Refresh Token has been rotated and is no longer valid',
  secretMissing: (clientId: string) => `Client ${clientId} is configured for secret but secret was not received`,
  clientSecret: (clientId: string) => `Unable to verify secret for client ${clientId}`,
  mfaCodeMismatch: 'Invalid code received for user',
  mfaCodeUsed: 'Your software token has already been used once.',
  softwareTokenMismatch: 'Code mismatch and fail enable Software Token MFA mfa',
  softwareTokenNotEnabled: 'Software Token MFA has not been enabled for the userPool.',
  accessRevoked: 'Access Token has been revoked',
  invalidAccess: 'Invalid Access Token',
  codeMismatch: 'Invalid verification code provided, please try again.',
  codeExpired: 'Invalid code provided, please request a code again.',
  passwordPolicy: (why: string) => `Password did not conform with policy: ${why}`,
  tempPasswordExpired: 'Temporary password has expired and must be reset by an administrator.',
  refreshRequired: 'REFRESH_TOKEN_AUTH should always be allowed.',
} as const;

export const poolNotFound = (userPoolId: string) =>
  idpError('ResourceNotFoundException', `User pool ${userPoolId} does not exist.`, { check: 'idp.pool', actual: userPoolId });
export const clientNotFound = (clientId: string) =>
  idpError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`, { check: 'idp.client', actual: clientId });
export const userNotFound = (username: string) => idpError('UserNotFoundException', MSG.userNotFound, { check: 'idp.user', actual: username });
export const invalidParameter = (message: string, check = 'idp.parameter', actual?: unknown) =>
  idpError('InvalidParameterException', message, { check, ...(actual !== undefined ? { actual } : {}) });
export const notAuthorized = (message: string, check: string, actual?: unknown) =>
  idpError('NotAuthorizedException', message, { check, ...(actual !== undefined ? { actual } : {}) });

/** Refusals for callers below the wire (identity pools): kind 'NotAuthorized', like src/tokens/logins. */
export function tokenRefusal(message: string, reason: Reason, cause?: unknown): Refusal {
  return new Refusal('NotAuthorized', message, reason, cause !== undefined ? { cause } : undefined);
}
