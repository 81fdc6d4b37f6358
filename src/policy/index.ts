/**
 * The IAM policy engine: parsing and validating policy documents (identity, session, trust and
 * resource policies), evaluating a request against them with the IAM evaluation logic
 * (explicit deny, identity ∩ session ∩ boundary, resource policies and trust policies),
 * condition operators with IfExists / ForAnyValue / ForAllValues, policy variables, and
 * advisories for policies that parse but mislead. Pure and side-effect free: no I/O, no clock,
 * no storage — callers pass policies already loaded and the request context (aws:CurrentTime
 * included). Role resolution for identity pools (role-mapping.ts) lives beside it, equally pure.
 */
export { parsePolicy, type ParseOptions } from './parse.js';
export { evaluate } from './evaluate.js';
export { lintPolicy, type PolicyAdvisory } from './lint.js';
export { PolicyDocumentError } from './types.js';
export { resolveRole, ruleMatches, tokenRoles, ROLE_MESSAGES, SAML_ROLE_ATTRIBUTE, type RoleMapping, type RoleMappingRule, type RoleResolution, type RoleResolutionInput, type RoleSource } from './role-mapping.js';
export type {
  Condition,
  ContextMap,
  Effect,
  EvaluationRequest,
  EvaluationResult,
  MatchedStatement,
  Policy,
  PolicyKind,
  PolicySource,
  PolicyVersion,
  PrincipalEntry,
  PrincipalRef,
  PrincipalType,
  Statement,
} from './types.js';
