/**
 * Cognito user pools' refusals, with the wire codes the cognito-idp model names (aws-surface.md
 * §2.1, §7.1) and AWS's message texts where known (§7.3).
 *
 * Several of these codes (UsernameExistsException, CodeMismatchException, …) are not yet in the
 * shared ERROR_CATALOG (src/errors/index.ts, owned by the lead). `idpError` builds a real
 * ServiceError either way: for a catalogued code it is the plain constructor; for one that is not
 * catalogued yet it builds the error under a catalogued code and then sets the wire code and the
 * status from IDP_ERRORS below. Once the catalog carries these codes the second branch is dead.
 */
import { ERROR_CATALOG, Refusal, ServiceError, type ErrorCode, type Reason } from '../../errors/index.js';

/**
 * Status per code. JSERR gives 400 for most client errors (aws-surface.md §2.1); the not-found
 * codes are 404 in the Smithy model but the catalog already renders Cognito's not-found and
 * not-authorized as 400 (observed wire behaviour), so user pools follow the catalog: 400.
 */
export const IDP_ERRORS = {
  UsernameExistsException: 400,
  UserNotFoundException: 400,
  UserNotConfirmedException: 400,
  PasswordResetRequiredException: 400,
  CodeMismatchException: 400,
  ExpiredCodeException: 400,
  InvalidPasswordException: 400,
  AliasExistsException: 400,
  DuplicateProviderException: 400,
  GroupExistsException: 400,
  UnsupportedTokenTypeException: 400,
  UnsupportedOperationException: 400,
  UnsupportedIdentityProviderException: 400,
  InvalidOAuthFlowException: 400,
  ScopeDoesNotExistException: 400,
  InvalidUserPoolConfigurationException: 400,
  TooManyFailedAttemptsException: 400,
  UnsupportedUserStateException: 400,
  UnauthorizedException: 401,
  ForbiddenException: 403,
} as const;

export type IdpErrorCode = ErrorCode | keyof typeof IDP_ERRORS;

export function idpError(code: IdpErrorCode, message: string, reason?: Reason, cause?: unknown): ServiceError {
  const options = { ...(reason ? { reason } : {}), ...(cause !== undefined ? { cause } : {}) };
  if (Object.hasOwn(ERROR_CATALOG, code)) return new ServiceError(code as ErrorCode, message, options);
  const err = new ServiceError('InvalidParameterException', message, options);
  const status = IDP_ERRORS[code as keyof typeof IDP_ERRORS];
  Object.defineProperties(err, {
    code: { value: code, enumerable: true },
    name: { value: code, enumerable: false, writable: true },
    status: { value: status, enumerable: true },
  });
  return err;
}

/** Texts AWS sends (aws-surface.md §7.3 and the sources cited there). */
export const MSG = {
  badCredentials: 'Incorrect username or password.',
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
