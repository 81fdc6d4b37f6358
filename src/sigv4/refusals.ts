/**
 * The refusals this folder raises, with AWS's wording where AWS has one. The service that
 * catches a Refusal maps `kind` to its protocol's code (awsQuery `SignatureDoesNotMatch`,
 * awsJson `InvalidSignatureException`, …); the `reason` survives for logs and the token doctor.
 */
import { Refusal, type Reason } from '../errors/index.js';

export type SigV4RefusalKind =
  | 'IncompleteSignature'
  | 'SignatureDoesNotMatch'
  | 'RequestExpired'
  | 'InvalidClientTokenId'
  | 'ExpiredToken'
  | 'AccessDenied'
  | 'MissingAuthenticationToken';

export function refuse(kind: SigV4RefusalKind, message: string, reason: Reason): never {
  throw new Refusal(kind, message, reason);
}

/** AWS's SignatureDoesNotMatch text for IAM/STS (the canonical request goes in the reason, not the message). */
export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export const INVALID_TOKEN_MESSAGE = 'The security token included in the request is invalid.';
export const EXPIRED_TOKEN_MESSAGE = 'The security token included in the request is expired';
export const PRESIGN_EXPIRED_MESSAGE = 'Request has expired';
export const MISSING_TOKEN_MESSAGE = 'Request is missing Authentication Token';
