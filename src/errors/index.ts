/**
 * Errors that cross the wire. Every error Tessera sends is a ServiceError whose `code` is the
 * exact code a real AWS client expects for that protocol family (the model's `error.code` for
 * awsQuery services, the shape name for awsJson services; see aws-surface.md §2). The HTTP status
 * and fault come from the catalog below, so a handler only names the code.
 *
 * `reason` is the machine-readable explanation of a refusal (which check failed, what was
 * expected, what was seen). It is logged and will feed the token doctor; it is rendered on the
 * wire only inside the human message where AWS itself would say something.
 * Internal detail (library errors, stack traces) rides in `cause` and is never rendered.
 */

export type Fault = 'client' | 'server';

/** Why a request was refused, for logs, the token doctor and tests. */
export interface Reason {
  /** Stable identifier of the check that failed, e.g. `jwt.iss`, `sigv4.signature`, `policy.implicit-deny`. */
  check: string;
  expected?: unknown;
  actual?: unknown;
  detail?: string;
}

export interface ErrorSpec {
  status: number;
  fault?: Fault;
}

/**
 * Every code the server can emit, with its HTTP status. Status codes follow the Smithy models
 * (httpError traits), except where the wire differs (aws-surface.md §2.1: Cognito Identity sends
 * NotAuthorizedException as 400).
 */
export const ERROR_CATALOG = {
  // ---- protocol-level, shared ------------------------------------------------------------
  InternalFailure: { status: 500, fault: 'server' },
  ServiceUnavailable: { status: 503, fault: 'server' },
  // awsQuery (IAM, STS)
  ValidationError: { status: 400 },
  InvalidAction: { status: 400 },
  MissingAction: { status: 400 },
  InvalidParameterValue: { status: 400 },
  MissingParameter: { status: 400 },
  MalformedQueryString: { status: 400 },
  AccessDenied: { status: 403 },
  IncompleteSignature: { status: 400 },
  SignatureDoesNotMatch: { status: 403 },
  InvalidClientTokenId: { status: 403 },
  ExpiredToken: { status: 403 },
  MissingAuthenticationToken: { status: 403 },
  RequestEntityTooLarge: { status: 413 },
  UnsupportedMediaType: { status: 415 },
  Throttling: { status: 400 },
  // awsJson1_1 (Cognito Identity, Cognito user pools)
  ValidationException: { status: 400 },
  SerializationException: { status: 400 },
  UnknownOperationException: { status: 400 },
  AccessDeniedException: { status: 400 },
  IncompleteSignatureException: { status: 400 },
  InvalidSignatureException: { status: 400 },
  UnrecognizedClientException: { status: 400 },
  ExpiredTokenException: { status: 400 },
  MissingAuthenticationTokenException: { status: 400 },
  InternalFailureException: { status: 500, fault: 'server' },

  // ---- IAM (model error.code) ------------------------------------------------------------
  NoSuchEntity: { status: 404 },
  EntityAlreadyExists: { status: 409 },
  LimitExceeded: { status: 409 },
  InvalidInput: { status: 400 },
  MalformedPolicyDocument: { status: 400 },
  DeleteConflict: { status: 409 },
  UnmodifiableEntity: { status: 400 },
  ConcurrentModification: { status: 409 },
  PolicyNotAttachable: { status: 400 },
  OpenIdIdpCommunicationError: { status: 400 },
  ServiceFailure: { status: 500, fault: 'server' },

  // ---- STS (model error.code) ------------------------------------------------------------
  InvalidIdentityToken: { status: 400 },
  IDPRejectedClaim: { status: 403 },
  IDPCommunicationError: { status: 400 },
  PackedPolicyTooLarge: { status: 400 },
  RegionDisabledException: { status: 403 },
  JWTPayloadSizeExceededException: { status: 400 },
  // ExpiredTokenException (shared name, 400) is listed above.

  // ---- Cognito Identity ------------------------------------------------------------------
  InvalidParameterException: { status: 400 },
  NotAuthorizedException: { status: 400 },
  ResourceConflictException: { status: 400 },
  ResourceNotFoundException: { status: 400 },
  TooManyRequestsException: { status: 400 },
  LimitExceededException: { status: 400 },
  ExternalServiceException: { status: 400 },
  InvalidIdentityPoolConfigurationException: { status: 400 },
  DeveloperUserAlreadyRegisteredException: { status: 400 },
  ConcurrentModificationException: { status: 400 },
  InternalErrorException: { status: 500, fault: 'server' },

  // ---- Cognito user pools (shape names; 400 as the wire has them, aws-surface.md §2.1) ---------
  UsernameExistsException: { status: 400 },
  UserNotFoundException: { status: 400 },
  UserNotConfirmedException: { status: 400 },
  PasswordResetRequiredException: { status: 400 },
  CodeMismatchException: { status: 400 },
  ExpiredCodeException: { status: 400 },
  InvalidPasswordException: { status: 400 },
  AliasExistsException: { status: 400 },
  DuplicateProviderException: { status: 400 },
  GroupExistsException: { status: 400 },
  UnsupportedTokenTypeException: { status: 400 },
  UnsupportedOperationException: { status: 400 },
  UnsupportedIdentityProviderException: { status: 400 },
  InvalidOAuthFlowException: { status: 400 },
  ScopeDoesNotExistException: { status: 400 },
  InvalidUserPoolConfigurationException: { status: 400 },
  TooManyFailedAttemptsException: { status: 400 },
  UnsupportedUserStateException: { status: 400 },
  EnableSoftwareTokenMFAException: { status: 400 },
  SoftwareTokenMFANotFoundException: { status: 400 },
  RefreshTokenReuseException: { status: 400 },
  UnauthorizedException: { status: 401 },
  ForbiddenException: { status: 403 },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fault: Fault;
  readonly reason?: Reason;

  constructor(code: ErrorCode, message: string, options: { reason?: Reason; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const spec: ErrorSpec = ERROR_CATALOG[code];
    this.name = code;
    this.code = code;
    this.status = spec.status;
    this.fault = spec.fault ?? 'client';
    if (options.reason) this.reason = options.reason;
  }
}

/** Shorthand: `fail('NoSuchEntity', 'The role with name X cannot be found.')`. */
export function fail(code: ErrorCode, message: string, options?: { reason?: Reason; cause?: unknown }): never {
  throw new ServiceError(code, message, options);
}

export function isServiceError(e: unknown): e is ServiceError {
  return e instanceof ServiceError;
}

/**
 * A refusal raised below the wire (token verification, SigV4, policy parsing, storage) before
 * anyone knows which AWS service and protocol will render it. The service that catches it maps
 * `kind` to its own code; the reason survives the mapping.
 */
export class Refusal extends Error {
  constructor(
    readonly kind: string,
    message: string,
    readonly reason: Reason,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'Refusal';
  }
}
