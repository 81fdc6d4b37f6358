/**
 * tokens/saml/ verifies SAML 2.0 Responses against a registered SAML provider's metadata and reads
 * what AWS reads from them (roles, session name and duration, `SAML:*` condition keys). One
 * strict XML parse, Tessera's pre-checks, then xml-crypto for the signature with metadata keys
 * only (verify.ts). Refusals are `Refusal` kinds 'InvalidToken' / 'ExpiredToken' (mapped to wire
 * codes by the services). No storage: single use of assertion ids is the caller's.
 */
export {
  verifySamlResponse,
  decodeSamlBase64,
  samlNameQualifier,
  MAX_SAML_LENGTH,
  MIN_SAML_LENGTH,
  SAML_CLOCK_SKEW_SECONDS,
  type SamlTrust,
  type SamlVerifyOptions,
  type VerifiedSaml,
} from './verify.js';
export {
  samlRoles,
  samlRoleSessionName,
  samlSessionDuration,
  samlSubjectType,
  samlConditionKeys,
  AWS_SAML_AUDIENCE,
  AWS_SAML_RECIPIENT,
  ROLE_ATTRIBUTE,
  ROLE_SESSION_NAME_ATTRIBUTE,
  SESSION_DURATION_ATTRIBUTE,
  type SamlRolePair,
} from './aws.js';
