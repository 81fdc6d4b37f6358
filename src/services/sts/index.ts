/**
 * STS (awsQuery, 2011-06-15): the credential factories. Owns AssumeRoleWithWebIdentity,
 * AssumeRoleWithSAML, AssumeRole, GetSessionToken and GetCallerIdentity; trust policies are evaluated by the policy engine, tokens by
 * the OIDC verifier, credentials are minted by the vault.
 */
import type { Operation } from '../../wire/operation.js';
import type { EvaluationResult } from '../../policy/index.js';
import { evaluateTrust, type Authorizer, type TrustRequest } from '../../authz/index.js';
import type { IamDirectory } from '../iam/directory.js';
import type { Vault } from './session.js';
import type { SigningKeyRing } from '../../keys/signing-keys.js';
import type { SocialVerifiers } from '../../tokens/social/index.js';
import type { JwtDecoder } from '../../tokens/jws.js';
import { assumeRoleWithWebIdentity } from './operations/assume-role-with-web-identity.js';
import { assumeRoleWithSaml } from './operations/assume-role-with-saml.js';
import type { SamlAssertionLedger } from './saml-assertions.js';
import { assumeRole } from './operations/assume-role.js';
import { getCallerIdentity } from './operations/get-caller-identity.js';
import { getSessionToken } from './operations/get-session-token.js';
import { explainRole, type RoleDoctorInput } from './doctor.js';

export interface OidcVerifier {
  verify(
    token: string,
    provider: { issuer: string; clientIds: string[]; thumbprints: string[] },
    options: { audience: 'aud' | 'azp-then-aud' },
  ): Promise<{ claims: Record<string, unknown>; subject: string; audience: string; issuer: string; expiresAt?: number }>;
}

export interface StsDeps {
  iam: IamDirectory;
  vault: Vault;
  oidc: OidcVerifier;
  authorizer: Authorizer;
  accountId: string;
  clock: () => Date;
  evaluateTrust(request: TrustRequest): EvaluationResult;
  /** Tessera's own OpenID issuer: tokens with iss = publicUrl are verified with these keys. */
  openIdKeys: Pick<SigningKeyRing, 'verifyJwt'>;
  publicUrl: string;
  /** The instance's JWT decoder (src/tokens/jws.ts): the unverified read of `iss` shares its memo with verification. */
  decoder?: JwtDecoder;
  /** Google ID tokens, Facebook and Login with Amazon access tokens (src/tokens/social). */
  social?: SocialVerifiers;
  /** Single use of SAML assertion ids for AssumeRoleWithSAML (saml-assertions.ts). */
  samlAssertions: SamlAssertionLedger;
}

export function stsOperations(deps: Omit<StsDeps, 'evaluateTrust'>): Operation[] {
  const full: StsDeps = { ...deps, evaluateTrust };
  return [assumeRoleWithWebIdentity(full), assumeRoleWithSaml(full), assumeRole(full), getCallerIdentity(), getSessionToken(full)];
}

export type { RoleDoctorInput, RoleDoctorReport } from './doctor.js';

/** The token doctor for roles (doctor.ts), over the same dependencies as the operations. */
export function createRoleDoctor(deps: Omit<StsDeps, 'evaluateTrust'>) {
  const full: StsDeps = { ...deps, evaluateTrust };
  return { explain: (input: RoleDoctorInput) => explainRole(full, input) };
}
export type RoleDoctor = ReturnType<typeof createRoleDoctor>;
